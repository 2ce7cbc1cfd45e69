"""An HA pair (issue 15 items 2 and 4): two casewatchd replicas with ha.enabled on one PostgreSQL
store, each PULLing the same events from its own PUSH, on event time (clock=event), both posting to
both nodes of a 2-node Alertmanager cluster; everything started here, on loopback.

1. Roles: replica a starts first and takes the leader lock, b follows (casewatch_ha_leader 1, 0).
   Cases ESC-A, ACK-1 and SIL-1 turn red together: only the leader publishes their leadership
   notices (escalation.notice); b publishes no escalation topic while it follows.
2. Workflow changes between the replicas (LISTEN/NOTIFY): ACK-1's alert is acknowledged through
   b's API and shows acknowledged in a's API; a silence made through a's API shows in b's, with
   SIL-1's alert silenced there. Each propagation latency (from the 200/201 to the other API showing
   it) is printed, not asserted. 31 minutes of event time later the leader escalates ESC-A
   (escalation.1) but neither the acknowledged ACK-1 nor the silenced SIL-1: the ack made on b
   stopped the leader's escalation.
3. A kill -9 of the leader when notices are due: an event makes the K cases red at once (and
   ESC-A's next escalation and reminders due); a is SIGKILLed as soon as the first of these is on
   its bus. b leads within ha.takeover_seconds (printed) and sends what a had not. Over the whole
   run, on both buses together: every escalation message b computed (its
   casewatch_alert_escalations_total) is there, identified by (alert, topic, updated_at); copies
   of one (a leader killed between publishing and marking it sent) have the same seq and body, so
   a consumer dropping a seen seq gets each once. The copies are counted and printed.
4. Alertmanager: each replica posted to both nodes; the webhook receiver got no alert group
   (one per case) twice with the same alerts from one node, and the cluster de-duplicated the
   four senders' notifications (at-least-once: a group both nodes notified because gossip was
   slower than peer_timeout is counted and printed; all groups so is a failure).
5. The shared store: alert_history holds each automatic change once (not once per replica).
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402
from test_durable_ack import DUTY, VIEWER, call  # noqa: E402

TAKEOVER_SECONDS = 5
K_CASES = 10
PEER_TIMEOUT_S = 2


def ts(day, hour=9, minute=0):
    return "2026-03-%02dT%02d:%02d:00+08:00" % (1 + day, hour, minute)


def fmt(dt):
    return dt.astimezone(timezone(timedelta(hours=8))).isoformat()


def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def leader_gauge(daemon):
    return cwtest.metric_sum(daemon.metrics(), "casewatch_ha_leader")


class AlertmanagerCluster:
    """Two prometheus-alertmanager nodes peered on loopback (--cluster.*), one webhook receiver:
    each alert its own group (group_by alertname, subject_id), notified after 1 s, then not again
    within the test (group_interval and repeat_interval 1 h)."""

    def __init__(self, tmp, hook_port):
        self.ports = [cwtest.free_port() for _ in range(2)]
        self.cluster_ports = [cwtest.free_port() for _ in range(2)]
        self.procs = []
        self.dir = os.path.join(tmp, "alertmanager")
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "alertmanager.yml")
        with open(self.config, "w") as f:
            f.write("""route:
  receiver: hook
  group_by: ['alertname', 'subject_id']
  group_wait: 1s
  group_interval: 1h
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: 'http://127.0.0.1:%d/hook'
        send_resolved: false
""" % hook_port)

    def urls(self):
        return ["http://127.0.0.1:%d" % p for p in self.ports]

    def start(self):
        for i in range(2):
            data = os.path.join(self.dir, "data%d" % i)
            os.makedirs(data, exist_ok=True)
            log = open(os.path.join(self.dir, "node%d.log" % i), "ab")
            self.procs.append(subprocess.Popen(
                ["prometheus-alertmanager", "--config.file=" + self.config,
                 "--storage.path=" + data, "--web.listen-address=127.0.0.1:%d" % self.ports[i],
                 "--cluster.listen-address=127.0.0.1:%d" % self.cluster_ports[i],
                 "--cluster.peer=127.0.0.1:%d" % self.cluster_ports[1 - i],
                 "--web.external-url=http://127.0.0.1:%d" % self.ports[i],
                 "--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=2s",
                 "--cluster.peer-timeout=%ds" % PEER_TIMEOUT_S, "--log.level=warn"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
            log.close()

    def wait_clustered(self):
        def peered():
            for i, url in enumerate(self.urls()):
                if self.procs[i].poll() is not None:
                    cwtest.fail("alertmanager node %d exited: %s" % (i, self.log(i)[-2000:]))
                try:
                    st, body = cwtest.http_get(url + "/api/v2/status", timeout=2)
                except OSError:
                    return False
                cluster = json.loads(body).get("cluster", {})
                if st != 200 or len(cluster.get("peers") or []) != 2:
                    return False
                if cluster.get("status") != "ready":
                    return False
            return True
        cwtest.wait_until(peered, message="two Alertmanager nodes clustered and settled",
                          interval=0.2)

    def log(self, i):
        with open(os.path.join(self.dir, "node%d.log" % i), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def test(args, tmp):
    hook = cwtest.JsonPostReceiver()
    am = AlertmanagerCluster(tmp, hook.port)
    am.start()  # settles while PostgreSQL and the replicas start
    try:
        run(args, tmp, am, hook)
    finally:
        am.stop()
        hook.close()


def alert_of(base, subject):
    st, body = call(base, "GET", "/api/v1/alerts?model=overdue", VIEWER)
    if st != 200:
        cwtest.fail("GET /api/v1/alerts answered %d %s" % (st, body))
    for a in body["alerts"]:
        if a["subject"]["id"] == subject:
            return a
    return None


def propagation(what, made_on, seen_on, make, seen):
    """Makes a change through one replica's API, then polls the other's until it shows it; prints
    and returns the latency in ms (from the answer to the first poll that shows it)."""
    result = make(made_on)
    t0 = time.monotonic()
    cwtest.wait_until(lambda: seen(seen_on, result), interval=0.005,
                      message="%s made on one replica showing on the other" % what)
    ms = (time.monotonic() - t0) * 1000
    print("propagation: %s through one replica's API showed in the other's after %.0f ms"
          % (what, ms))
    return ms


def run(args, tmp, am, hook):
    pg = cwtest.Postgres(log_copy=os.path.join(tmp, "postgres.log")).start()
    conninfo = pg.create_database("casewatch")
    ctx = zmq.Context()

    def replica(name):
        sets = ["demo=true", "store.kind=postgresql",
                'store.postgresql.conninfo="%s"' % conninfo,
                "store.postgresql.password_file=" + pg.password_file,
                "ha.enabled=true", "ha.replica=" + name,
                "ha.takeover_seconds=%d" % TAKEOVER_SECONDS,
                "alertmanager.urls=%s" % json.dumps(am.urls()),
                "alertmanager.resend_interval_seconds=30", "alertmanager.retry_initial_ms=200",
                "alertmanager.retry_max_ms=1000", "alertmanager.timeout_ms=2000"]
        d = cwtest.Daemon.start_bound(args, os.path.join(tmp, "data-" + name),
                                      os.path.join(tmp, name + ".log"), extra_sets=sets)
        sub = cwtest.Subscriber(ctx, d.publish_endpoint, prefix=b"escalation.")
        sub.wait_joined()
        return d, sub, cwtest.Pusher(ctx, connect=d.feed_endpoint)

    # -- 1. Roles --
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
    base_a, base_b = a.http_base(), b.http_base()
    am.wait_clustered()
    pushes = [push_a, push_b]

    def feed(event):
        for p in pushes:
            p.send(event)

    for i, case in enumerate(["ESC-A", "ACK-1", "SIL-1"]):
        feed(cwtest.registered("ha-r%d" % i, ts(0), case, ["id:ha-person-r%d" % i]))
    for i in range(K_CASES):
        feed(cwtest.registered("ha-k%d" % i, ts(5), "K-%d" % i, ["id:ha-person-k%d" % i]))
    feed(cwtest.registered("ha-2", ts(16, 12), "ESC-B", ["id:ha-person-2"]))
    _, notice = sub_a.wait_for(lambda t, x: t == "escalation.notice"
                               and x["subject"]["id"] == "ESC-A", daemon=a,
                               what="the leader's leadership notice for ESC-A's red alert")
    alert_id = notice["alert_id"]
    red_at = parse(notice["updated_at"])
    ids = {}
    for case in ("ACK-1", "SIL-1"):
        _, n = sub_a.wait_for(lambda t, x: t == "escalation.notice" and x["subject"]["id"] == case,
                              daemon=a, what="the leader's notice for %s" % case)
        ids[case] = n["alert_id"]
    for base in (base_a, base_b):
        cwtest.wait_until(lambda: alert_of(base, "SIL-1"),
                          message="SIL-1's red alert in both replicas' APIs")

    # -- 2. Workflow changes between the replicas --
    def ack(base):
        st, body = call(base, "POST", "/api/v1/alerts/%s/ack" % ids["ACK-1"], DUTY,
                        {"note": "on it, through b"})
        if st != 200:
            cwtest.fail("ack through b answered %d %s" % (st, body))
        return body

    def acked(base, _):
        x = alert_of(base, "ACK-1")
        return x is not None and x["status"] == "acknowledged" and \
            (x.get("ack") or {}).get("note") == "on it, through b"

    ack_ms = propagation("an ack", base_b, base_a, ack, acked)

    def silence(base):
        st, body = call(base, "POST", "/api/v1/silences", DUTY,
                        {"matchers": [{"name": "subject_id", "value": "SIL-1"}],
                         "ends_at": "2026-06-01T00:00:00+08:00", "comment": "handled on site"})
        if st != 201:
            cwtest.fail("silence through a answered %d %s" % (st, body))
        return body["silence"]["id"]

    def silenced(base, silence_id):
        st, body = call(base, "GET", "/api/v1/silences", VIEWER)
        if st != 200 or silence_id not in [s["id"] for s in body["silences"]]:
            return False
        x = alert_of(base, "SIL-1")
        return x is not None and x["status"] == "silenced"

    silence_ms = propagation("a silence", base_a, base_b, silence, silenced)

    feed(cwtest.registered("ha-3", fmt(red_at + timedelta(minutes=31)), "ESC-C",
                           ["id:ha-person-3"]))
    sub_a.wait_for(lambda t, x: t == "escalation.1" and x["alert_id"] == alert_id, daemon=a,
                   what="escalation.1 of ESC-A from the leader")
    # The follower computed the same (its store and API say escalated) but published nothing.
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_alert_escalations_total",
                                              kind="escalated") >= 1,
                  what="the follower computing escalation.1 too")
    sub_a.drain()
    sub_b.drain()
    if sub_b.received:
        cwtest.fail("the follower published %s" % [t for t, _ in sub_b.received])
    for case in ("ACK-1", "SIL-1"):
        if any(x["alert_id"] == ids[case] and t != "escalation.notice" for t, x in sub_a.received):
            cwtest.fail("the leader escalated %s's alert, acknowledged or silenced: %s"
                        % (case, [t for t, x in sub_a.received if x["alert_id"] == ids[case]]))

    samples_a = a.metrics()
    for node in ("0", "1"):
        if cwtest.metric_sum(samples_a, "casewatch_alertmanager_requests_total", node=node,
                             outcome="ok") < 1:
            cwtest.fail("replica a posted nothing to Alertmanager node %s" % node)

    # -- 3. The leader killed when notices are due --
    before = len(sub_a.received)
    feed(cwtest.registered("ha-4", ts(23, 12), "ESC-D", ["id:ha-person-4"]))
    sub_a.wait_for(lambda t, x: len(sub_a.received) > before, daemon=a,
                   what="the first escalation message the last event made due")
    killed_at = time.monotonic()
    a.kill()
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ha_leader") == 1,
                  timeout=TAKEOVER_SECONDS + 10, what="b taking over within ha.takeover_seconds")
    took = time.monotonic() - killed_at
    print("takeover: b led %.2f s after a was SIGKILLed (ha.takeover_seconds=%d)"
          % (took, TAKEOVER_SECONDS))
    b.wait_log(r"HA: replica b is now the leader", what="b logging its new role")
    sent_by_a = len(sub_a.received) - before
    sub_a.drain()
    sent_by_a = len(sub_a.received) - before

    def escalation_messages(samples):
        return int(cwtest.metric_sum(samples, "casewatch_alert_escalations_total"))

    def keys():
        out = {}
        for sub in (sub_a, sub_b):
            for t, x in sub.received:
                out.setdefault((x["alert_id"], t, x["updated_at"]), []).append(x)
        return out

    def complete():
        # b's count is read twice around a pause, so that a count taken while b was still
        # delivering the last event's changes is not taken for the whole.
        sub_b.poll(0.1)
        want = escalation_messages(b.metrics())
        if len(keys()) < want:
            return None
        sub_b.drain()
        return want if escalation_messages(b.metrics()) == want == len(keys()) else None
    want = cwtest.wait_until(complete, message="every escalation message on one bus or the other")
    sub_b.drain()
    got = keys()
    if len(got) != escalation_messages(b.metrics()):
        cwtest.fail("%d distinct escalation messages on the buses, b computed %d: %s"
                    % (len(got), escalation_messages(b.metrics()), sorted(got)))
    copies = 0
    for key, xs in got.items():
        if len({(x.get("seq"), json.dumps(x, sort_keys=True)) for x in xs}) != 1:
            cwtest.fail("copies of %s differ (a consumer could not drop them by seq): %s"
                        % (key, xs))
        copies += len(xs) - 1
    k_notices = [k for k in got if k[1] == "escalation.notice" and
                 any(x["subject"]["id"].startswith("K-") for x in got[k])]
    if len(k_notices) != K_CASES:
        cwtest.fail("want a leadership notice for each of the %d K cases, got %d"
                    % (K_CASES, len(k_notices)))
    if (alert_id, "escalation.2") not in [(k[0], k[1]) for k in got]:
        cwtest.fail("ESC-A's escalation.2, due at the last event, is on neither bus")
    print("escalation messages: %d computed, %d distinct on the buses, %d by a before the kill "
          "(from the last event), %d by b after it, %d sent twice (same seq and body)"
          % (want, len(got), sent_by_a,
             sum(1 for _, x in sub_b.received), copies))
    samples = b.metrics()
    print("b's send log: sent %d, resent %d, skipped %d" % tuple(
        cwtest.metric_sum(samples, "casewatch_ha_escalation_notices_total", outcome=o)
        for o in ("sent", "resent", "skipped")))

    # -- 4. Alertmanager: each group notified once though both replicas post to both nodes --
    for node in ("0", "1"):
        if cwtest.metric_sum(samples, "casewatch_alertmanager_requests_total", node=node,
                             outcome="ok") < 1:
            cwtest.fail("replica b posted nothing to Alertmanager node %s" % node)

    def groups():
        out = {}
        for n in hook.bodies("/hook"):
            out.setdefault(n["groupKey"], []).append(n)
        return out

    def subjects_notified():
        return {g["groupLabels"].get("subject_id") for gs in groups().values() for g in gs}
    cwtest.wait_until(lambda: {"ESC-A", "ACK-1", "K-0"} <= subjects_notified(),
                      message="Alertmanager notifying ESC-A, ACK-1 and K-0")
    # A second node's copy of a notification would come peer_timeout after the first: wait for
    # the groups to stay the same for longer than that.
    settled = {"n": -1, "since": time.monotonic()}

    def quiet():
        n = len(hook.bodies("/hook"))
        if n != settled["n"]:
            settled.update(n=n, since=time.monotonic())
        return time.monotonic() - settled["since"] > 2 * PEER_TIMEOUT_S + 2
    cwtest.wait_until(quiet, message="Alertmanager's notifications to settle", interval=0.2)
    # A duplicate is a group notified twice with the same alerts (fingerprint = labels, tier
    # among them; and status). A group whose alerts changed between the two nodes' flushes (the
    # same case posted with another tier or status) is rightly notified again by the node that
    # flushed later: the cluster de-duplicates equal notifications, not different ones.
    # Alertmanager's cluster promises at-least-once, not exactly-once: the second node skips a
    # notification only if the first one's log entry reached it by gossip within peer_timeout,
    # which a loaded 2-core machine can miss. So the same alerts from the two nodes (externalURL)
    # are counted and printed; the same alerts twice from one node, or no group de-duplicated
    # at all, fails.
    def alerts_of(n):
        return tuple(sorted((x.get("fingerprint"), x.get("status")) for x in n["alerts"]))
    per_group = {k: len(v) for k, v in groups().items()}
    twice, across_nodes = {}, {}
    for k, ns in groups().items():
        sent = [(alerts_of(n), n.get("externalURL")) for n in ns]
        for a in set(x for x, _ in sent):
            nodes = [node for x, node in sent if x == a]
            if len(nodes) != len(set(nodes)):
                twice[k] = ns
            elif len(nodes) > 1:
                across_nodes[k] = nodes
    if twice:
        cwtest.fail("alert groups notified more than once by one node with the same alerts: %s"
                    % twice)
    if across_nodes and len(across_nodes) == len(per_group):
        cwtest.fail("every alert group was notified by both nodes with the same alerts: the "
                    "cluster de-duplicated nothing: %s" % across_nodes)
    print("alertmanager: %d of %d groups notified by both nodes with the same alerts (gossip "
          "slower than peer_timeout; at-least-once): %s"
          % (len(across_nodes), len(per_group), sorted(across_nodes)))
    for k, ns in groups().items():
        if len(ns) > 1:
            print("alertmanager: group %s notified %d times, with %s" % (
                k, len(ns), [(alerts_of(n), n.get("externalURL")) for n in ns]))
    print("alertmanager: %d alert groups, notifications per group %s (2 replicas x 2 nodes "
          "posting; more than one only where the group's alerts changed)"
          % (len(per_group), sorted(set(per_group.values()))))

    # -- 5. The shared store: each automatic change once --
    rows = pg.sql("casewatch", "SELECT action, count(*) FROM alert_history WHERE alert_id = '%s' "
                               "GROUP BY action ORDER BY action" % alert_id)
    print("alert_history rows for ESC-A in the shared store: %s" % rows)
    if dict((r[0], int(r[1])) for r in rows).get("fired") != 1:
        cwtest.fail("ESC-A's fired change is in alert_history %s times, want once" % rows)
    print("figures: takeover %.2f s, ack propagation %.0f ms, silence propagation %.0f ms"
          % (took, ack_ms, silence_ms))

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
