"""End to end over ZeroMQ: events PUSHed to casewatchd's bound PULL feed, alerts read on its PUB.

A case registered on 03-01 and an event on another case ten days later move the event clock past
the 7-day procedural-reply deadline: an orange `overdue` alert must be published for the first case,
following the alert contract. The late procedural reply must then resolve the same alert_id. The
second case then walks yellow -> orange on one alert_id as later events move the clock. One-frame and
two-frame (topic, JSON) messages are both accepted and counted by type.
"""

import os
import re
import sqlite3
import sys
from datetime import datetime

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

ALLOWED_ACTIONS = {"reply_now", "send_procedural_reply", "assign_leader", "schedule_hearing",
                   "mediate", "check_aid_eligibility", "review_case", "fix_at_source",
                   "notify_leadership",
                   "joint_visit"}  # README "Contracts": recurring_matter's extension
TIERS = {"blue", "yellow", "orange", "red"}
SECRET_PERSONS = ["id:e2e-secret-person-0001", "id:e2e-secret-person-0002",
                  "id:e2e-secret-person-0003", "id:e2e-secret-person-0004"]


def ts(day, hour=9, minute=0):
    # March 2026 has 31 days; all test days stay within it.
    return "2026-03-%02dT%02d:%02d:00+08:00" % (1 + day, hour, minute)


def parse_rfc3339(s, what):
    try:
        t = datetime.fromisoformat(s)
    except ValueError:
        cwtest.fail("%s is not RFC 3339: %r" % (what, s))
    assert t.tzinfo is not None, "%s has no UTC offset: %r" % (what, s)
    return t


def check_alert_contract(topic, a):
    """Checks one published alert against contracts/alerts.md."""
    ctx = "alert %s" % cwtest.dumps(a)[:1500]
    assert a.get("v") == 1, "v must be 1 in " + ctx
    assert isinstance(a.get("alert_id"), str) and a["alert_id"], "alert_id missing in " + ctx
    assert a.get("status") in {"firing", "acknowledged", "escalated", "resolved", "silenced"}, \
        "bad status in " + ctx
    assert a.get("tier") in TIERS, "bad tier in " + ctx
    assert isinstance(a.get("model"), str) and a["model"], "model missing in " + ctx
    assert topic == "alert.%s.%s" % (a["tier"], a["model"]), \
        "topic %r does not match alert.<tier>.<model> of %s" % (topic, ctx)
    subj = a.get("subject")
    assert isinstance(subj, dict) and subj.get("kind") in {
        "case", "person", "matter", "region", "agency"} and isinstance(subj.get("id"), str), \
        "bad subject in " + ctx
    assert isinstance(a.get("score"), (int, float)) and 0 <= a["score"] <= 1, "bad score in " + ctx
    parse_rfc3339(a.get("starts_at", ""), "starts_at")
    parse_rfc3339(a.get("updated_at", ""), "updated_at")
    reasons = a.get("reasons")
    assert isinstance(reasons, list) and reasons, "reasons must be a non-empty array in " + ctx
    for r in reasons:
        assert isinstance(r.get("code"), str) and r["code"], "reason without code in " + ctx
        assert isinstance(r.get("value"), (int, float, str)), "reason value not number/string in " + ctx
        assert isinstance(r.get("text"), str) and r["text"], "reason without text in " + ctx
    actions = a.get("actions")
    assert isinstance(actions, list), "actions must be an array in " + ctx
    assert set(actions) <= ALLOWED_ACTIONS, "unknown action codes %s in %s" % (
        set(actions) - ALLOWED_ACTIONS, ctx)
    summary = a.get("summary")
    assert isinstance(summary, dict), "summary must be an object in " + ctx
    assert isinstance(summary.get("en"), str) and summary["en"].strip(), "summary.en empty in " + ctx
    zh = summary.get("zh-CN")
    assert isinstance(zh, str) and re.search(r"[\u4e00-\u9fff]", zh or ""), \
        "summary.zh-CN missing or has no Chinese text in " + ctx


def reason(a, code):
    for r in a["reasons"]:
        if r["code"] == code:
            return r
    cwtest.fail("alert has no reason %r: %s" % (code, cwtest.dumps(a)))


def test(args, tmp):
    ctx = zmq.Context()
    d = cwtest.Daemon.start_bound(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"))
    sub = cwtest.Subscriber(ctx, d.publish_endpoint)
    sub.wait_joined()
    push = cwtest.Pusher(ctx, connect=d.feed_endpoint)

    # Case A on day 0 as a one-frame message; case B on day 10 as two frames (topic = type).
    push.send(cwtest.registered("e2e-1", ts(0), "E2E-A", [SECRET_PERSONS[0]]))
    push.send(cwtest.registered("e2e-2", ts(10), "E2E-B", [SECRET_PERSONS[1]]),
              topic="case.registered")

    def is_a(tier=None, status=None):
        def pred(topic, a):
            return (a.get("subject", {}).get("id") == "E2E-A"
                    and (tier is None or a.get("tier") == tier)
                    and (status is None or a.get("status") == status))
        return pred

    topic, fired = sub.wait_for(is_a("orange", "firing"), daemon=d,
                                what="an orange overdue alert for case E2E-A")
    for t, a in sub.received:
        check_alert_contract(t, a)
    assert topic == "alert.orange.overdue", "topic %r, want alert.orange.overdue" % topic
    assert fired["model"] == "overdue", fired
    assert fired["subject"] == {"kind": "case", "id": "E2E-A"}, fired["subject"]
    r = reason(fired, "procedural_reply_days_overdue")
    assert r["value"] == 3, "procedural reply due at the end of 03-08, clock at 03-11 09:00: want " \
        "3 (started) days overdue, got %r" % r
    assert "send_procedural_reply" in fired["actions"], fired["actions"]
    assert fired.get("agency") == "huichuan-hrss" and fired.get("region") == "520302", fired
    assert "E2E-A" in fired["summary"]["en"], fired["summary"]
    alert_id = fired["alert_id"]
    # Every publication so far for A is about the same alert (yellow may come first).
    ids = {a["alert_id"] for _, a in sub.received if a["subject"]["id"] == "E2E-A"}
    assert ids == {alert_id}, "one risk on one case must be one alert_id, got %s" % ids
    assert not any(a["subject"]["id"] == "E2E-B" for _, a in sub.received), \
        "case E2E-B (registered at the clock's current time) must not alert yet: %s" % sub.received

    # The late procedural reply (one frame) and acceptance (two frames) resolve A's alert.
    push.send(cwtest.ev("e2e-3", "case.procedural_reply", ts(10, 10), "E2E-A"))
    push.send(cwtest.ev("e2e-4", "case.accepted", ts(10, 10, 5), "E2E-A"), topic="case.accepted")
    topic, resolved = sub.wait_for(is_a(status="resolved"), daemon=d,
                                   what="the resolution of E2E-A's alert")
    check_alert_contract(topic, resolved)
    assert resolved["alert_id"] == alert_id, \
        "resolved a different alert_id (%s) than the one fired (%s)" % (resolved["alert_id"], alert_id)
    assert resolved["model"] == "overdue" and resolved["subject"]["id"] == "E2E-A", resolved

    # Case B (registered 03-11) is due at the end of 03-18 local time. 03-17 12:00 is 1.5 days
    # before (within the 2 warning days) -> yellow; 03-19 12:00 is half a day late -> orange.
    push.send(cwtest.registered("e2e-5", ts(16, 12), "E2E-C", [SECRET_PERSONS[2]]),
              topic="case.registered")

    def is_b(tier):
        return lambda t, a: a["subject"]["id"] == "E2E-B" and a["tier"] == tier

    topic, yellow = sub.wait_for(is_b("yellow"), daemon=d, what="a yellow alert for E2E-B")
    check_alert_contract(topic, yellow)
    assert topic == "alert.yellow.overdue", topic
    assert yellow["status"] == "firing", yellow
    r = reason(yellow, "procedural_reply_days_left")
    assert r["value"] == 2, "due 03-19 00:00, clock 03-17 12:00: 1.5 days -> 2 days left, got %r" % r
    push.send(cwtest.registered("e2e-6", ts(18, 12), "E2E-D", [SECRET_PERSONS[3]]))
    topic, orange = sub.wait_for(is_b("orange"), daemon=d, what="E2E-B turning orange")
    check_alert_contract(topic, orange)
    assert orange["alert_id"] == yellow["alert_id"], \
        "a tier change must keep the alert_id: %s then %s" % (yellow["alert_id"], orange["alert_id"])
    assert reason(orange, "procedural_reply_days_overdue")["value"] == 1, orange

    # Metrics: both framings were counted by type.
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="f1") >= 6,
        what="6 events counted")
    by_type = cwtest.metric_by(samples, "casewatch_ingest_events_total", "type", feed="f1")
    assert by_type.get("case.registered") == 4, by_type
    assert by_type.get("case.procedural_reply") == 1, by_type
    assert by_type.get("case.accepted") == 1, by_type
    assert cwtest.metric_sum(samples, "casewatch_ingest_rejected_total") == 0, \
        "valid one- and two-frame messages were rejected: %s" % cwtest.metric_by(
            samples, "casewatch_ingest_rejected_total", "reason")

    # No published alert carries a raw person id.
    for _, a in sub.received:
        blob = cwtest.dumps(a)
        for p in SECRET_PERSONS:
            assert p not in blob, "raw person id %s published in %s" % (p, blob)

    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d, want 0; log:\n%s" % (rc, d.log()[-3000:])

    # The store recorded the alert's history: fired ... resolved, and B's alert is still active.
    db = cwtest.open_db_readonly(d.db_path())
    try:
        row = db.execute("SELECT status, model, subject_kind, subject_id FROM alerts "
                         "WHERE alert_id = ?", (alert_id,)).fetchone()
        assert row == ("resolved", "overdue", "case", "E2E-A"), "alerts row for A: %r" % (row,)
        hist = [h[0] for h in db.execute(
            "SELECT status FROM alert_history WHERE alert_id = ? ORDER BY id", (alert_id,))]
        assert hist and hist[0] == "firing" and hist[-1] == "resolved", \
            "alert_history for A: %s" % hist
        row = db.execute("SELECT status, tier FROM alerts WHERE alert_id = ?",
                         (orange["alert_id"],)).fetchone()
        assert row == ("firing", "orange"), "alerts row for B: %r" % (row,)
    except sqlite3.Error as e:
        cwtest.fail("reading the store: %s" % e)
    finally:
        db.close()
    push.close()
    sub.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
