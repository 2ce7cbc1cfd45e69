"""An unacknowledged red alert escalates after its timeout, on event time (clock=event).

Case ESC-A is registered on 03-01; an event on 03-17 moves the clock past 7 days beyond its 7-day
procedural-reply deadline, so its `overdue` alert turns red. With the default escalation policy:
leadership is told at once (bus topic `escalation.notice`); nobody acknowledges, so 30 minutes of
event time later the alert escalates to the section chief (status `escalated`, topic
`escalation.1`) and after 2 hours to leadership (`escalation.2`), each stamped with its due time.
Events whose `ts` moves time forward are the only clock. Then the daemon restarts on the same data
dir: the escalation state survives (the next publication still says level 2; nothing is
re-escalated), the chain goes on with a reminder, and the store holds every escalation with who
and when.
"""

import os
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

PERSONS = ["id:esc-person-%04d" % i for i in range(10)]
EXTRA_SETS = ["http.listen=127.0.0.1:0"]


def ts(day, hour=9, minute=0):
    return "2026-03-%02dT%02d:%02d:00+08:00" % (1 + day, hour, minute)


def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def fmt(dt):
    return dt.astimezone(timezone(timedelta(hours=8))).isoformat()


def test(args, tmp):
    ctx = zmq.Context()
    data = os.path.join(tmp, "data")
    d = cwtest.Daemon.start_bound(args, data, os.path.join(tmp, "daemon.log"),
                                  extra_sets=EXTRA_SETS)
    sub = cwtest.Subscriber(ctx, d.publish_endpoint)
    sub.wait_joined()
    push = cwtest.Pusher(ctx, connect=d.feed_endpoint)

    push.send(cwtest.registered("esc-1", ts(0), "ESC-A", [PERSONS[0]]))
    push.send(cwtest.registered("esc-2", ts(16, 12), "ESC-B", [PERSONS[1]]))

    def about_a(t, a):
        return t.startswith("alert.") and a.get("subject", {}).get("id") == "ESC-A"

    _, red = sub.wait_for(lambda t, a: about_a(t, a) and a["tier"] == "red", daemon=d,
                          what="ESC-A's overdue alert turning red")
    alert_id = red["alert_id"]
    assert red["status"] == "firing", red
    red_at = parse(red["updated_at"])

    _, notice = sub.wait_for(lambda t, a: t == "escalation.notice" and a["alert_id"] == alert_id,
                             daemon=d, what="the immediate leadership notice for a red alert")
    assert notice["notice"]["targets"] == ["leadership"], notice["notice"]
    assert notice["tier"] == "red", notice

    def escalations(received, level=None):
        return [a for t, a in received if t.startswith("escalation.") and t != "escalation.notice"
                and a["alert_id"] == alert_id and (level is None or t == "escalation.%d" % level)]

    # 29 minutes later: not yet. 31 minutes later: the section chief.
    push.send(cwtest.registered("esc-3", fmt(red_at + timedelta(minutes=29)), "ESC-C",
                                [PERSONS[2]]))
    push.send(cwtest.registered("esc-4", fmt(red_at + timedelta(minutes=31)), "ESC-D",
                                [PERSONS[3]]))
    _, e1 = sub.wait_for(lambda t, a: t == "escalation.1" and a["alert_id"] == alert_id, daemon=d,
                         what="escalation.1 for ESC-A after 30 minutes unacknowledged")
    assert e1["status"] == "escalated", e1
    assert e1["change"] == "escalated", e1
    assert e1["escalation"]["level"] == 1 and e1["escalation"]["target"] == "section_chief", e1
    assert parse(e1["escalation"]["at"]) == red_at + timedelta(minutes=30), \
        "escalated at %s, want red at %s + 30 min" % (e1["escalation"]["at"], red_at)
    _, on_alert_topic = sub.wait_for(
        lambda t, a: t == "alert.red.overdue" and a["alert_id"] == alert_id
        and a.get("change") == "escalated", daemon=d,
        what="the escalation also on the alert's own topic")
    assert on_alert_topic["escalation"] == e1["escalation"], (on_alert_topic, e1)

    # Two hours: leadership.
    push.send(cwtest.registered("esc-5", fmt(red_at + timedelta(minutes=121)), "ESC-E",
                                [PERSONS[4]]))
    _, e2 = sub.wait_for(lambda t, a: t == "escalation.2" and a["alert_id"] == alert_id, daemon=d,
                         what="escalation.2 for ESC-A after 2 hours")
    assert e2["escalation"]["target"] == "leadership", e2
    assert parse(e2["escalation"]["at"]) == red_at + timedelta(hours=2), e2["escalation"]
    sub.drain()
    assert len(escalations(sub.received, 1)) == 1, \
        "escalation.1 published %d times" % len(escalations(sub.received, 1))
    assert len(escalations(sub.received, 2)) == 1, escalations(sub.received, 2)

    # Restart on the same data dir: the escalation state comes back from the store.
    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d; log:\n%s" % (rc, d.log()[-3000:])
    sub.close()
    push.close()
    d = cwtest.Daemon.start_bound(args, data, os.path.join(tmp, "daemon2.log"),
                                  extra_sets=EXTRA_SETS)
    sub = cwtest.Subscriber(ctx, d.publish_endpoint)
    sub.wait_joined()
    push = cwtest.Pusher(ctx, connect=d.feed_endpoint)
    # A day after leadership was told, still unacknowledged: a reminder (26 h after red).
    push.send(cwtest.registered("esc-6", fmt(red_at + timedelta(minutes=120 + 1441)), "ESC-F",
                                [PERSONS[5]]))
    _, reminder = sub.wait_for(
        lambda t, a: about_a(t, a) and a.get("change") == "updated", daemon=d,
        what="a reminder for ESC-A after the restart")
    assert reminder["status"] == "escalated", reminder
    assert reminder["escalation"]["level"] == 2, \
        "the escalation level did not survive the restart: %s" % reminder
    assert not escalations(sub.received), \
        "escalations published again after the restart: %s" % escalations(sub.received)
    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d; log:\n%s" % (rc, d.log()[-3000:])

    # The store: each escalation with who and when.
    db = cwtest.open_db_readonly(d.db_path())
    try:
        rows = db.execute("SELECT action, actor, at, status, note FROM alert_history "
                          "WHERE alert_id = ? ORDER BY id", (alert_id,)).fetchall()
        esc = [r for r in rows if r[0] == "escalated"]
        assert len(esc) == 2, "want 2 escalations in alert_history, got %s" % rows
        for (action, actor, at, status, note), minutes, target in zip(
                esc, (30, 120), ("section_chief", "leadership")):
            assert actor == "casewatch" and status == "escalated", esc
            assert parse(at) == red_at + timedelta(minutes=minutes), (at, red_at, minutes)
            assert target in note, note
        assert any(r[0] == "updated" and "reminder" in r[4] for r in rows), rows
        status, tier = db.execute("SELECT status, tier FROM alerts WHERE alert_id = ?",
                                  (alert_id,)).fetchone()
        assert (status, tier) == ("escalated", "red"), (status, tier)
    except sqlite3.Error as e:
        cwtest.fail("reading the store: %s" % e)
    finally:
        db.close()
    push.close()
    sub.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
