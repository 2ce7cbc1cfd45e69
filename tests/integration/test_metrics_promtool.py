"""/metrics after a generated feed: plausible figures, no personal labels, promtool-clean, scrapable.

`casewatch feedgen --publish` PUSHes a seeded scenario (raw person ids) into casewatchd's bound PULL
feed while writing the same lines to a file. Then:
  - casewatch_ingest_events_total by type equals what the file holds, with no rejection or duplicate;
  - gauges and histograms have plausible values, and the active alerts (all models) add up to what
    `casewatchd replay` of the same file ends with (same pipeline, same event clock);
  - no case id or person id of the feed appears anywhere in the metrics text;
  - `promtool check metrics` accepts the exposition;
  - a real Prometheus server scrapes the daemon, and /api/v1/query returns the same event total.
"""

import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

CASES = 800
SEED = 4242


def check_promtool(text):
    promtool = shutil.which("promtool")
    if not promtool:
        cwtest.fail("promtool not found (Debian package prometheus is required)")
    r = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True,
                       timeout=60)
    out = (r.stdout + r.stderr).decode("utf-8", "replace")
    assert r.returncode == 0, "promtool check metrics exited %d:\n%s" % (r.returncode, out)


def scrape_with_prometheus(tmp, metrics_port, want_total):
    """Starts Prometheus on a free port scraping the daemon; queries the event total."""
    prometheus = shutil.which("prometheus")
    if not prometheus:
        print("SKIP prometheus server part: no prometheus binary")
        return
    t0 = time.monotonic()
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "scrape_configs:\n  - job_name: casewatchd\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % metrics_port)
    port = cwtest.free_port()
    log = open(os.path.join(tmp, "prometheus.log"), "wb")
    proc = subprocess.Popen(
        [prometheus, "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
         "--web.listen-address=127.0.0.1:%d" % port, "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            port, urllib.parse.urlencode({"query": 'sum(casewatch_ingest_events_total{feed="f1"})'}))
        last = {}

        def query():
            if proc.poll() is not None:
                with open(os.path.join(tmp, "prometheus.log"), "rb") as f:
                    cwtest.fail("prometheus exited %d:\n%s" % (proc.returncode, f.read()[-3000:]))
            try:
                _, body = cwtest.http_get(url, timeout=2)
            except OSError as e:
                last["error"] = str(e)
                return None
            doc = json.loads(body)
            last["doc"] = doc
            if doc.get("status") != "success" or not doc["data"]["result"]:
                return None
            return float(doc["data"]["result"][0]["value"][1])

        try:
            value = cwtest.wait_until(query, timeout=60, interval=0.25,
                                      message="Prometheus to scrape casewatchd")
        except cwtest.TestFailure as e:
            cwtest.fail("%s (last answer: %s)" % (e, last))
        assert value == want_total, "Prometheus query: %s events, want %d" % (value, want_total)
        # The target is up (the scrape succeeded, not just some sample arrived).
        _, body = cwtest.http_get("http://127.0.0.1:%d/api/v1/query?query=up" % port)
        up = json.loads(body)["data"]["result"]
        assert up and up[0]["value"][1] == "1", "Prometheus says the target is not up: %s" % up
        print("prometheus: scraped and queried in %.1f s" % (time.monotonic() - t0))
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test(args, tmp):
    # Learning off: the replay this run is compared with does not learn (a live self-fit would
    # add escalation_risk alerts the replay cannot have).
    d = cwtest.Daemon.start_bound(
        args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
        extra_sets=["models.escalation_risk.learn.enabled=false",
                    "models.repeat_visit.learn.enabled=false"])
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED,
                   extra=["--raw-persons", "--publish", d.feed_endpoint, "--linger-ms", "60000"])
    events = cwtest.read_jsonl(feed)
    by_type = collections.Counter(e["type"] for e in events)
    case_ids = {e["case_id"] for e in events if "case_id" in e}
    persons = {p for e in events for p in e.get("persons", [])}
    registered = {e["case_id"] for e in events if e["type"] == "case.registered"}
    assert persons and all(p.startswith("id:") for p in persons), "feedgen --raw-persons ids"

    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="f1") >= len(events),
        what="%d events counted" % len(events))
    got = cwtest.metric_by(samples, "casewatch_ingest_events_total", "type", feed="f1")
    got = {k: int(v) for k, v in got.items() if v}
    assert got == dict(by_type), "events by type: metrics %s, sent %s" % (got, dict(by_type))
    assert cwtest.metric_sum(samples, "casewatch_ingest_rejected_total") == 0, \
        cwtest.metric_by(samples, "casewatch_ingest_rejected_total", "reason")
    assert cwtest.metric_sum(samples, "casewatch_ingest_duplicates_total") == 0

    # Gauges are refreshed on the daemon's 1 s tick: wait for the case count to show.
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_state_cases", status="all") == len(registered),
        what="casewatch_state_cases{status=all} == %d" % len(registered))
    text = d.metrics_text()
    samples = cwtest.parse_metrics(text)
    open_cases = cwtest.metric_sum(samples, "casewatch_cases_open")
    open_state = cwtest.metric_sum(samples, "casewatch_state_cases", status="open")
    assert 0 < open_cases <= len(registered) and open_cases == open_state, \
        "casewatch_cases_open sums to %s, casewatch_state_cases{open} %s, %d cases" % (
            open_cases, open_state, len(registered))
    breaches = cwtest.metric_sum(samples, "casewatch_deadline_breaches_total")
    completed = cwtest.metric_sum(samples, "casewatch_agency_steps_completed_total")
    assert breaches > 0 and completed > 0, \
        "deadline breaches %s, steps completed %s: both expected > 0 on a generated feed" % (
            breaches, completed)
    assert cwtest.metric_sum(samples, "casewatch_ingest_decision_latency_seconds_count") > 0
    assert cwtest.metric_sum(samples, "casewatch_journal_commit_seconds_count") > 0
    # Alerts decided by the feed's events were published: each waited a measured, positive time,
    # at least the journal's commit (its events are durable before it leaves).
    published = cwtest.metric_sum(samples, "casewatch_alert_publish_latency_seconds_count")
    waited = cwtest.metric_sum(samples, "casewatch_alert_publish_latency_seconds_sum")
    assert published > 0 and waited > 0, (published, waited)
    assert cwtest.metric_sum(samples, "casewatch_build_info") == 1

    # The same file replayed ends with the same active overdue alerts as the live daemon.
    r = cwtest.run([args.casewatchd, "replay", feed, "--set", "demo=true"], check=0)
    m = re.search(r"active at the end (\d+)", r.stderr_text)
    assert m, "no replay summary:\n" + r.stderr_text
    active = {(labels.get("model"), labels.get("tier")): v for n, labels, v in samples
              if n == "casewatch_alerts_active" and v}
    assert sum(active.values()) == int(m.group(1)), \
        "casewatch_alerts_active %s sums to %s; replay of the same feed ends with %s active" % (
            active, sum(active.values()), m.group(1))
    assert {t for _, t in active} <= {"blue", "yellow", "orange", "red"}, active
    assert any(model == "overdue" for model, _ in active), \
        "no active overdue alert at the end of a generated feed: %s" % active

    # No case id or person id anywhere in the exposition (labels are bounded and impersonal).
    label_values = {v for _, labels, _ in samples for v in labels.values()}
    leaked = sorted((label_values & case_ids) | (label_values & persons))
    leaked += [c for c in case_ids if c in text][:5]
    leaked += [p for p in persons if p in text or p[3:] in text][:5]
    assert not leaked, "case/person ids in /metrics: %s" % leaked[:10]
    series = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    assert series < 5000, "%d series: label cardinality is not bounded" % series

    check_promtool(text)
    scrape_with_prometheus(tmp, d.metrics_port, len(events))

    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d" % rc
    print("%d events, %d series" % (len(events), series))


if __name__ == "__main__":
    cwtest.main(test)
