"""The key-case ledger (台账) end to end: the real casewatchd on event time, events PUSHed to its feed.

  - a collective case (group_size 12) and a case lodged at the province while the county is
    competent enter the ledger; an ordinary case does not;
  - GET /api/v1/ledger lists both with their reasons for entry, region, agency, since and last
    activity, and no person id anywhere in the answer;
  - `casewatch ledger` prints the same cases with their reasons;
  - new activity on a ledgered case with no leader raises a key_case alert (assign_leader); the
    leader's assignment resolves it and the ledger shows the leader as owner;
  - /metrics has casewatch_key_cases{region="520302"} 2 and a casewatch_stability_index gauge.
"""

import json
import os
import re
import sys
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

TOKEN = ("vera", "ledger-viewer-token-0123")


def api_get(base, path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + TOKEN[1]})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


def ledger_of(base):
    return {e["case_id"]: e for e in api_get(base, "/api/v1/ledger")["ledger"]}


def test(args, tmp):
    ctx = zmq.Context()
    push = cwtest.Pusher(ctx)
    sets = ["http.listen=127.0.0.1:0",
            'auth.tokens=[{name: %s, token: "%s", role: viewer}]' % TOKEN]
    d = cwtest.Daemon(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                      feed_connect=push.endpoint, extra_sets=sets, publish=False).start()
    m = d.wait_log(r"HTTP API and duty console on (http://\S+/) \(port (\d+)\)", what="the HTTP port")
    base = "http://127.0.0.1:%s" % m.group(2)

    push.send(cwtest.registered("lg-1", "2026-03-02T09:00:00+08:00", "LG-GROUP",
                                ["id:lg-a", "id:lg-b"], group_size=12))
    push.send(cwtest.registered("lg-2", "2026-03-02T10:00:00+08:00", "LG-ABOVE", ["id:lg-c"],
                                level="province", competent_level="county"))
    push.send(cwtest.registered("lg-3", "2026-03-02T11:00:00+08:00", "LG-PLAIN", ["id:lg-d"]))
    d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total") == 3,
                  what="3 events accepted")

    def two_ledgered():
        led = ledger_of(base)
        return led if len(led) == 2 else None

    led = cwtest.wait_until(two_ledgered, message="two cases on GET /api/v1/ledger", interval=0.1)
    assert set(led) == {"LG-GROUP", "LG-ABOVE"}, led
    g, a = led["LG-GROUP"], led["LG-ABOVE"]
    assert g["reasons"] == ["group_size=12"], g
    assert a["reasons"] == ["lodged_above=province/county"], a
    assert g["region"] == "520302" and g["agency"] == "huichuan-hrss", g
    assert g["owner"] == "" and g["since"].startswith("2026-03-02T09:00:00"), g
    assert g["last_activity"].startswith("2026-03-02T09:00:00"), g
    text = json.dumps(api_get(base, "/api/v1/ledger"))
    assert "lg-a" not in text and not re.search(r"p_[0-9a-f]{16}", text), \
        "a person id in the ledger: " + text

    env = dict(os.environ)
    env["CASEWATCH_TOKEN"] = TOKEN[1]
    r = cwtest.run([args.casewatch, "ledger", "--url", base], timeout=60, env=env, check=0)
    out = r.stdout_text
    assert "LG-GROUP" in out and "group_size=12" in out, out
    assert "LG-ABOVE" in out and "lodged_above=province/county" in out, out
    assert "LG-PLAIN" not in out, out

    # New activity on the ledgered case while it has no leader: a key_case alert.
    push.send(cwtest.ev("lg-4", "case.accepted", "2026-03-03T09:00:00+08:00", "LG-GROUP"))

    def key_case_alert(tier_ok):
        def probe():
            for al in api_get(base, "/api/v1/alerts?model=key_case")["alerts"]:
                if al["subject"]["id"] == "LG-GROUP" and tier_ok(al["tier"]):
                    return al
            return None
        return probe

    al = cwtest.wait_until(key_case_alert(lambda t: t == "yellow"),
                           message="a yellow key_case alert for LG-GROUP", interval=0.1)
    assert "assign_leader" in al["actions"], al
    codes = [x["code"] for x in al["reasons"]]
    assert "unowned_events" in codes and "ledger_reasons" in codes, al
    push.send(cwtest.ev("lg-5", "case.leader_assigned", "2026-03-03T10:00:00+08:00", "LG-GROUP",
                        leader="leader-zhang"))

    def resolved():
        alerts = api_get(base, "/api/v1/alerts?model=key_case")["alerts"]
        return not any(x["subject"]["id"] == "LG-GROUP" for x in alerts) or None

    cwtest.wait_until(resolved, message="the key_case alert resolved by the leader's assignment",
                      interval=0.1)
    led = ledger_of(base)
    assert led["LG-GROUP"]["owner"] == "leader-zhang", led["LG-GROUP"]
    assert led["LG-GROUP"]["last_activity"].startswith("2026-03-03T10:00:00"), led["LG-GROUP"]

    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_key_cases", region="520302") == 2,
        what='casewatch_key_cases{region="520302"} == 2')
    metrics = d.metrics_text()
    assert "casewatch_stability_index" in metrics, "no stability gauge in /metrics"
    assert "lg-a" not in metrics and not re.search(r"p_[0-9a-f]{16}", metrics), \
        "a person id in /metrics"
    assert cwtest.metric_sum(samples, "casewatch_key_cases", region="520302") == 2

    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d" % rc
    push.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
