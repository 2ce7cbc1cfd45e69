"""The alert texts stay exactly as they were: a golden replay.

`casewatch feedgen` writes a seeded feed (the same seed gives the same bytes) and `casewatchd replay`
runs the whole pipeline over it on event time, every model on (escalation_risk with the shipped
model file), writing every alert change as JSON Lines. The output is compared byte for byte with
the one recorded in tests/testdata/alert_texts/ before the wording moved from the models to
alerts/wording/: summaries and reason texts in en and zh-CN, codes, values, tiers and actions.

Ordering: none. The replay is deterministic, so the file is compared line by line in its own
order; the first lines that differ are printed.

Size: 300 cases (1,564 events) give 2,407 alert changes, 4.5 MB of JSON, 365 KB
gzip'ed: small enough to keep whole, so that a failure shows the very lines that changed.

What the recording covers is checked here too, so that a smaller feed cannot quietly prove less:
every model, every tier, both locales, both subject kinds of repeat_visit, recurring_matter's matter
alerts, and the changes a rise and a resolution make. Not covered by this feed (the models' unit tests word them): an overdue
alert resolved by a moved deadline, escalation_risk without a positive factor, and a group count
capped at "at least n".

Regenerate (only when a text is meant to change, and say so in the commit):
    CW_REGENERATE_GOLDEN=1 ctest --test-dir build -R test_alert_texts_unchanged
"""

import gzip
import hashlib
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

CASES = 300
SEED = 20260917
FEED_ARGS = ("--follow-ups", "0.5")
MODELS = {"overdue", "repeat_visit", "group_incident", "key_case", "escalation_risk", "stability",
          "recurring_matter"}
TIERS = {"blue", "yellow", "orange", "red"}


def golden_path(args):
    return os.path.join(args.source_dir, "tests", "testdata", "alert_texts", "alerts.jsonl.gz")


def replay(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    out = os.path.join(tmp, "alerts.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED, extra=FEED_ARGS)
    model_file = os.path.join(args.source_dir, "config", "escalation_model.json")
    cwtest.run([args.casewatchd, "replay", feed, "--alerts-out", out,
                "--set", "demo=true",
                "--set", "models.escalation_risk.model_file=" + model_file,
                # Lower than the defaults so that matters too come back from several persons.
                "--set", "models.repeat_visit.matter_min_persons=2",
                "--set", "models.repeat_visit.matter_min_returns_90d=1"],
               timeout=240, check=0)
    with open(out, "rb") as f:
        return f.read()


def check_coverage(data):
    models, tiers, changes = set(), set(), set()
    en = zh = 0
    for line in data.splitlines():
        a = json.loads(line)
        models.add(a["model"])
        tiers.add(a["tier"])
        changes.add(a["change"])
        summary = a["summary"]
        assert summary.get("en") and summary.get("zh-CN"), "a summary without both locales: %s" % line
        en += 1
        zh += 1
        for r in a["reasons"]:
            assert r.get("text_en") and r.get("text_zh-CN"), "a reason without both locales: %s" % r
    assert models == MODELS, "models covered: %s, want %s" % (sorted(models), sorted(MODELS))
    assert TIERS <= tiers, "tiers covered: %s" % sorted(tiers)
    assert {"fired", "tier_changed", "resolved"} <= changes, "changes covered: %s" % sorted(changes)
    assert b'"model":"repeat_visit","tier"' in data and b'keeps coming back from' in data, \
        "no repeat_visit matter alert"
    assert b'"model":"recurring_matter","tier"' in data and b'keeps coming back: contacts on' in data \
        and b'a joint visit by the agencies involved' in data, "no recurring_matter matter alert"
    print("covered: %d alert changes, models %s, tiers %s, changes %s, %d en and %d zh-CN summaries"
          % (len(data.splitlines()), sorted(models), sorted(tiers), sorted(changes), en, zh))


def test(args, tmp):
    data = replay(args, tmp)
    check_coverage(data)
    path = golden_path(args)
    if os.environ.get("CW_REGENERATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with gzip.GzipFile(path, "wb", mtime=0) as f:  # mtime 0: the same bytes every time
            f.write(data)
        print("wrote %s (%d bytes, sha256 %s)" % (path, len(data), hashlib.sha256(data).hexdigest()))
        return
    with gzip.open(path, "rb") as f:
        want = f.read()
    if data == want:
        print("identical to %s: %d bytes, sha256 %s" % (
            os.path.relpath(path, args.source_dir), len(data), hashlib.sha256(data).hexdigest()))
        return
    got_lines, want_lines = data.splitlines(), want.splitlines()
    shown = 0
    for i, (g, w) in enumerate(zip(got_lines, want_lines)):
        if g != w:
            print("line %d differs:\n  want %s\n  got  %s" % (
                i + 1, w.decode("utf-8", "replace"), g.decode("utf-8", "replace")), file=sys.stderr)
            shown += 1
            if shown == 3:
                break
    cwtest.fail("the replay's alerts differ from the recording (%d lines, want %d)" % (
        len(got_lines), len(want_lines)))


if __name__ == "__main__":
    cwtest.main(test)
