"""Long commands off a terminal: no carriage-return progress, one summary line each.

feedgen writes a feed, `casewatchd replay` reads it, `casewatch fit hawkes` fits from it, each
with standard error a pipe (not a terminal): each prints exactly one summary line of the shared
progress format ("<label>: N <unit> in S s (R <unit>/s), <position>") whose count is the feed's
line count and whose position is its size, and no "\\r" anywhere. --quiet leaves replay's out.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

SUMMARY = r"^%s: ([\d,]+) %s in [\d.]+ s \([\d,]+ %s/s\), ([\d.,]+) (MiB|days)(.*)$"


def summary(label, unit, stderr):
    assert "\r" not in stderr, "a carriage return off a terminal: %r" % stderr[:500]
    found = [m for m in (re.match(SUMMARY % (re.escape(label), unit, unit), line)
                         for line in stderr.splitlines()) if m]
    assert len(found) == 1, "want one %r summary line in:\n%s" % (label, stderr)
    m = found[0]
    return int(m.group(1).replace(",", "")), m.group(2), m.group(3), m.group(4)


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    r = cwtest.feedgen(args, feed, cases=800, seed=11)
    events, days, unit, rest = summary("feedgen", "events", r.stderr_text)
    lines = cwtest.count_lines(feed)
    assert events == lines, (events, lines)
    assert (days, unit) == ("120", "days"), (days, unit)
    assert "800 cases (seed 11," in rest, rest

    mib = "%.1f" % (os.path.getsize(feed) / (1024.0 * 1024.0))
    env = dict(os.environ, CASEWATCH_PSEUDONYM_KEY=cwtest.PSEUDONYM_KEY)
    r = cwtest.run([args.casewatchd, "replay", feed], env=env, check=0)
    got, size, unit, _ = summary("replay", "lines", r.stderr_text)
    assert (got, size, unit) == (lines, mib, "MiB"), (got, size, unit, lines, mib)
    # The replay's own report follows, as before.
    assert re.search(r"^replay: %d lines in .*accepted" % lines, r.stderr_text, re.M), r.stderr_text

    r = cwtest.run([args.casewatchd, "replay", feed, "--quiet"], env=env, check=0)
    assert not re.search(r"^replay:", r.stderr_text, re.M), r.stderr_text

    r = cwtest.run([args.casewatch, "fit", "hawkes", "--history", feed, "--out",
                    os.path.join(tmp, "hawkes.json")], check=0)
    got, size, unit, rest = summary("fit hawkes", "lines", r.stderr_text)
    assert (got, size, unit, rest) == (lines, mib, "MiB", ", fitted"), (got, size, unit, rest)
    print("feedgen, replay and fit: one summary line each for %d lines (%s MiB)" % (lines, mib))


if __name__ == "__main__":
    cwtest.main(test)
