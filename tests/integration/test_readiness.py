"""Readiness is true: /readyz and casewatch_ready follow a connecting feed's real peer.

A daemon whose zmq_sub feed connects to a port where nothing listens answers /readyz 503 with a
reason naming that feed, and exports casewatch_ready 0 and casewatch_feed_connected{feed} 0. A real
ZeroMQ PUB bound there (python3-zmq) makes it 200 (an event published then is taken in); stopping
the PUB makes it 503 again, within the feed's heartbeat timeout. Then a publisher that hangs
without closing its connection (a separate process, SIGSTOPped: the kernel keeps the TCP connection
up, nothing answers ZeroMQ's heartbeats) is noticed by the heartbeat timeout alone. Every wait polls
with a deadline.
"""

import os
import signal
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

FEED = "bus"
HEARTBEAT_TIMEOUT_S = 2.0


def metric(d, name, **labels):
    return cwtest.metric_sum(d.metrics(), name, **labels)


def not_ready_for_feed(d, endpoint):
    status, body = d.readyz()
    if status != 503:
        return None
    want = "feed %s: not connected to %s" % (FEED, endpoint)
    return body if body.get("ready") is False and want in body.get("reasons", []) else None


def test(args, tmp):
    endpoint = "tcp://127.0.0.1:%d" % cwtest.free_port()
    feed = ('feeds=[{name: %s, kind: zmq_sub, endpoint: "%s", bind: false, '
            'heartbeat_interval_ms: 500, heartbeat_timeout_ms: %d}]'
            % (FEED, endpoint, int(HEARTBEAT_TIMEOUT_S * 1000)))
    d = cwtest.Daemon(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                      extra_sets=[feed], publish=False).start()

    # Nothing listens there: not ready, and the reason names the feed and its endpoint.
    body = cwtest.wait_until(lambda: not_ready_for_feed(d, endpoint),
                             message="/readyz 503 naming feed %s" % FEED)
    assert body["reasons"] == ["feed %s: not connected to %s" % (FEED, endpoint)], body
    assert metric(d, "casewatch_ready") == 0
    assert metric(d, "casewatch_feed_connected", feed=FEED) == 0

    # A real publisher binds there: ready.
    ctx = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    pub.setsockopt(zmq.LINGER, 0)
    pub.bind(endpoint)
    cwtest.wait_until(lambda: d.readyz() == (200, {"ready": True}), message="/readyz 200")
    assert metric(d, "casewatch_ready") == 1
    assert metric(d, "casewatch_feed_connected", feed=FEED) == 1
    # It is really connected: what the PUB sends arrives (re-sent until the subscription is in).
    event = cwtest.dumps(cwtest.registered("rz-1", "2026-03-02T09:00:00+08:00", "RZ-1",
                                           ["id:rz-person"]))

    def delivered():
        pub.send_multipart([b"case.registered", event.encode()])
        return metric(d, "casewatch_ingest_events_total", feed=FEED) + metric(
            d, "casewatch_ingest_duplicates_total", feed=FEED) >= 1
    cwtest.wait_until(delivered, message="an event over the connected feed", interval=0.2)

    # The publisher goes away: not ready again, within the heartbeat timeout (the wait's deadline
    # is generous for a loaded machine; the daemon notices a closed connection at once and a
    # silent peer after heartbeat_timeout_ms).
    pub.close()
    cwtest.wait_until(lambda: not_ready_for_feed(d, endpoint),
                      message="/readyz 503 after the publisher stopped")
    assert metric(d, "casewatch_ready") == 0
    assert metric(d, "casewatch_feed_connected", feed=FEED) == 0
    assert "feed %s: lost the connection" % FEED in d.log(), "the lost connection is not logged"

    # A publisher in another process that hangs: the TCP connection stays, only the heartbeats
    # (ZMQ_HEARTBEAT_IVL / ZMQ_HEARTBEAT_TIMEOUT on the daemon's connecting socket) can tell.
    peer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time, zmq\n"
        "s = zmq.Context().socket(zmq.PUB)\n"
        "s.bind(sys.argv[1])\n"
        "print('bound', flush=True)\n"
        "time.sleep(600)\n"), endpoint], stdout=subprocess.PIPE)
    try:
        assert peer.stdout.readline().strip() == b"bound", "the hanging peer did not bind"
        cwtest.wait_until(lambda: d.readyz() == (200, {"ready": True}),
                          message="/readyz 200 with the second publisher")
        peer.send_signal(signal.SIGSTOP)
        cwtest.wait_until(lambda: not_ready_for_feed(d, endpoint),
                          message="/readyz 503 after the publisher hung (heartbeat timeout)")
    finally:
        peer.kill()
        peer.wait()

    # The journal, store and feed error counters are exported.
    s = d.metrics()
    for name in ("casewatch_journal_write_errors_total", "casewatch_journal_records_dropped_total",
                 "casewatch_store_commit_errors_total", "casewatch_store_writes_dropped_total"):
        assert any(n == name for n, _, _ in s), "%s is not exported" % name
    assert any(n == "casewatch_feed_transport_errors_total" and l.get("feed") == FEED
               for n, l, _ in s), "casewatch_feed_transport_errors_total{feed=%s} is missing" % FEED
    rc = d.terminate()
    assert rc == 0, "exit code %s" % rc
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
