"""CURVE on the feeds and the alert bus, against the real daemon over real sockets (README
"Security").

Keys come from `casewatch keygen`. The daemon binds a PULL feed as a CURVE server admitting one
client key (its clients_file, with a comment line) and carrying only the sources `integ`, and
publishes its alert bus as a CURVE server admitting one subscriber key. Then:
- a PUSH without keys and a PUSH with a key not listed deliver nothing, and both are counted in
  casewatch_zmq_auth_refusals_total{socket="feed/f1"};
- the PUSH with the listed key delivers; its event with source `forged` is rejected
  unauthorised_source, counted, and kept as a dead letter;
- a SUB without the bus's public key receives nothing, a SUB with an unlisted key is refused and
  counted (socket="publish"), and the listed SUB receives the alert that the events raise;
- `casewatch feedgen --curve-key --curve-server-key` gets its events through.
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402


def ts(day, hour=9):
    return "2026-03-%02dT%02d:00:00+08:00" % (1 + day, hour)


def keygen(args, prefix):
    cwtest.run([args.casewatch, "keygen", prefix], check=0)
    mode = os.stat(prefix + ".key").st_mode & 0o777
    assert mode == 0o600, "keygen wrote the secret key with mode %o, want 600" % mode
    return read_key(prefix + ".key"), read_key(prefix + ".pub")


def read_key(path):
    lines = [ln.strip() for ln in open(path) if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1 and len(lines[0]) == 40, "%s: not one Z85 key: %r" % (path, lines)
    return lines[0].encode()


def refusals(d, socket):
    return cwtest.metric_sum(d.metrics(), "casewatch_zmq_auth_refusals_total", socket=socket)


def curve_client(sock, secret, public, server_public):
    sock.setsockopt(zmq.CURVE_SECRETKEY, secret)
    sock.setsockopt(zmq.CURVE_PUBLICKEY, public)
    sock.setsockopt(zmq.CURVE_SERVERKEY, server_public)


def queue(sock, event):
    """Queues an event on a PUSH that connected (its pipe exists before any handshake)."""
    try:
        sock.send(cwtest.dumps(event).encode(), zmq.NOBLOCK)
    except zmq.Again:
        pass  # no pipe yet: nothing could be sent either way


def test(args, tmp):
    k = os.path.join(tmp, "keys")
    os.makedirs(k)
    feed_sec, feed_pub = keygen(args, os.path.join(k, "feed"))
    bus_sec, bus_pub = keygen(args, os.path.join(k, "bus"))
    good_sec, good_pub = keygen(args, os.path.join(k, "producer"))
    bad_sec, bad_pub = keygen(args, os.path.join(k, "stranger"))
    sub_sec, sub_pub = keygen(args, os.path.join(k, "subscriber"))
    with open(os.path.join(k, "feed_clients"), "w") as f:
        f.write("# the intake system's producer\n%s\n\n" % good_pub.decode())
    with open(os.path.join(k, "bus_clients"), "w") as f:
        f.write("# the duty desk\n%s\n" % sub_pub.decode())

    port = cwtest.free_port()
    endpoint = "tcp://127.0.0.1:%d" % port
    feed = ('feeds=[{name: f1, kind: zmq_pull, endpoint: "%s", bind: true, sources: [integ], '
            'curve: {secret_key_file: "%s", clients_file: "%s"}}]'
            % (endpoint, os.path.join(k, "feed.key"), os.path.join(k, "feed_clients")))
    d = cwtest.Daemon(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                      extra_sets=[feed,
                                  "publish.curve.secret_key_file=" + os.path.join(k, "bus.key"),
                                  "publish.curve.clients_file=" + os.path.join(k, "bus_clients")])
    d.start()
    ctx = zmq.Context()
    try:
        # A PUSH without keys: its handshake fails, nothing passes.
        plain = ctx.socket(zmq.PUSH)
        plain.setsockopt(zmq.LINGER, 0)
        plain.connect(endpoint)
        queue(plain, cwtest.registered("c-plain", ts(0), "C-PLAIN", ["id:curve-person-0"]))
        d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_zmq_auth_refusals_total",
                                                  socket="feed/f1") >= 1,
                      what="the keyless PUSH counted as refused")
        plain.close()
        before = refusals(d, "feed/f1")
        # A PUSH with a key the feed does not list: refused by the ZAP handler.
        stranger = ctx.socket(zmq.PUSH)
        stranger.setsockopt(zmq.LINGER, 0)
        curve_client(stranger, bad_sec, bad_pub, feed_pub)
        stranger.connect(endpoint)
        queue(stranger, cwtest.registered("c-stranger", ts(0), "C-S", ["id:curve-person-0"]))
        d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_zmq_auth_refusals_total",
                                                  socket="feed/f1") > before,
                      what="the unlisted key counted as refused")
        d.wait_log(r"feed f1: client key not admitted", what="the ZAP refusal in the log")
        stranger.close()

        # The bus: a listed subscriber, one without the server key, one with an unlisted key.
        listed = ctx.socket(zmq.SUB)
        listed.setsockopt(zmq.LINGER, 0)
        listed.setsockopt(zmq.SUBSCRIBE, b"")
        curve_client(listed, sub_sec, sub_pub, bus_pub)
        joined = listed.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
        listed.connect(d.publish_endpoint)
        keyless = ctx.socket(zmq.SUB)
        keyless.setsockopt(zmq.LINGER, 0)
        keyless.setsockopt(zmq.SUBSCRIBE, b"")
        keyless.connect(d.publish_endpoint)
        unlisted = ctx.socket(zmq.SUB)
        unlisted.setsockopt(zmq.LINGER, 0)
        unlisted.setsockopt(zmq.SUBSCRIBE, b"")
        curve_client(unlisted, bad_sec, bad_pub, bus_pub)
        unlisted.connect(d.publish_endpoint)
        if not joined.poll(int(cwtest.DEFAULT_TIMEOUT * 1000)):
            cwtest.fail("the listed subscriber did not complete its CURVE handshake")
        joined.recv_multipart()
        listed.disable_monitor()
        joined.close()
        d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_zmq_auth_refusals_total",
                                                  socket="publish") >= 1,
                      what="the unlisted subscriber counted as refused")
        time.sleep(0.2)  # the subscription's trip to the PUB (it drops until it has it)

        # The listed producer: delivered; a forged source rejected.
        good = cwtest.Pusher.__new__(cwtest.Pusher)
        good.sock = ctx.socket(zmq.PUSH)
        good.sock.setsockopt(zmq.LINGER, 2000)
        good.sock.setsockopt(zmq.SNDTIMEO, int(cwtest.DEFAULT_TIMEOUT * 1000))
        curve_client(good.sock, good_sec, good_pub, feed_pub)
        good.sock.connect(endpoint)
        good.send(cwtest.registered("c-1", ts(0), "C-1", ["id:curve-person-1"]))
        good.send(cwtest.registered("c-forged", ts(1), "C-F", ["id:curve-person-2"],
                                    source="forged"))
        good.send(cwtest.registered("c-2", ts(10), "C-2", ["id:curve-person-3"]))
        s = d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total") >= 2
                          and cwtest.metric_sum(s, "casewatch_ingest_rejected_total",
                                                reason="unauthorised_source") >= 1,
                          what="two events accepted and one rejected unauthorised_source")
        accepted = cwtest.metric_sum(s, "casewatch_ingest_events_total")
        assert accepted == 2, "%d events accepted, want 2 (nothing from the refused PUSHes)" % accepted
        rejected = cwtest.metric_sum(s, "casewatch_ingest_rejected_total")
        assert rejected == 1, "%d rejections, want only the forged source's" % rejected

        def dead_letter():
            db = cwtest.open_db_readonly(d.db_path())
            try:
                return db.execute("SELECT reason, detail, raw FROM dead_letters").fetchall()
            finally:
                db.close()

        rows = cwtest.wait_until(dead_letter, message="the dead letter of the forged source")
        assert [r[0] for r in rows] == ["unauthorised_source"], rows
        raw = bytes(rows[0][2]) if not isinstance(rows[0][2], str) else rows[0][2].encode()
        assert b"id:curve-person-2" not in raw, "the dead letter keeps a raw person id: %r" % raw
        assert b"forged" in raw, "the dead letter lost the source: %r" % raw

        # The event clock passed C-1's procedural-reply deadline: an overdue alert, received by
        # the listed subscriber only.
        deadline = time.monotonic() + cwtest.DEFAULT_TIMEOUT
        got = None
        while got is None and time.monotonic() < deadline:
            if listed.poll(100):
                topic, body = listed.recv_multipart()
                if topic.startswith(b"alert.") and b"C-1" in body:
                    got = body
        if got is None:
            cwtest.fail("the listed subscriber received no alert for C-1")
        for name, sock in (("keyless", keyless), ("unlisted", unlisted)):
            if sock.poll(500):
                cwtest.fail("the %s subscriber received %r" % (name, sock.recv_multipart()))
        for sock in (listed, keyless, unlisted):
            sock.close()
        good.close()

        # feedgen publishes with the listed producer's key (its sources are not `integ`: what it
        # sends is rejected unauthorised_source, which shows it got through CURVE).
        def taken(s):
            return (cwtest.metric_sum(s, "casewatch_ingest_events_total")
                    + cwtest.metric_sum(s, "casewatch_ingest_rejected_total"))
        before = taken(d.metrics())
        cwtest.run([args.casewatch, "feedgen", "--cases", "3", "--seed", "7", "--publish", endpoint,
                    "--curve-key", os.path.join(k, "producer.key"),
                    "--curve-server-key", os.path.join(k, "feed.pub")], timeout=120, check=0)
        d.wait_metric(lambda s: taken(s) > before, what="feedgen's events through CURVE")
        d.assert_alive("after the CURVE checks")
    finally:
        ctx.destroy(linger=0)
    assert d.terminate() == 0


if __name__ == "__main__":
    cwtest.main(test)
