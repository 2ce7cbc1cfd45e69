"""Retention (issue 12, item 4): closed cases past retention.closed_case_days are purged on event
time, from the state, the snapshots and the store, and stay purged after a restart.

A generated feed of four months is fed with clock=event and closed_case_days=20,
alert_history_days=30 and a snapshot every 200 events. The test simulates the daily purge on the
feed (once per UTC day, at the first event past midnight: closed or rejected before that event's
time minus 20 days) to know which cases must be gone, then checks:
  - GET /api/v1/digest and casewatch_state_cases{status="all"} count exactly the cases left, and
    casewatch_retention_purged_total{what="cases"} the ones purged; the last purge's time is the
    event time of the purge (casewatch_retention_last_purge_timestamp_seconds);
  - the summary log line names no case (no case id in the log line);
  - no snapshot file holds the id of a purged case (older snapshots were replaced), and the
    journal's segments start at the last purge (the older ones were compacted);
  - sqlite3 on the store finds no resolved alert whose last change is older than
    alert_history_days before the last purge, no history rows for such alerts, and no training row
    of a purged case;
  - after a restart (SIGTERM, snapshot + journal), the digest is the same and the counts too.
"""

import datetime
import glob
import json
import os
import re
import sys
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cwtest  # noqa: E402
import zmq  # noqa: E402

CASES = 400
SEED = 777
CLOSED_DAYS = 20
HISTORY_DAYS = 30
DAY_MS = 86400000
TOKEN = "viewer-token-retention"
SETS = ["auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN,
        "snapshot.every_events=200", "snapshot.keep=2",
        "retention.closed_case_days=%d" % CLOSED_DAYS,
        "retention.alert_history_days=%d" % HISTORY_DAYS,
        "retention.dead_letter_days=30"]


# Events that leave a case in an open stage (state/case_store.cc): after a close, they reopen it.
REOPENING = ("case.accepted", "case.transferred", "case.replied", "case.review_requested",
             "case.review_decided", "case.recheck_requested", "case.recheck_decided",
             "case.reopened")


def ts_ms(text):
    return int(datetime.datetime.fromisoformat(text).timestamp() * 1000)


def simulate(events):
    """The daemon's purge, replayed on the feed: (purged ids, ids left, last purge ms, the
    feed position of the last purge, each case's last position in the feed)."""
    clock = 0
    next_purge = 0
    cases = {}  # id -> closed_at (None while open)
    purged = set()
    last_purge = 0
    purge_position = 0
    last_seen = {}
    for position, e in enumerate(events):
        t = ts_ms(e["ts"])
        if e.get("case_id"):
            last_seen[e["case_id"]] = position
        if t > clock:
            clock = t
            if clock >= next_purge:
                next_purge = (clock // DAY_MS + 1) * DAY_MS
                last_purge = clock
                purge_position = position
                cutoff = clock - CLOSED_DAYS * DAY_MS
                for cid, closed_at in list(cases.items()):
                    if closed_at is not None and closed_at < cutoff:
                        del cases[cid]
                        purged.add(cid)
        cid = e.get("case_id")
        kind = e["type"]
        if kind == "case.registered":
            if cid not in cases:
                cases[cid] = None
        elif kind == "visit" or cid not in cases:
            continue  # a visit changes no case; an unknown (or purged) case's event is an orphan
        elif kind in ("case.closed", "case.rejected"):
            cases[cid] = t
        elif kind in REOPENING:
            cases[cid] = None
    return purged, set(cases), last_purge, purge_position, last_seen


def snapshot_files(data):
    return sorted(glob.glob(os.path.join(data, "snapshots", "snap-*.cws")))


def purged_in_snapshots(data, purged):
    """{snapshot file: purged ids it holds} (the ids are fixed width: none is part of another)."""
    out = {}
    for path in snapshot_files(data):
        try:
            with open(path, "rb") as f:
                body = f.read()
        except FileNotFoundError:  # replaced meanwhile
            continue
        found = sorted(cid for cid in purged if cid.encode() in body)
        if found:
            out[path] = found
    return out


def store_problems(d, last_purge):
    """What sqlite3 finds expired or left over in the store ([] when nothing)."""
    db = cwtest.open_db_readonly(d.db_path())
    try:
        cutoff = datetime.datetime.fromtimestamp(
            (last_purge - HISTORY_DAYS * DAY_MS) / 1000, datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%S")
        expired = db.execute(
            "SELECT count(*) FROM alerts a WHERE a.status = 'resolved' AND "
            "(SELECT max(h.at) FROM alert_history h WHERE h.alert_id = a.alert_id) < ?",
            (cutoff,)).fetchone()[0]
        leftover = db.execute(
            "SELECT count(*) FROM alert_history h WHERE NOT EXISTS "
            "(SELECT 1 FROM alerts a WHERE a.alert_id = h.alert_id)").fetchone()[0]
        rows = set(r[0] for r in db.execute("SELECT DISTINCT case_id FROM training_rows"))
        alerts_left = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
    finally:
        db.close()
    out = []
    if expired:
        out.append("%d resolved alerts last changed before %s are still stored" % (expired, cutoff))
    if leftover:
        out.append("%d history rows of deleted alerts remain" % leftover)
    if alerts_left == 0:
        out.append("no alert left in the store: the check proves nothing")
    return out, rows


def check_state(name, d, data, want_left, purged, last_purge, problems):
    got = d.digest(TOKEN)
    if got["cases"] != len(want_left):
        problems.append("%s: the digest counts %d cases, want %d" % (name, got["cases"],
                                                                       len(want_left)))
    # The gauges are published on the daemon's tick.
    s = d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_state_cases", status="all") > 0,
                      what="the state gauges")
    held = cwtest.metric_sum(s, "casewatch_state_cases", status="all")
    if held != len(want_left):
        problems.append("%s: casewatch_state_cases{status=all} %s, want %d" % (name, held,
                                                                              len(want_left)))
    for path, found in purged_in_snapshots(data, purged).items():
        problems.append("%s: %s holds %d purged cases, e.g. %s" % (
            name, os.path.basename(path), len(found), found[:3]))
    # The store's part follows the alert records it may delete (a moment after the purge).
    try:
        cwtest.wait_until(lambda: not store_problems(d, last_purge)[0], timeout=30,
                          message="the store's part of the purge")
    except cwtest.TestFailure:
        pass
    found, rows = store_problems(d, last_purge)
    problems.extend("%s: %s" % (name, p) for p in found)
    kept_rows = sorted(rows & purged)
    if kept_rows:
        problems.append("%s: training rows of purged cases remain: %s" % (name, kept_rows[:3]))
    if not rows:
        problems.append("%s: no training row at all: the check proves nothing" % name)
    return got


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED)
    with open(feed, "rb") as f:
        lines = [line.rstrip(b"\n") for line in f if line.strip()]
    events = [json.loads(line) for line in lines]
    purged, left, last_purge, purge_position, last_seen = simulate(events)
    assert len(purged) > 20 and len(left) > 20, (
        "the feed must span past the retention: %d purged, %d left" % (len(purged), len(left)))

    ctx = zmq.Context()
    data = os.path.join(tmp, "data")
    push = cwtest.Pusher(ctx)
    d = cwtest.Daemon(args, data, os.path.join(tmp, "first.log"), feed_connect=push.endpoint,
                      extra_sets=SETS, publish=False).start()
    for line in lines:
        push.send(line)
    cwtest.wait_until(lambda: d.assert_alive("first run") or d.lines_fed("f1") >= len(lines), timeout=90,
                      message="the daemon to take %d events" % len(lines))
    d.wait_metric(lambda s: cwtest.metric_sum(
        s, "casewatch_retention_last_purge_timestamp_seconds") * 1000 >= last_purge,
        what="the last purge")
    # The purge is followed by a snapshot that replaces the older ones (taken once the changes
    # decided before it are recorded, so possibly only when the feed has quietened).
    cwtest.wait_until(lambda: snapshot_files(data) and not purged_in_snapshots(data, purged),
                      timeout=60, message="the snapshots to hold no purged case")
    problems = []
    s = d.metrics()
    purged_metric = cwtest.metric_sum(s, "casewatch_retention_purged_total", what="cases")
    if purged_metric != len(purged):
        problems.append("casewatch_retention_purged_total{what=cases} %s, want %d" % (
            purged_metric, len(purged)))
    if cwtest.metric_sum(s, "casewatch_retention_last_purge_timestamp_seconds") * 1000 != \
            last_purge:
        problems.append("the last purge's time is not the event time of the last day's first event")
    summaries = re.findall(r"Retention purge: .*", d.log())
    if not summaries:
        problems.append("no retention summary line in the log")
    for line in summaries:
        if re.search(r"[A-Z]{2}-\d{4}-\d{6}", line) or "p_" in line:
            problems.append("a summary line names a case or a person: %s" % line)
    first = check_state("first run", d, data, left, purged, last_purge, problems)
    # The journal started a new segment at the last purge, and the snapshot after it compacted
    # the older ones: no event before the purge is left on disk, so no purged case's either
    # (unless an event of it came after the purge: an orphan).
    def segment_firsts():
        found = glob.glob(os.path.join(data, "journal", "seg-*.log"))
        return sorted(int(re.search(r"seg-(\d+)\.log$", p).group(1)) for p in found)

    try:  # compaction follows the snapshot's rename on the snapshot thread
        cwtest.wait_until(lambda: segment_firsts() and min(segment_firsts()) >= purge_position,
                          timeout=30, message="the compaction after the purge")
    except cwtest.TestFailure:
        pass
    segments = sorted(glob.glob(os.path.join(data, "journal", "seg-*.log")))
    firsts = segment_firsts()
    if not firsts or min(firsts) < purge_position:
        problems.append("journal segments start at %s, want none before the last purge (record %d)"
                        % (firsts, purge_position))
    for path in segments:
        with open(path, "rb") as f:
            body = f.read()
        found = sorted(c for c in purged if last_seen[c] < purge_position and c.encode() in body)
        if found:
            problems.append("%s holds %d purged cases, e.g. %s" % (os.path.basename(path),
                                                                   len(found), found[:3]))
    push.close()
    assert d.terminate() == 0

    # Restart: snapshot + journal. The purged cases stay gone.
    push = cwtest.Pusher(ctx)
    d = cwtest.Daemon(args, data, os.path.join(tmp, "restart.log"), feed_connect=push.endpoint,
                      extra_sets=SETS, publish=False).start()
    if "Loaded snapshot" not in d.log():
        problems.append("restart: no snapshot loaded")
    again = check_state("restart", d, data, left, purged, last_purge, problems)
    if again["digest"] != first["digest"]:
        problems.append("restart: digest %s, before it %s" % (again, first))
    push.close()
    assert d.terminate() == 0
    if problems:
        cwtest.fail("\n".join(problems))


if __name__ == "__main__":
    cwtest.main(test)
