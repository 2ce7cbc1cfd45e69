"""The Grafana boards and the Prometheus rules, proven on Debian's real Prometheus.

casewatchd ingests a generated feed that exercises every model (`casewatch feedgen --publish`), with
an Alertmanager URL nobody answers (so the delivery-failure figures exist). Debian's `prometheus`
then scrapes it every second with config/prometheus/prometheus.yml and its rule files (intervals
shortened to 1 s, the target and paths rewritten for the test). Once it has scraped a few times and
every rule group has been evaluated since, the test evaluates through /api/v1/query:

  - every PromQL expression of every panel of every dashboard in config/grafana/dashboards/, and the
    metric each template variable's label_values() reads ($region, $agency -> ".*",
    $__rate_interval -> 1m, $__range -> 1h, $__interval -> 15s);
  - every recording rule's expression, and the recorded series by name (Prometheus stored it);
  - every alerting rule's expression (it must parse and run; healthy, most return nothing), and
    each vector selector inside it, which must return series (no exception: the snapshot age, once
    allowed to be absent, is exported since the snapshots landed).

Fails if any expression is invalid or returns no series. Prints every expression with its count.
Also: `promtool check metrics` on the scrape, and every family of the scrape has HELP and is in the
metric catalogue generated from the code (scripts/metric-catalogue).
"""

import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

import yaml

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

CASES = 800
SEED = 4242
# --escalation-thresholds: reviews follow the decision and the handling, so that re-reviews (复核)
# happen too.
FEED_ARGS = ["--escalation-thresholds"]
MODELS = {"overdue", "repeat_visit", "group_incident", "key_case", "escalation_risk", "stability",
          "recurring_matter"}
# Grafana's variables and macros, replaced by what matches everything / a fixed range.
SUBSTITUTIONS = [("$__rate_interval", "1m"), ("$__range", "1h"), ("$__interval", "15s"),
                 ("${region:regex}", ".*"), ("${agency:regex}", ".*"),
                 ("$region", ".*"), ("$agency", ".*")]
# Metrics another change adds; their selectors may be empty only while the daemon does not export
# them at all (checked against the exposition, so a typo in a rule cannot hide behind this).
NOT_YET_EXPORTED_OK = set()  # metrics a rule may read before the daemon exports them: none now
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
                   "unless", "bool", "offset", "le", "inf", "nan"}


def substitute(expr):
    for k, v in SUBSTITUTIONS:
        expr = expr.replace(k, v)
    return expr


def dashboard_expressions(source_dir):
    """(where, expr) for every panel target and every query variable of every dashboard."""
    out = []
    files = sorted(glob.glob(os.path.join(source_dir, "config", "grafana", "dashboards", "*.json")))
    assert len(files) >= 3, "dashboards: %s" % files

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))

    for path in files:
        with open(path, encoding="utf-8") as f:
            board = json.load(f)
        name = os.path.basename(path)
        for v in board.get("templating", {}).get("list", []):
            if v.get("type") != "query":
                continue
            q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q.strip())
            assert m, "%s: variable %s: not label_values(metric, label): %s" % (name, v["name"], q)
            out.append(("%s var %s" % (name, v["name"]), m.group(1)))
        for p in panels(board.get("panels", [])):
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append(("%s panel %r %s" % (name, p.get("title"), t.get("refId")),
                                t["expr"]))
    return out


def rule_files(source_dir):
    with open(os.path.join(source_dir, "config", "prometheus", "prometheus.yml")) as f:
        cfg = yaml.safe_load(f)
    return cfg, [os.path.join(source_dir, "config", "prometheus", r) for r in cfg["rule_files"]]


def selectors(expr):
    """The vector selectors inside a PromQL expression (metric name plus its {matchers})."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: m.group(0).replace("(", " "), expr)
    out = []
    for m in re.finditer(r"(?<![\w:\"])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?(?!\s*\()", expr):
        name = m.group(1)
        if name.lower() in PROMQL_KEYWORDS or re.fullmatch(r"\d+\w*", name):
            continue
        # Labels inside by(...)/without(...) and matchers are not selectors.
        before = expr[:m.start()]
        if before.count("{") > before.count("}"):
            continue
        if re.search(r"(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$", before):
            continue
        if not (name.startswith("casewatch_") or name == "up" or ":" in name):
            continue
        out.append(name + (m.group(2) or ""))
    return out


class Prometheus(cwtest.Prometheus):
    """cwtest's Prometheus with the shipped rule files, evaluated every second, scraping the
    daemon's metrics."""

    def __init__(self, tmp, metrics_port, source_dir):
        self.tmp = tmp
        cfg, files = rule_files(source_dir)
        cfg["global"].update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
        cfg["scrape_configs"][0]["static_configs"] = [
            {"targets": ["127.0.0.1:%d" % metrics_port]}]
        # Nobody pages from a test: notifications go to a port nothing listens on.
        cfg["alerting"]["alertmanagers"][0]["static_configs"] = [
            {"targets": ["127.0.0.1:%d" % cwtest.free_port()]}]
        self.rules = []
        cfg["rule_files"] = []
        for path in files:
            with open(path) as f:
                doc = yaml.safe_load(f)
            for g in doc["groups"]:
                g["interval"] = "1s"
                self.rules.extend((g["name"], r) for r in g["rules"])
            out = os.path.join(tmp, os.path.basename(path))
            with open(out, "w") as f:
                yaml.safe_dump(doc, f, sort_keys=False)
            cfg["rule_files"].append(out)
        super().__init__(tmp, cfg)

    def api(self, path, **params):
        if self.proc.poll() is not None:
            with open(self.log_path, "rb") as f:
                cwtest.fail("prometheus exited %d:\n%s" % (self.proc.returncode, f.read()[-3000:]))
        url = "http://127.0.0.1:%d/api/v1/%s?%s" % (self.port, path, urllib.parse.urlencode(params))
        try:
            _, body = cwtest.http_get(url, timeout=10)
        except OSError:
            return None
        return json.loads(body)

    def query(self, expr, at):
        """(status, error, result) of an instant query; HTTP 400 answers carry the error."""
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.port, urllib.parse.urlencode({"query": expr, "time": "%.3f" % at}))
        r = subprocess.run(["curl", "-s", url], capture_output=True, timeout=30)
        doc = json.loads(r.stdout)
        return doc["status"], doc.get("error"), doc.get("data", {}).get("result", [])


def catalogue_names(source_dir):
    r = cwtest.run([os.path.join(source_dir, "scripts", "metric-catalogue"), "--names"], check=0)
    return set(r.stdout.decode().split())


def check_exposition(text, source_dir):
    r = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True,
                       timeout=60)
    out = (r.stdout + r.stderr).decode("utf-8", "replace")
    assert r.returncode == 0, "promtool check metrics exited %d:\n%s" % (r.returncode, out)
    helps = dict(re.findall(r"^# HELP (\S+) (.*)$", text, re.M))
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    missing_help = sorted(n for n in types if not helps.get(n, "").strip())
    assert not missing_help, "families without HELP: %s" % missing_help
    catalogue = catalogue_names(source_dir)
    # exposer_*: prometheus-cpp's own figures about serving /metrics (README says so).
    uncatalogued = sorted(n for n in set(types) - catalogue if not n.startswith("exposer_"))
    assert not uncatalogued, ("families in /metrics but not in scripts/metric-catalogue's output "
                              "(registered outside a Build*().Name().Help() chain?): %s"
                              % uncatalogued)
    return set(types)


def test(args, tmp):
    if not shutil.which("prometheus") or not shutil.which("promtool"):
        cwtest.fail("prometheus/promtool not found (Debian package prometheus is required)")
    t0 = time.monotonic()
    # An Alertmanager nobody answers: the delivery-failure series of the Operations board exist.
    sets = ['alertmanager.urls=["http://127.0.0.1:%d"]' % cwtest.free_port(),
            "alertmanager.retry_initial_ms=200", "alertmanager.retry_max_ms=1000",
            "alertmanager.timeout_ms=1000",
            # Every model on: escalation_risk needs its fitted model (off by default).
            "models.escalation_risk.model_file=" + os.path.join(args.source_dir, "config",
                                                                 "escalation_model.json")]
    d = cwtest.Daemon.start_bound(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                                  extra_sets=sets)
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED,
                   extra=FEED_ARGS + ["--publish", d.feed_endpoint, "--linger-ms", "60000"])
    events = cwtest.read_jsonl(feed)
    registered = sum(1 for e in events if e["type"] == "case.registered")
    d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_state_cases", status="all")
                  == registered and cwtest.metric_sum(s, "casewatch_ingest_events_total",
                                                      feed="f1") >= len(events),
                  what="%d events in, %d cases held" % (len(events), registered))
    text = d.metrics_text()
    fired = cwtest.metric_by(cwtest.parse_metrics(text), "casewatch_alert_changes_total", "model",
                             change="fired")
    assert {m for m, v in fired.items() if v} == MODELS, "models that fired: %s" % fired
    exported = check_exposition(text, args.source_dir)
    print("fed %d events in %.1f s" % (len(events), time.monotonic() - t0))

    prom = Prometheus(tmp, d.metrics_port, args.source_dir)
    try:
        # Three scrapes (so rate() has two samples in any window), then every group evaluated after.
        def scraped():
            doc = prom.api("query", query='count_over_time(casewatch_build_info[10m])')
            r = doc and doc.get("data", {}).get("result")
            return r and float(r[0]["value"][1]) >= 3 and float(r[0]["value"][0])
        since = cwtest.wait_until(scraped, timeout=60, interval=0.25,
                                  message="three scrapes of casewatchd")

        def evaluated():
            doc = prom.api("rules")
            if not doc:
                return None
            groups = doc["data"]["groups"]
            stamps = [g.get("lastEvaluation", "") for g in groups]
            if len(groups) < 4 or not all(stamps):
                return None
            def secs(s):  # RFC 3339 with nanoseconds
                s = re.sub(r"(\.\d{6})\d*", r"\1", s).replace("Z", "+00:00")
                return datetime.datetime.fromisoformat(s).timestamp()
            return all(secs(s) > since for s in stamps) and groups
        groups = cwtest.wait_until(evaluated, timeout=60, interval=0.25,
                                   message="every rule group evaluated after the scrapes")
        bad_health = [(r.get("name"), r.get("lastError")) for g in groups for r in g["rules"]
                      if r.get("health") != "ok"]
        assert not bad_health, "rules whose evaluation failed: %s" % bad_health
        at = time.time()

        def not_exported(expr):
            """Why `expr` may return nothing: it reads only metrics not exported yet."""
            names = {re.match(r"[\w:]+", sel).group(0) for sel in selectors(expr)}
            if names and names <= NOT_YET_EXPORTED_OK and not names & exported:
                return "not exported yet"
            return None

        checks = []  # (where, expr, may_be_empty_reason)
        for where, expr in dashboard_expressions(args.source_dir):
            checks.append((where, substitute(expr), not_exported(expr)))
        for group, r in prom.rules:
            if "record" in r:
                checks.append(("record %s" % r["record"], r["expr"], None))
                checks.append(("recorded %s" % r["record"], r["record"], None))
            else:
                checks.append(("alert %s (expr)" % r["alert"], r["expr"], "alert"))
                for sel in sorted(set(selectors(r["expr"]))):
                    checks.append(("alert %s selector" % r["alert"], sel, not_exported(sel)))

        failures = []
        lines = []
        for where, expr, may_be_empty in checks:
            status, error, result = prom.query(expr, at)
            flat = " ".join(expr.split())
            if status != "success":
                failures.append("%s: invalid: %s\n    %s" % (where, error, flat))
                lines.append("  INVALID %s: %s" % (where, flat))
                continue
            lines.append("  %5d  %s: %s%s" % (len(result), where, flat,
                                                "  (%s)" % may_be_empty if may_be_empty and
                                                not result else ""))
            if not result and not may_be_empty:
                failures.append("%s: no series\n    %s" % (where, flat))
        print("series per expression (%d expressions):" % len(checks))
        print("\n".join(lines))
        assert not failures, "%d of %d expressions failed:\n%s" % (
            len(failures), len(checks), "\n".join(failures))
    finally:
        prom.stop()
    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d" % rc
    print("%d expressions checked in %.1f s" % (len(checks), time.monotonic() - t0))


if __name__ == "__main__":
    cwtest.main(test)
