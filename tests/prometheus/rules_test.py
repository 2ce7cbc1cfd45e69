"""config/prometheus/ as promtool sees it: the configuration and its rule files are valid, the
alerting rules' unit tests pass, and every alerting rule has a unit test that expects it to fire.

Usage: rules_test.py <source dir>
"""
import os
import subprocess
import sys

import yaml

sys.dont_write_bytecode = True


def promtool(*args):
    r = subprocess.run(["promtool", *args], capture_output=True, timeout=120)
    out = (r.stdout + r.stderr).decode("utf-8", "replace")
    if r.returncode != 0:
        sys.exit("FAIL: promtool %s exited %d:\n%s" % (" ".join(args), r.returncode, out))
    return out


def main():
    src = sys.argv[1]
    prom_dir = os.path.join(src, "config", "prometheus")
    tests = os.path.join(src, "tests", "prometheus", "casewatch_rules_test.yml")
    promtool("check", "config", os.path.join(prom_dir, "prometheus.yml"))
    with open(os.path.join(prom_dir, "prometheus.yml")) as f:
        rule_files = [os.path.join(prom_dir, r) for r in yaml.safe_load(f)["rule_files"]]
    promtool("check", "rules", *rule_files)
    promtool("test", "rules", tests)

    alerts = set()
    for path in rule_files:
        with open(path) as f:
            for g in yaml.safe_load(f)["groups"]:
                alerts.update(r["alert"] for r in g["rules"] if "alert" in r)
    with open(tests) as f:
        fired = {t["alertname"] for case in yaml.safe_load(f)["tests"]
                 for t in case.get("alert_rule_test", []) if t.get("exp_alerts")}
    untested = sorted(alerts - fired)
    if untested:
        sys.exit("FAIL: alerting rules without a unit test expecting them to fire: %s" % untested)
    print("PASS: config and %d rule files valid; %d alerting rules, each unit-tested" % (
        len(rule_files), len(alerts)))


if __name__ == "__main__":
    main()
