"""Replay against the generator's ground truth.

`casewatch feedgen` writes a seeded feed and, independently of the daemon, the truth of which
statutory steps of which case were overdue (an oracle computed from the events written). `casewatchd
replay` runs the whole pipeline on event time over the feed. For two seeds:
  - every case with overdue steps in the truth got an `overdue` alert at tier orange or red;
  - no case the truth calls on time got an orange or red `overdue` alert;
  - the replayed history shows the escalations it would have caused, on event time: an alert that
    turns red (not escalated before) and stays red unacknowledged is escalated to the section chief
    exactly 30 minutes later (the documented default), status `escalated`, `escalation` filled.
"""

import collections
import datetime
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

CASES = 3000
SEEDS = (11, 20260304)
SEVERE = {"orange", "red"}


def check_seed(args, tmp, seed):
    feed = os.path.join(tmp, "feed-%d.jsonl" % seed)
    truth_path = os.path.join(tmp, "truth-%d.jsonl" % seed)
    alerts_path = os.path.join(tmp, "alerts-%d.jsonl" % seed)
    cwtest.feedgen(args, feed, CASES, seed, truth=truth_path)
    lines = cwtest.count_lines(feed)
    r = cwtest.run([args.casewatchd, "replay", feed, "--alerts-out", alerts_path,
                    "--set", "demo=true"], timeout=240, check=0)
    # The summary names the lines read and that none was rejected.
    m = re.search(r"replay: (\d+) lines in .*accepted (\d+), rejected (\d+)", r.stderr_text)
    assert m, "no replay summary on stderr:\n%s" % r.stderr_text
    assert int(m.group(1)) == lines, "replay read %s lines, the feed has %d" % (m.group(1), lines)
    assert int(m.group(3)) == 0, "replay rejected %s generated events:\n%s" % (
        m.group(3), r.stderr_text)

    truth = [t for t in cwtest.read_jsonl(truth_path) if t.get("kind") == "case"]
    assert len(truth) == CASES, "truth has %d cases, want %d" % (len(truth), CASES)
    overdue = {t["case_id"]: t for t in truth if t["overdue_steps"]}
    on_time = {t["case_id"]: t for t in truth if t["on_time"]}
    assert overdue, "seed %d: the truth has no overdue case; the test would prove nothing" % seed
    assert on_time, "seed %d: the truth has no on-time case" % seed

    tiers = collections.defaultdict(set)  # case id -> tiers its overdue alert reached
    alerts = cwtest.read_jsonl(alerts_path)
    assert alerts, "replay wrote no alerts to " + alerts_path
    for a in alerts:
        if a.get("model") == "overdue" and a.get("subject", {}).get("kind") == "case":
            tiers[a["subject"]["id"]].add(a["tier"])

    missed = sorted(c for c in overdue if not tiers.get(c, set()) & SEVERE)
    false_alarms = sorted(c for c in on_time if tiers.get(c, set()) & SEVERE)
    problems = []
    if missed:
        problems.append("%d of %d overdue cases got no orange/red overdue alert, e.g. %s" % (
            len(missed), len(overdue),
            "; ".join("%s (truth %s, alert tiers %s)" % (
                c, cwtest.dumps(overdue[c]["overdue"]), sorted(tiers.get(c, set())))
                for c in missed[:5])))
    if false_alarms:
        problems.append("%d on-time cases got an orange/red overdue alert, e.g. %s" % (
            len(false_alarms),
            "; ".join("%s (alert tiers %s)" % (c, sorted(tiers[c])) for c in false_alarms[:5])))
    assert not problems, "seed %d: %s" % (seed, "\n".join(problems))
    print("seed %d: %d events, %d overdue cases all alerted orange/red, %d on-time cases without "
          "orange/red" % (seed, lines, len(overdue), len(on_time)))
    check_escalations(seed, alerts)


def check_escalations(seed, alerts):
    when = datetime.datetime.fromisoformat
    by_id = collections.defaultdict(list)
    for a in alerts:
        by_id[a["alert_id"]].append(a)
    checked = 0
    for changes in by_id.values():
        red = next((i for i, a in enumerate(changes) if a["tier"] == "red"), None)
        if red is None or any(a["change"] == "escalated" for a in changes[:red]):
            continue
        for a in changes[red + 1:]:
            if a["tier"] != "red" or a["change"] in ("resolved", "acknowledged"):
                break  # no longer red and unacknowledged: the 30 minutes did not run out
            if a["change"] != "escalated":
                continue
            esc = a.get("escalation") or {}
            assert a["status"] == "escalated", a
            assert (esc.get("level"), esc.get("target")) == (1, "section_chief"), a
            waited = when(esc["at"]) - when(changes[red]["updated_at"])
            assert waited == datetime.timedelta(minutes=30), \
                "seed %d: %s escalated %s after it turned red, want 30 min" % (
                    seed, a["alert_id"], waited)
            checked += 1
            break
    assert checked, "seed %d: the replay shows no escalation of a red alert" % seed
    print("seed %d: %d red alerts escalated to the section chief 30 min (event time) after turning "
          "red" % (seed, checked))


def test(args, tmp):
    for seed in SEEDS:
        check_seed(args, tmp, seed)


if __name__ == "__main__":
    cwtest.main(test)
