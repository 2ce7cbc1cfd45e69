"""SIGHUP applies every reloadable section of a running daemon's file, and loses nothing.

One real casewatchd (event clock) with its configuration in a file; a ZeroMQ PUSH feeds it, a SUB
watches its bus, the test calls its HTTP API, and a small HTTP receiver stands in for Alertmanager
(tests/integration/test_alertmanager.py runs the real one). Before the reload: a case goes red on
the first feed, the duty officer acknowledges another one with token A, and a silence is set. The
file then changes in every reloadable section at once, and the daemon gets SIGHUP:
  feeds     a second feed is added; the first, unchanged, keeps running (never stopped)
  escalation red's chain shortens from 30/120 to 10/20 minutes: the red alert reaches leadership
            at +20 min of event time, which the old chain would not do before +120
  auth      token A is gone and token B is in: A gets 401, B gets 200
  alertmanager turned on: the receiver gets every active alert (the new sink is seeded)
  clocks    warning_days 2 -> 3: a case just under 3 days from its deadline turns yellow
  store     a restart-only key: named in a warning, counted in
            casewatch_config_reload_restart_required_total{key="store"}, the running value stays
The acknowledgement, the silence and the escalation level reached survive; a last SIGTERM exits 0.
"""

import json
import os
import signal
import sys
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402


class Receiver(cwtest.JsonPostReceiver):
    """Takes Alertmanager API v2 posts (POST /api/v2/alerts)."""

    def subjects(self):
        return {a["labels"].get("subject_id") for b in self.bodies("/api/v2/alerts") for a in b}


def api(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def write_config(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


BEFORE = """
feeds:
  - {name: first, kind: zmq_pull, endpoint: "tcp://127.0.0.1:%(p1)d", bind: true}
clocks:
  warning_days: 2
escalation:
  red: {chain: [duty_officer, section_chief, leadership], after_minutes: [30, 120]}
auth:
  tokens:
    - {name: officer-a, role: duty_officer, token: token-a-0123456789}
"""

AFTER = """
feeds:
  - {name: first, kind: zmq_pull, endpoint: "tcp://127.0.0.1:%(p1)d", bind: true}
  - {name: second, kind: zmq_pull, endpoint: "tcp://127.0.0.1:%(p2)d", bind: true}
clocks:
  warning_days: 3
escalation:
  red: {chain: [duty_officer, section_chief, leadership], after_minutes: [10, 20]}
auth:
  tokens:
    - {name: officer-b, role: duty_officer, token: token-b-0123456789}
alertmanager:
  urls: ["http://127.0.0.1:%(am)d"]
store:
  commit_interval_ms: 7
"""


def push_to(ctx, port):
    s = ctx.socket(zmq.PUSH)
    s.setsockopt(zmq.LINGER, 2000)
    s.connect("tcp://127.0.0.1:%d" % port)
    return s


def send(sock, event):
    sock.send(cwtest.dumps(event).encode())


def test(args, tmp):
    ctx = zmq.Context()
    receiver = Receiver()
    p1, p2 = cwtest.free_port(), cwtest.free_port()
    cfg = os.path.join(tmp, "casewatch.yaml")
    write_config(cfg, BEFORE % {"p1": p1})
    d = cwtest.Daemon(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                      config=cfg).start()
    m = d.wait_log(r"HTTP API and duty console on (http://\S+/) \(port (\d+)\)", what="the HTTP port")
    base = "http://127.0.0.1:%s" % m.group(2)
    sub = cwtest.Subscriber(ctx, d.publish_endpoint)
    sub.wait_joined()
    first = push_to(ctx, p1)

    # RED-1 registered 03-01: its procedural reply was due at the end of 03-08; red from the end of
    # 03-15, a few minutes before the last event (03-16 00:05), so no escalation is due yet. ACK-1
    # likewise, acknowledged by officer A. HUP-B (registered 03-11, due at the end of 03-18) is
    # just under 3 days from its deadline: outside a 2-day warning window, inside a 3-day one.
    send(first, cwtest.registered("r-1", "2026-03-01T09:00:00+08:00", "RED-1", ["id:r-1"]))
    send(first, cwtest.registered("r-2", "2026-03-01T09:00:00+08:00", "ACK-1", ["id:r-2"]))
    send(first, cwtest.registered("r-3", "2026-03-11T12:00:00+08:00", "HUP-B", ["id:r-3"],
                                  agency="other-agency"))
    send(first, cwtest.registered("r-4", "2026-03-16T00:05:00+08:00", "CLK-1", ["id:r-4"]))
    _, red = sub.wait_for(lambda t, a: a["subject"]["id"] == "RED-1" and a["tier"] == "red",
                          daemon=d, what="RED-1 red")
    _, ack_alert = sub.wait_for(lambda t, a: a["subject"]["id"] == "ACK-1", daemon=d,
                                what="an alert for ACK-1")
    status, body = api(base, "POST", "/api/v1/alerts/%s/ack" % ack_alert["alert_id"],
                       "token-a-0123456789", {"note": "calling the agency"})
    assert status == 200, (status, body)
    status, body = api(base, "POST", "/api/v1/silences", "token-a-0123456789",
                       {"matchers": [{"name": "agency", "value": "nobody", "is_regex": False}],
                        "ends_at": "2026-04-30T00:00:00+08:00", "comment": "kept over a reload"})
    assert status == 201, (status, body)
    silence_id = body["silence"]["id"]
    status, body = api(base, "GET", "/api/v1/alerts", "token-a-0123456789")
    assert status == 200, (status, body)
    assert not any(a["subject"]["id"] == "HUP-B" for a in body["alerts"]), \
        "HUP-B alerts under warning_days=2: %s" % body["alerts"]
    sub.drain(0.3)

    write_config(cfg, AFTER % {"p1": p1, "p2": p2, "am": receiver.port})
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log(r"Configuration reloaded", what="'Configuration reloaded' in the log")
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_config_reloads_total", result="ok") == 1,
        what="casewatch_config_reloads_total{result=ok} == 1")
    assert cwtest.metric_sum(samples, "casewatch_config_reload_restart_required_total",
                             key="store") == 1, "the restart-only store change is not counted"
    log = d.log()
    assert "store changed; only a restart applies" in log, log[-3000:]
    assert "feed first stops" not in log, "the unchanged feed was restarted:\n" + log[-3000:]

    # auth: A is out, B is in.
    status, _ = api(base, "GET", "/api/v1/alerts", "token-a-0123456789")
    assert status == 401, "the removed token still works: %d" % status
    status, body = api(base, "GET", "/api/v1/alerts", "token-b-0123456789")
    assert status == 200, (status, body)
    acked = [a for a in body["alerts"] if a["alert_id"] == ack_alert["alert_id"]]
    assert acked and acked[0].get("ack", {}).get("by") == "officer-a", \
        "the acknowledgement did not survive the reload: %s" % acked
    status, body = api(base, "GET", "/api/v1/silences", "token-b-0123456789")
    assert any(s["id"] == silence_id for s in body["silences"]), "the silence was lost"

    # clocks: HUP-B, 2.5 days from its deadline, turns yellow under warning_days=3.
    sub.wait_for(lambda t, a: a["subject"]["id"] == "HUP-B" and a["tier"] == "yellow", daemon=d,
                 what="HUP-B yellow after warning_days 2 -> 3")

    # alertmanager: the new sink got the active alerts.
    cwtest.wait_until(lambda: "RED-1" in receiver.subjects(),
                      message="the Alertmanager receiver to get RED-1 after the reload")

    # feeds: the second feed takes events; the first still does. Event time moves 25 min past the
    # moment RED-1 turned red: the new chain (10/20 min) has it at leadership; the old (30/120)
    # would not even have reached the section chief.
    second = push_to(ctx, p2)
    send(second, cwtest.registered("r-5", "2026-03-16T00:25:00+08:00", "NEW-1", ["id:r-5"]))
    send(first, cwtest.registered("r-6", "2026-03-16T00:26:00+08:00", "NEW-2", ["id:r-6"]))
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="second") == 1
        and cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="first") == 5,
        what="one event on the new feed and the fifth on the first")
    _, esc = sub.wait_for(
        lambda t, a: a["subject"]["id"] == "RED-1" and (a.get("escalation") or {}).get("level") == 2,
        daemon=d, what="RED-1 escalated to level 2 under the shorter chain")
    assert esc["escalation"]["target"] == "leadership", esc
    status, body = api(base, "GET", "/api/v1/alerts/%s" % ack_alert["alert_id"], "token-b-0123456789")
    assert status == 200, status
    assert body["alert"]["status"] == "acknowledged", body["alert"]["status"]
    changes = [h["change"] for h in body["history"]]
    assert "escalated" not in changes[changes.index("acknowledged"):], \
        "the acknowledged alert escalated after its acknowledgement: %s" % changes

    rc = d.terminate()
    assert rc == 0, "SIGTERM after the reload: exit code %d" % rc
    for s in (first, second):
        s.close()
    sub.close()
    ctx.term()
    receiver.close()


if __name__ == "__main__":
    cwtest.main(test)
