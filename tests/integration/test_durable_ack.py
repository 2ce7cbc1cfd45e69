"""Durable acknowledgements (issue 11 item 4): an ack answered 200 survives a SIGKILL right after.

The real casewatchd on event time takes two cases from a JSON Lines feed; the first misses its
procedural-reply deadline, so an overdue alert fires. The alert is acknowledged through the API
(200), the daemon is SIGKILLed as soon as the answer is read (no waiting of any kind), and started
again on the same data dir (without the feed). Its API shows the alert acknowledged, by the token's
name, with the note, and the stored history has the acknowledgement.
"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

DUTY = "demo-duty-token"  # demo mode: its name is demo-duty
VIEWER = "demo-viewer-token"


def call(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def acknowledged_after_restart(base, alert_id):
    """GET /api/v1/alerts/<id> after the restart: fails unless the alert is still acknowledged, by
    demo-duty with the note this test gave; returns the body (alert and history)."""
    st, body = call(base, "GET", "/api/v1/alerts/%s" % alert_id, VIEWER)
    if st != 200:
        cwtest.fail("GET the alert after the restart answered %d %s" % (st, body))
    a = body["alert"]
    if a.get("status") != "acknowledged":
        cwtest.fail("after the restart the alert is %r, not acknowledged: %s" % (a.get("status"), a))
    ack = a.get("ack") or {}
    if ack.get("by") != "demo-duty" or ack.get("note") != "calling the agency":
        cwtest.fail("after the restart the ack is %r" % ack)
    return body


def overdue_alert(base):
    st, body = call(base, "GET", "/api/v1/alerts?model=overdue", VIEWER)
    if st != 200:
        return None
    for a in body["alerts"]:
        if a["subject"]["id"] == "C-1":
            return a
    return None


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    with open(feed, "w") as f:
        f.write(cwtest.dumps(cwtest.registered("e1", "2026-03-01T09:00:00+08:00", "C-1", ["id:p1"])) + "\n")
        f.write(cwtest.dumps(cwtest.registered("e2", "2026-04-01T09:00:00+08:00", "C-2", ["id:p2"])) + "\n")
    data = os.path.join(tmp, "data")
    first = cwtest.Daemon(args, data, os.path.join(tmp, "first.log"), publish=False,
                          extra_sets=["demo=true",
                                      'feeds=[{name: f1, kind: jsonl, endpoint: "%s"}]' % feed])
    first.start()
    base = first.http_base()
    alert = cwtest.wait_until(lambda: overdue_alert(base), message="the overdue alert of C-1")
    alert_id = alert["alert_id"]

    st, body = call(base, "POST", "/api/v1/alerts/%s/ack" % alert_id, DUTY, {"note": "calling the agency"})
    if st != 200:
        cwtest.fail("ack answered %d %s" % (st, body))
    first.kill()  # SIGKILL at once: the 200 promised the ack is committed

    second = cwtest.Daemon(args, data, os.path.join(tmp, "second.log"), publish=False,
                           extra_sets=["demo=true", "feeds=[]"])
    second.start()
    base = second.http_base()
    body = acknowledged_after_restart(base, alert_id)
    acks = [h for h in body["history"] if h["change"] == "acknowledged"]
    if len(acks) != 1 or acks[0]["by"] != "demo-duty" or acks[0]["note"] != "calling the agency":
        cwtest.fail("the stored history has %r" % acks)
    second.terminate()


if __name__ == "__main__":
    cwtest.main(test)
