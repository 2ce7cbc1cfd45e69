"""Regional shards and the national view (issue 15, item 3), on loopback with real peers.

One mixed-region feed (a province's: cities 3301 and 3302, and a region 1101 nobody here
watches) goes to two casewatchd shards, `shard.regions: ["3301"]` and `["3302"]`. Each must
hold only its own cases: its overdue alerts are exactly its own old cases' (red) and middle-aged
cases' (orange), every alert it lists is in its regions, and it counted the other regions' events
in casewatch_shard_events_skipped_total (the exact number the feed holds), journalled none of them,
saw no sequence gap for them, and turned none into a dead letter — including an event that
arrived before its foreign case.registered (held as an orphan, then skipped).

Then each shard is scraped by its own Prometheus (recording rules loaded, 1 s intervals), and a
third, national Prometheus federates both with a match[] that takes only recording-rule
aggregates: it must return both shards' per-region, per-city and per-province figures (told apart
by the shard Prometheus's external label), the per-province red count summing the two shards,
and no raw series at all (so no case). Last, `casewatch shards` lists both shards' red and orange
alerts together, sorted by tier then age, and a shard that does not answer is reported in the
output and the exit code while the others are still listed.
"""

import datetime
import json
import os
import shutil
import sys
import urllib.request

import yaml

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

TOKEN = "viewer-token-shards"
SHARDS = {"a": "3301", "b": "3302"}
REGIONS = {"330102": "a", "330106": "a", "330201": "b", "110101": None}
T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
# What federation takes: recording rules only (their names hold colons, raw metrics never do).
FEDERATE_MATCH = '{__name__=~"[a-z_]+:casewatch_[a-z_]+:[a-z0-9_]+"}'


def ts(days, hours=0):
    return (T0 + datetime.timedelta(days=days, hours=hours)).isoformat()


def mixed_feed():
    """(events in arrival order, {case_id: region}, expected red / orange overdue cases)."""
    events, region_of = [], {}
    red, orange = set(), set()

    def reg(case_id, region, days):
        region_of[case_id] = region
        events.append(cwtest.registered("e-%s" % case_id, ts(days), case_id, ["id:p-" + case_id],
                                        agency="agency-" + region, region=region))

    for region in REGIONS:
        # Registered 30 days before the feed's last event, never answered: the procedural reply
        # (7 days) is more than red_after_days (7) late: red.
        for i in range(2):
            reg("%s-old%d" % (region, i), region, 0)
            red.add("%s-old%d" % (region, i))
        # Accepted the next day (an event with a case id only: attributed by its case's region).
        events.append(cwtest.ev("e-acc-%s" % region, "case.accepted", ts(1), "%s-old1" % region))
        # 10 days old at the end: overdue by about 2 days: orange.
        reg("%s-mid" % region, region, 20)
        orange.add("%s-mid" % region)
        # A visit about a matter of the region (no case id).
        events.append(cwtest.ev("e-visit-%s" % region, "visit", ts(5), None,
                                persons=["id:v-" + region], matter="m:walk-in-" + region,
                                region=region, level="county"))
        # The last event: moves each shard's event clock to day 30.
        reg("%s-new" % region, region, 30)
    reg("110101-late", "110101", 2)
    # The province's feed in time order (each shard's event clock follows its own events only).
    events.sort(key=lambda e: datetime.datetime.fromisoformat(e["ts"]))
    # Before its case.registered: an event whose region nobody knows yet (held as an orphan).
    events.insert(0, cwtest.ev("e-early", "case.accepted", ts(2, 1), "110101-late"))
    # One source numbering every event: skipped events must not look like gaps.
    for seq, e in enumerate(events, start=1):
        e["source"] = "province-12345"
        e["seq"] = seq
    return events, region_of, red, orange


def region_of_event(e, region_of):
    return e.get("region") or region_of[e["case_id"]]


def api(base, path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def shard_prometheus(tmp, name, daemon, source_dir):
    """A Prometheus scraping one shard with casewatch's recording rules, every second."""
    with open(os.path.join(source_dir, "config", "prometheus", "prometheus.yml")) as f:
        cfg = yaml.safe_load(f)
    workdir = os.path.join(tmp, "prom-" + name)
    os.makedirs(workdir)
    rules_src = os.path.join(source_dir, "config", "prometheus", "casewatch_recording_rules.yml")
    with open(rules_src) as f:
        rules = yaml.safe_load(f)
    for g in rules["groups"]:
        g["interval"] = "1s"
    rules_path = os.path.join(workdir, "casewatch_recording_rules.yml")
    with open(rules_path, "w") as f:
        yaml.safe_dump(rules, f, sort_keys=False)
    cfg["global"] = {"scrape_interval": "1s", "scrape_timeout": "1s",
                     "evaluation_interval": "1s", "external_labels": {"shard": name}}
    cfg["rule_files"] = [rules_path]
    cfg.pop("alerting", None)
    cfg["scrape_configs"][0]["static_configs"] = [
        {"targets": ["127.0.0.1:%d" % daemon.metrics_port]}]
    return cwtest.Prometheus(workdir, cfg)


def national_prometheus(tmp, shard_proms):
    cfg = {"global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                      "evaluation_interval": "1s", "external_labels": {"level": "national"}},
           "scrape_configs": [{
               "job_name": "federate", "honor_labels": True, "metrics_path": "/federate",
               "params": {"match[]": [FEDERATE_MATCH]},
               "static_configs": [{"targets": [p.address for p in shard_proms]}]}]}
    return cwtest.Prometheus(os.path.join(tmp, "prom-national"), cfg)


def test(args, tmp):
    if not shutil.which("prometheus") or not shutil.which("promtool"):
        cwtest.fail("prometheus/promtool not found (Debian package prometheus is required)")
    events, region_of, red, orange = mixed_feed()
    feed = os.path.join(tmp, "feed.jsonl")
    with open(feed, "w") as f:
        for e in events:
            f.write(cwtest.dumps(e) + "\n")

    daemons, expected = {}, {}
    for name, prefix in SHARDS.items():
        mine = [e for e in events if region_of_event(e, region_of).startswith(prefix)]
        # The early event is accepted (as an orphan: its region is unknown until its case
        # registers), then skipped with its foreign case: counted in both.
        expected[name] = {
            "accepted": len(mine) + 1, "skipped": len(events) - len(mine),
            "red": {c for c in red if region_of[c].startswith(prefix)},
            "orange": {c for c in orange if region_of[c].startswith(prefix)}}
        daemons[name] = cwtest.Daemon(
            args, os.path.join(tmp, "data-" + name), os.path.join(tmp, name + ".log"),
            publish=False,
            extra_sets=['feeds=[{name: province, kind: jsonl, endpoint: "%s"}]' % feed,
                        'shard.regions=["%s"]' % prefix,
                        "auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN,
                        "models.escalation_risk.learn.enabled=false",
                        "models.repeat_visit.learn.enabled=false"]).start()
    for name, d in daemons.items():
        d.wait_log(r"Shard: watching the cases of regions %s\*" % SHARDS[name])

    # Each shard took the whole feed: its own events accepted, the others' skipped and counted.
    for name, d in daemons.items():
        want = expected[name]
        own_cases = sum(1 for c, r in region_of.items() if r.startswith(SHARDS[name]))
        s = d.wait_metric(
            lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="province")
            + cwtest.metric_sum(s, "casewatch_shard_events_skipped_total", feed="province")
            >= len(events) + 1, what="shard %s: all %d lines taken" % (name, len(events)))
        got = {"accepted": cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="province"),
               "skipped": cwtest.metric_sum(s, "casewatch_shard_events_skipped_total",
                                            feed="province")}
        assert got == {"accepted": want["accepted"], "skipped": want["skipped"]}, (
            "shard %s: accepted/skipped %s, want %s" % (name, got, want))
        assert cwtest.metric_sum(s, "casewatch_ingest_sequence_gaps_total") == 0, (
            "shard %s: skipped events counted as sequence gaps" % name)
        assert cwtest.metric_sum(s, "casewatch_ingest_orphans_total", outcome="skipped") == 1
        assert cwtest.metric_sum(s, "casewatch_ingest_orphans_waiting") == 0
        assert cwtest.metric_sum(s, "casewatch_ingest_rejected_total") == 0
        # Not journalled: the journal holds exactly the accepted events.
        journaled = cwtest.wait_until(
            lambda: (lambda j: j if j == want["accepted"] else None)(
                d.digest(TOKEN)["events_journaled"]),
            message="shard %s: %d events journalled" % (name, want["accepted"]))
        assert journaled == want["accepted"]
        # Only its own cases are held (the others were never stored); the state gauges are
        # published once a second, so the last publication may precede the last events.
        d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_state_cases", status="all")
                      == own_cases, what="shard %s holding its %d cases (and no other)"
                      % (name, own_cases))

    # Its alerts: exactly its own overdue cases, red and orange; nothing out of its regions.
    bases = {name: d.http_base() for name, d in daemons.items()}
    for name, base in bases.items():
        want = expected[name]

        def overdue_settled():
            alerts = api(base, "/api/v1/alerts?model=overdue")["alerts"]
            by_tier = {t: {a["subject"]["id"] for a in alerts if a["tier"] == t}
                       for t in ("red", "orange")}
            return (by_tier == {"red": want["red"], "orange": want["orange"]}) and alerts
        cwtest.wait_until(overdue_settled, message="shard %s: overdue red %s, orange %s" % (
            name, sorted(want["red"]), sorted(want["orange"])))
        everything = api(base, "/api/v1/alerts")["alerts"]
        outside = [a for a in everything if a.get("region")
                   and not a["region"].startswith(SHARDS[name])]
        assert not outside, "shard %s alerts outside its regions: %s" % (name, outside)
    print("shards: %s" % {n: {k: (sorted(v) if isinstance(v, set) else v)
                              for k, v in e.items()} for n, e in expected.items()})

    # Prometheus: one per shard, recording; a national one federating the aggregates only.
    proms = []
    try:
        shard_proms = {name: shard_prometheus(tmp, name, d, args.source_dir)
                       for name, d in daemons.items()}
        proms.extend(shard_proms.values())
        national = national_prometheus(tmp, list(shard_proms.values()))
        proms.append(national)

        def both_shards(metric, label):
            r = national.query(metric)
            got = {(s["metric"].get("shard"), s["metric"].get(label)) for s in r}
            return got if {g[0] for g in got} >= set(SHARDS) else None
        regions = cwtest.wait_until(
            lambda: both_shards('region_tier:casewatch_alerts_active_by_region:max{tier="red"}',
                                "region"),
            message="the national Prometheus holding both shards' per-region aggregates")
        assert regions == {("a", "330102"), ("a", "330106"), ("b", "330201")}, regions
        cities = cwtest.wait_until(
            lambda: both_shards('city_tier:casewatch_alerts_active_by_region:max{tier="red"}',
                                "city"), message="per-city aggregates of both shards")
        assert cities == {("a", "3301"), ("b", "3302")}, cities
        cwtest.wait_until(lambda: both_shards("feed:casewatch_shard_events_skipped:rate5m", "feed"),
                          message="both shards' skipped-event rates")
        # The province's red alerts: the two shards' counts summed at the national level
        # (overdue's red cases plus whatever other model is red; compared with the shards' APIs).
        red_listed = sum(len([a for a in api(b, "/api/v1/alerts?tier=red")["alerts"]])
                         for b in bases.values())

        def province_red():
            r = national.query('sum by (province) '
                               '(province_tier:casewatch_alerts_active_by_region:max{tier="red"})')
            return r and float(r[0]["value"][1]) == red_listed and r
        cwtest.wait_until(province_red, message="province 33's red count = %d (both shards)"
                          % red_listed)
        # Nothing but aggregates crossed: every federated series is a recording rule's, and
        # none carries a case, subject or person label.
        series = national.query('{__name__=~".+", job="federate"}')
        names = sorted({s["metric"]["__name__"] for s in series})
        raw = [n for n in names if ":" not in n and n != "up" and not n.startswith("scrape_")]
        assert not raw, "raw series federated: %s" % raw
        labels = {k for s in series for k in s["metric"]}
        assert not labels & {"case_id", "subject_id", "subject", "person", "alert_id"}, labels
        assert not [s for s in series if s["metric"].get("region") == "110101"], (
            "a region no shard watches reached the national view")
        print("national Prometheus: %d federated series, %d names, labels %s"
              % (len(series), len(names), sorted(labels)))
    finally:
        for p in proms:
            p.stop()

    # casewatch shards: both shards' red and orange alerts in one list; a dead shard reported.
    env = dict(os.environ, CASEWATCH_TOKEN=TOKEN)
    dead_url = "http://127.0.0.1:%d" % cwtest.free_port()
    r = cwtest.run([args.casewatch, "shards", "a=" + bases["a"], "b=" + bases["b"], "--json"],
                   env=env, check=0)
    doc = json.loads(r.stdout_text)
    rows = doc["alerts"]
    assert [s["ok"] for s in doc["shards"]] == [True, True], doc["shards"]
    assert {a["tier"] for a in rows} <= {"red", "orange"}, rows
    for name in SHARDS:
        mine = {a["subject"]["id"] for a in rows if a["shard"] == name and a["model"] == "overdue"}
        assert mine == expected[name]["red"] | expected[name]["orange"], (name, mine)
        assert all(a["region"].startswith(SHARDS[name]) for a in rows
                   if a["shard"] == name and a.get("region")), rows
    order = [(0 if a["tier"] == "red" else 1,
              datetime.datetime.fromisoformat(a["starts_at"].replace("Z", "+00:00")))
             for a in rows]
    assert order == sorted(order), "not sorted by tier then age: %s" % order
    r = cwtest.run([args.casewatch, "shards", "a=" + bases["a"], "b=" + bases["b"],
                    "gone=" + dead_url], env=env, check=3)
    text = r.stdout_text
    print(text)
    lines = [ln for ln in text.splitlines() if ln.startswith(("red ", "orange "))]
    assert len(lines) == len(rows), "plain text lists %d rows, JSON %d" % (len(lines), len(rows))
    assert {ln.split()[1] for ln in lines} == set(SHARDS), lines
    assert "shard gone (%s) did not answer" % dead_url in text, text
    assert "from 2 of 3 shards" in text, text
    assert "shard gone" in r.stderr_text, r.stderr_text

    for d in daemons.values():
        assert d.terminate() == 0


if __name__ == "__main__":
    cwtest.main(test)
