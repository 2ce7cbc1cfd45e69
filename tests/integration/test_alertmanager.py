"""casewatchd -> Debian's real prometheus-alertmanager (API v2), on loopback.

Alertmanager runs with a webhook receiver served by this test (group_by alertname, send_resolved).
Two cases go overdue on the same event: their alerts arrive with the contract's labels and
annotations, a generatorURL pointing at the daemon's alert API, and are grouped into one
notification. A late procedural reply resolves one: it leaves Alertmanager's active alerts and a
resolved notification carries its endsAt (the resolution time). Active alerts are re-sent, so they
outlive their first endsAt. Then Alertmanager is stopped; while it is down one alert turns red and
another fires; the daemon keeps retrying; when Alertmanager is back (it forgets alerts on restart)
it gets the latest state of each: nothing lost, nothing twice, and no stale orange label set.
"""

import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

CST = timezone(timedelta(hours=8))
# Event time a few weeks back, so that Alertmanager (on the wall clock) sees past startsAt values.
BASE = (datetime.now(CST) - timedelta(days=40)).replace(hour=9, minute=0, second=0, microsecond=0)
EXTERNAL = "http://casewatch.test:9470"
PERSONS = ["id:am-person-%04d" % i for i in range(10)]


def ts(day, hour=9, minute=0):
    return (BASE + timedelta(days=day, hours=hour - 9, minutes=minute)).isoformat()


def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


class Webhook(cwtest.JsonPostReceiver):
    """Alertmanager's receiver: keeps every notification it is sent."""

    @property
    def notifications(self):
        return self.bodies()

    def alerts(self):
        return [(n, a) for n in self.bodies() for a in n.get("alerts", [])]


class Alertmanager:
    def __init__(self, tmp, hook_port):
        self.port = cwtest.free_port()
        self.dir = os.path.join(tmp, "alertmanager")
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        self.config = os.path.join(self.dir, "alertmanager.yml")
        with open(self.config, "w") as f:
            f.write("""route:
  receiver: hook
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: 'http://127.0.0.1:%d/hook'
        send_resolved: true
""" % hook_port)
        self.proc = None
        self.log = os.path.join(self.dir, "alertmanager.log")

    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["prometheus-alertmanager", "--config.file=" + self.config,
                 "--storage.path=" + os.path.join(self.dir, "data"),
                 "--web.listen-address=127.0.0.1:%d" % self.port, "--cluster.listen-address="],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def ready():
            if self.proc.poll() is not None:
                with open(self.log, "rb") as f:
                    cwtest.fail("alertmanager exited: %s" % f.read()[-2000:])
            try:
                return cwtest.http_get(self.url() + "/-/ready", timeout=2)[0] == 200
            except OSError:
                return False
        cwtest.wait_until(ready, message="alertmanager ready")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def active(self):
        """Active alerts (GET /api/v2/alerts leaves out resolved ones)."""
        _, body = cwtest.http_get(self.url() + "/api/v2/alerts")
        return [a for a in json.loads(body) if a["status"]["state"] == "active"]

    def by_subject(self):
        out = {}
        for a in self.active():
            out.setdefault(a["labels"].get("subject_id"), []).append(a)
        return out


def test(args, tmp):
    hook = Webhook()
    am = Alertmanager(tmp, hook.port)
    am.start()
    try:
        run(args, tmp, am, hook)
    finally:
        am.kill()
        hook.close()


def run(args, tmp, am, hook):
    ctx = zmq.Context()
    sets = ['alertmanager.urls=["%s"]' % am.url(), "alertmanager.resend_interval_seconds=2",
            "alertmanager.retry_initial_ms=200", "alertmanager.retry_max_ms=1000",
            "alertmanager.timeout_ms=2000", "alertmanager.external_url=" + EXTERNAL,
            "http.listen=127.0.0.1:0"]
    d = cwtest.Daemon.start_bound(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                                  extra_sets=sets)
    d.wait_log(r"Sending alerts to Alertmanager at ", what="the Alertmanager sink")
    sub = cwtest.Subscriber(ctx, d.publish_endpoint)
    sub.wait_joined()
    push = cwtest.Pusher(ctx, connect=d.feed_endpoint)

    # A and B registered on day 0; an event on day 10 makes both overdue (orange) at once.
    push.send(cwtest.registered("am-1", ts(0), "AM-A", [PERSONS[0]]))
    push.send(cwtest.registered("am-2", ts(0), "AM-B", [PERSONS[1]]))
    push.send(cwtest.registered("am-3", ts(10, 12), "AM-C", [PERSONS[2]]))

    def ids_on_bus():
        return {a["subject"]["id"]: a["alert_id"] for t, a in sub.received if t.startswith("alert.")}
    sub.wait_for(lambda t, a: a.get("subject", {}).get("id") == "AM-B" and a["tier"] == "orange",
                 daemon=d, what="AM-B orange on the bus")
    alert_ids = ids_on_bus()

    got = cwtest.wait_until(
        lambda: (lambda s: s if {"AM-A", "AM-B"} <= set(s) else None)(am.by_subject()),
        message="AM-A and AM-B active in Alertmanager")
    for subject in ("AM-A", "AM-B"):
        assert len(got[subject]) == 1, got[subject]
        a = got[subject][0]
        assert a["labels"] == {"alertname": "CaseOverdue", "model": "overdue", "tier": "orange",
                               "severity": "major", "subject_kind": "case",
                               "subject_id": subject, "region": "520302",
                               "agency": "huichuan-hrss"}, a["labels"]
        ann = a["annotations"]
        assert subject in ann["summary"], ann
        assert ann["description"], ann
        assert "send_procedural_reply" in ann["actions"], ann
        assert ann["status"] == "firing", ann
        assert a["generatorURL"] == "%s/api/v1/alerts/%s" % (EXTERNAL, alert_ids[subject]), \
            a["generatorURL"]
        assert parse(a["startsAt"]) <= parse(ts(10, 12)), a["startsAt"]
        assert parse(a["endsAt"]) > datetime.now(timezone.utc), a["endsAt"]

    # Grouped by alertname: one notification carries both.
    def grouped():
        for n in list(hook.notifications):
            subjects = {x["labels"]["subject_id"] for x in n["alerts"] if x["status"] == "firing"}
            if {"AM-A", "AM-B"} <= subjects:
                return n
        return None
    n = cwtest.wait_until(grouped, message="one notification grouping AM-A and AM-B")
    assert n["groupLabels"] == {"alertname": "CaseOverdue"}, n["groupLabels"]

    # The late procedural reply resolves A: it leaves the active alerts, with its endsAt.
    first_ends_b = parse(got["AM-B"][0]["endsAt"])
    push.send(cwtest.ev("am-4", "case.procedural_reply", ts(10, 13), "AM-A"))
    cwtest.wait_until(lambda: "AM-A" not in am.by_subject(), message="AM-A resolved in Alertmanager")
    _, resolved = cwtest.wait_until(
        lambda: next(((n, a) for n, a in hook.alerts() if a["status"] == "resolved"
                      and a["labels"]["subject_id"] == "AM-A"), None),
        message="a resolved notification for AM-A")
    assert parse(resolved["endsAt"]) == parse(ts(10, 13)), \
        "endsAt %s, want the resolution at %s" % (resolved["endsAt"], ts(10, 13))
    # Accepted too, so that A's routing decision does not fall overdue later.
    push.send(cwtest.ev("am-4b", "case.accepted", ts(10, 14), "AM-A"))

    # Re-sent: B outlives the endsAt it was first given.
    cwtest.wait_until(lambda: datetime.now(timezone.utc) > first_ends_b + timedelta(seconds=1),
                      timeout=30, message="B's first endsAt to pass")
    b = am.by_subject().get("AM-B")
    assert b and parse(b[0]["endsAt"]) > first_ends_b, \
        "AM-B was not re-sent: %s (first endsAt %s)" % (b, first_ends_b)

    # Alertmanager goes down. Meanwhile B turns red and C fires orange.
    am.stop()
    push.send(cwtest.registered("am-5", ts(18, 12), "AM-D", [PERSONS[3]]))
    sub.wait_for(lambda t, a: a.get("subject", {}).get("id") == "AM-B" and a["tier"] == "red",
                 daemon=d, what="AM-B red on the bus")
    sub.wait_for(lambda t, a: a.get("subject", {}).get("id") == "AM-C" and a["tier"] == "orange",
                 daemon=d, what="AM-C orange on the bus")
    d.wait_log(r"Alertmanager %s is not taking alerts" % am.url(),
               what="the daemon noticing that Alertmanager is down")
    samples = d.metrics()
    failed = cwtest.metric_sum(samples, "casewatch_alertmanager_requests_total", outcome="failed")
    assert failed >= 1, "no failed request counted while Alertmanager was down"

    am.start()  # empty: Alertmanager keeps alerts in memory only

    def caught_up():
        s = am.by_subject()
        ok = ("AM-B" in s and "AM-C" in s and s["AM-B"][0]["labels"]["tier"] == "red")
        return s if ok else None
    s = cwtest.wait_until(caught_up, message="the red AM-B and the new AM-C in Alertmanager")
    for subject, want in (("AM-B", ("red", "critical")), ("AM-C", ("orange", "major"))):
        assert len(s[subject]) == 1, "duplicated in Alertmanager: %s" % s[subject]
        labels = s[subject][0]["labels"]
        assert (labels["tier"], labels["severity"]) == want, labels
    assert "AM-A" not in s, "the resolved AM-A came back: %s" % s["AM-A"]
    d.wait_log(r"Alertmanager %s is taking alerts again" % am.url(), what="the recovery logged")
    samples = d.metrics()
    assert cwtest.metric_sum(samples, "casewatch_alertmanager_requests_total", outcome="ok") >= 2
    assert cwtest.metric_sum(samples, "casewatch_alertmanager_requests_total",
                             outcome="rejected") == 0

    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d; log:\n%s" % (rc, d.log()[-3000:])
    push.close()
    sub.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
