"""An HA pair (issue 15 item 2): two casewatchd replicas with ha.enabled on one PostgreSQL store
(started here), each PULLing the same events from its own PUSH, on event time (clock=event).

Replica a starts first and takes the leader lock; b follows (casewatch_ha_leader 1 and 0). Case
ESC-A's overdue alert turns red: both replicas compute it, only the leader publishes the
leadership notice (escalation.notice) and, 31 minutes of event time later, escalation.1. Then a is
SIGKILLed: b becomes the leader (the time from the kill to b's metric reading 1 is printed; the
wait's limit is ha.takeover_seconds plus a margin, not an assertion on the figure), and the
escalation due after the kill (escalation.2, at 2 hours) is published once, by b. Over the whole
run each notice and escalation of ESC-A's alert is on the bus exactly once, from the leader of the
moment; b published nothing while it followed.
"""

import os
import sys
import time
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

TAKEOVER_SECONDS = 5


def ts(day, hour=9, minute=0):
    return "2026-03-%02dT%02d:%02d:00+08:00" % (1 + day, hour, minute)


def fmt(dt):
    return dt.astimezone(timezone(timedelta(hours=8))).isoformat()


def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def leader_gauge(daemon):
    return cwtest.metric_sum(daemon.metrics(), "casewatch_ha_leader")


def test(args, tmp):
    pg = cwtest.Postgres(log_copy=os.path.join(tmp, "postgres.log")).start()
    conninfo = pg.create_database("casewatch")
    ctx = zmq.Context()

    def replica(name):
        sets = ["demo=true", "store.kind=postgresql",
                'store.postgresql.conninfo="%s"' % conninfo,
                "store.postgresql.password_file=" + pg.password_file,
                "ha.enabled=true", "ha.replica=" + name,
                "ha.takeover_seconds=%d" % TAKEOVER_SECONDS]
        d = cwtest.Daemon.start_bound(args, os.path.join(tmp, "data-" + name),
                                      os.path.join(tmp, name + ".log"), extra_sets=sets)
        sub = cwtest.Subscriber(ctx, d.publish_endpoint, prefix=b"escalation.")
        sub.wait_joined()
        return d, sub, cwtest.Pusher(ctx, connect=d.feed_endpoint)

    a, sub_a, push_a = replica("a")
    a.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ha_leader") == 1,
                  what="replica a, alone, becoming the leader")
    b, sub_b, push_b = replica("b")
    b.wait_log(r"HA: replica b of a pair", what="b's election starting")
    # b has asked for the lock (and been refused) once its election thread has had a turn.
    time.sleep(1.5)
    if leader_gauge(b) != 0 or leader_gauge(a) != 1:
        cwtest.fail("want a leading and b following; casewatch_ha_leader a=%s b=%s"
                    % (leader_gauge(a), leader_gauge(b)))
    pushes = [push_a, push_b]

    def feed(event):
        for p in pushes:
            p.send(event)

    feed(cwtest.registered("ha-1", ts(0), "ESC-A", ["id:ha-person-1"]))
    feed(cwtest.registered("ha-2", ts(16, 12), "ESC-B", ["id:ha-person-2"]))
    _, notice = sub_a.wait_for(lambda t, x: t == "escalation.notice", daemon=a,
                               what="the leader's leadership notice for ESC-A's red alert")
    alert_id = notice["alert_id"]
    red_at = parse(notice["updated_at"])
    feed(cwtest.registered("ha-3", fmt(red_at + timedelta(minutes=31)), "ESC-C",
                           ["id:ha-person-3"]))
    sub_a.wait_for(lambda t, x: t == "escalation.1" and x["alert_id"] == alert_id, daemon=a,
                   what="escalation.1 from the leader")
    # The follower computed the same (its store and API say escalated) but published nothing.
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_alert_escalations_total",
                                              kind="escalated") >= 1,
                  what="the follower computing escalation.1 too")
    sub_b.drain()
    if sub_b.received:
        cwtest.fail("the follower published %s" % [t for t, _ in sub_b.received])

    # The leader dies mid-feed.
    killed_at = time.monotonic()
    a.kill()
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ha_leader") == 1,
                  timeout=TAKEOVER_SECONDS + 10, what="b taking over within ha.takeover_seconds")
    took = time.monotonic() - killed_at
    print("takeover: b led %.2f s after a was SIGKILLed (ha.takeover_seconds=%d)"
          % (took, TAKEOVER_SECONDS))
    b.wait_log(r"HA: replica b is now the leader", what="b logging its new role")

    pushes = [push_b]
    feed(cwtest.registered("ha-4", fmt(red_at + timedelta(minutes=121)), "ESC-D",
                           ["id:ha-person-4"]))
    sub_b.wait_for(lambda t, x: t == "escalation.2" and x["alert_id"] == alert_id, daemon=b,
                   what="escalation.2, due after the kill, from the new leader")
    sub_a.drain()
    sub_b.drain()

    def topics(sub):
        return sorted(t for t, x in sub.received if x["alert_id"] == alert_id)

    if topics(sub_a) != ["escalation.1", "escalation.notice"]:
        cwtest.fail("the first leader published %s" % topics(sub_a))
    if topics(sub_b) != ["escalation.2"]:
        cwtest.fail("the second leader published %s" % topics(sub_b))
    print("notices on the bus for %s: a %s, b %s" % (alert_id, topics(sub_a), topics(sub_b)))
    rows = pg.sql("casewatch", "SELECT action, count(*) FROM alert_history WHERE alert_id = '%s' "
                               "GROUP BY action ORDER BY action" % alert_id)
    print("alert_history rows for %s in the shared store: %s" % (alert_id, rows))
    rc = b.terminate()
    if rc != 0:
        cwtest.fail("b's SIGTERM: exit code %d; log:\n%s" % (rc, b.log()[-3000:]))
    for s in (sub_a, sub_b):
        s.close()
    for p in (push_a, push_b):
        p.close()
    pg.stop()


if __name__ == "__main__":
    cwtest.main(test)
