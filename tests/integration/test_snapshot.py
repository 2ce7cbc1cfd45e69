"""Snapshots: a restart loads the newest valid snapshot and replays only the journal after it.

Run A feeds a generated scenario to a fresh daemon (no restart) and reads GET /api/v1/digest and
the active alerts. Run B feeds the same lines with snapshots every 300 events and keep=2, waits for
the snapshots, then restarts on its data dir three times: after SIGKILL, after SIGTERM, and after
one byte of the newest snapshot was flipped. Each time:
  - the start-up loaded a snapshot and replayed exactly the journal records after it
    (casewatch_startup_journal_records_replayed, the snapshot's position from its file name);
  - the corrupted newest one is skipped with its reason logged, and the previous one loaded;
  - the digest (and each of its parts) and the active alerts equal run A's.
Run C takes 250 events with no periodic snapshot due (every_events=1000000) and is stopped with
SIGTERM: the clean stop writes a last snapshot at the journal's end ("Snapshot at stop: record
250"), and the start-up after it loads that and replays nothing, with the same digest.
Run D holds the store's write lock (as an operator's sqlite3 shell left in a transaction would)
while it takes every line: the store falls behind, yet snapshots are still written, holding the
alert changes not yet recorded. It is killed with the lock still held; the start-up after it
("Recording and publishing N alert changes decided before the restart") must end with the same
digest, active alerts and alert history as run A: every change recorded once.
Not checked here: the deletion of journal segments (the journal's segment size is not
configurable, and a feed this small fits in one segment).
"""

import collections
import glob
import os
import re
import sqlite3
import sys
import urllib.request
import json

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cwtest  # noqa: E402
import zmq  # noqa: E402

CASES = 400
SEED = 4242
TOKEN = "viewer-token-snap"
SETS = ["auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN]
SNAP_SETS = SETS + ["snapshot.every_events=300", "snapshot.keep=2"]


def active_alerts(d):
    db = cwtest.open_db_readonly(d.db_path())
    try:
        return {row[0]: (row[1], row[2]) for row in db.execute(
            "SELECT alert_id, tier, status FROM alerts WHERE status != 'resolved'")}
    finally:
        db.close()


def history(path):
    """The alert history as a multiset of (alert, action, status, tier)."""
    db = cwtest.open_db_readonly(path)
    try:
        return collections.Counter(db.execute(
            "SELECT alert_id, action, status, tier FROM alert_history").fetchall())
    finally:
        db.close()


def snapshots(data):
    """Snapshot positions, newest first."""
    found = glob.glob(os.path.join(data, "snapshots", "snap-*.cws"))
    return sorted((int(re.search(r"snap-(\d+)\.cws$", p).group(1)) for p in found), reverse=True)


def start(args, ctx, data, log, sets):
    push = cwtest.Pusher(ctx)
    d = cwtest.Daemon(args, data, log, feed_connect=push.endpoint, extra_sets=sets,
                      publish=False).start()
    return d, push


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED)
    lines = cwtest.read_lines(feed)
    ctx = zmq.Context()

    # A: never restarted.
    d, push = start(args, ctx, os.path.join(tmp, "data-a"), os.path.join(tmp, "a.log"),
                    SETS + ["snapshot.enabled=false"])
    for line in lines:
        push.send(line)
    cwtest.wait_until(lambda: d.assert_alive("run A") or d.lines_fed("f1") >= len(lines), timeout=60,
                      message="run A to take %d events" % len(lines))
    want = d.digest(TOKEN)
    assert d.terminate() == 0
    want_active = active_alerts(d)
    want_history = history(d.db_path())
    push.close()
    assert want_active and want["cases"] > 0, "run A ended with no active alert: proves nothing"

    # B: snapshots every 300 events.
    data = os.path.join(tmp, "data-b")
    d, push = start(args, ctx, data, os.path.join(tmp, "b0.log"), SNAP_SETS)
    # In two halves, so that a snapshot is taken mid-feed (one waits for the changes decided
    # before it to be recorded, which a fast feed may put off to its end).
    half = len(lines) // 2
    for line in lines[:half]:
        push.send(line)
    cwtest.wait_until(lambda: d.assert_alive("run B") or (d.lines_fed("f1") >= half and snapshots(data)),
                      timeout=60, message="run B's first snapshot")
    for line in lines[half:]:
        push.send(line)
    cwtest.wait_until(lambda: d.assert_alive("run B") or d.lines_fed("f1") >= len(lines), timeout=60,
                      message="run B to take %d events" % len(lines))
    # Snapshots come when a batch takes the count since the last one to 300 or more, so once
    # every line is taken the newest is within 299 records of the end (it may be written a tick
    # later). Not (len // 300) * 300: a snapshot at, say, 1545 of 1841 is the last one.
    last = len(lines) - 299
    cwtest.wait_until(lambda: snapshots(data) and snapshots(data)[0] >= last, timeout=60,
                      message="a snapshot at record %d" % last)
    # The info line, logged once the writer has also pruned the older snapshots and compacted
    # the journal (the debug line "... bytes serialised" comes before both: a kill right after it
    # could leave a third snapshot, as a loaded CI run found).
    cwtest.wait_until(lambda: re.search(r"Snapshot at record %d: \d+ bytes in [\d.]+ s; \d+ journal "
                                        r"segments compacted" % snapshots(data)[0], d.log()),
                      timeout=60, message="the snapshot's log line")
    # How long intake stood still for it is exported, a part of the whole snapshot's time.
    samples = d.metrics()
    names = {n for n, _, _ in samples}
    assert "casewatch_snapshot_last_pause_seconds" in names, "no snapshot pause metric"
    pause = cwtest.metric_sum(samples, "casewatch_snapshot_last_pause_seconds")
    took = cwtest.metric_sum(samples, "casewatch_snapshot_last_duration_seconds")
    assert 0 <= pause <= took, "snapshot pause %s s of %s s" % (pause, took)
    push.close()
    d.kill()

    def restart(name, how):
        positions = snapshots(data)
        assert len(positions) == 2, "%s: snapshots kept %s, want keep=2" % (name, positions)
        d, push = start(args, ctx, data, os.path.join(tmp, name + ".log"), SNAP_SETS)
        got = d.digest(TOKEN)
        replayed = cwtest.metric_sum(d.metrics(), "casewatch_startup_journal_records_replayed")
        active = None
        rc = d.terminate()
        assert rc == 0, "%s: exit code %d" % (name, rc)
        active = active_alerts(d)
        push.close()
        return d, got, replayed, positions, active

    problems = []
    for name in ("after-sigkill", "after-sigterm"):
        d, got, replayed, positions, active = restart(name, None)
        if "Loaded snapshot" not in d.log():
            problems.append("%s: no snapshot loaded" % name)
        if replayed != len(lines) - positions[0]:
            problems.append("%s: replayed %d journal records, want %d (after snapshot %d)" % (
                name, replayed, len(lines) - positions[0], positions[0]))
        if got["digest"] != want["digest"] or got != dict(want, events_journaled=got["events_journaled"]):
            problems.append("%s: digest %s, run A %s" % (name, got, want))
        if active != want_active:
            problems.append("%s: active alerts differ from run A's" % name)

    # Corrupt the newest snapshot: the previous one is loaded instead, with the reason logged.
    positions = snapshots(data)
    newest = os.path.join(data, "snapshots", "snap-%020d.cws" % positions[0])
    with open(newest, "r+b") as f:
        f.seek(200)
        b = f.read(1)
        f.seek(200)
        f.write(bytes([b[0] ^ 0x40]))
    d, got, replayed, _, active = restart("after-corruption", None)
    log = d.log()
    if not re.search(r"Snapshot skipped: snapshot \S+snap-%020d\.cws: body checksum mismatch"
                     % positions[0], log):
        problems.append("corrupted snapshot: no 'Snapshot skipped ... body checksum mismatch' line")
    if "Loaded snapshot %s" % os.path.join(data, "snapshots", "snap-%020d.cws" % positions[1]) \
            not in log:
        problems.append("corrupted snapshot: the previous one (%d) was not loaded" % positions[1])
    if replayed != len(lines) - positions[1]:
        problems.append("corrupted snapshot: replayed %d, want %d" % (
            replayed, len(lines) - positions[1]))
    if got["digest"] != want["digest"]:
        problems.append("corrupted snapshot: digest %s, run A %s" % (got, want))
    if active != want_active:
        problems.append("corrupted snapshot: active alerts differ from run A's")

    # C: a clean stop's snapshot.
    data = os.path.join(tmp, "data-c")
    stop_sets = SETS + ["snapshot.every_events=1000000"]
    d, push = start(args, ctx, data, os.path.join(tmp, "c0.log"), stop_sets)
    for line in lines[:250]:
        push.send(line)
    cwtest.wait_until(lambda: d.assert_alive("run C") or d.lines_fed("f1") >= 250, timeout=60,
                      message="run C to take 250 events")
    before = d.digest(TOKEN)
    assert d.terminate() == 0
    push.close()
    if snapshots(data) != [250]:
        problems.append("run C: snapshots %s after its clean stop, want one at 250" % snapshots(data))
    if not re.search(r"Snapshot at stop: record 250, ", d.log()):
        problems.append("run C: no 'Snapshot at stop: record 250' line")
    d, push = start(args, ctx, data, os.path.join(tmp, "c1.log"), stop_sets)
    after = d.digest(TOKEN)
    replayed = cwtest.metric_sum(d.metrics(), "casewatch_startup_journal_records_replayed")
    assert d.terminate() == 0
    push.close()
    if replayed != 0 or "Loaded snapshot" not in d.log():
        problems.append("run C: the start-up after the stop replayed %d records" % replayed)
    if after != before:
        problems.append("run C: digest after the restart %s, before the stop %s" % (after, before))
    problems += run_store_behind(args, ctx, tmp, lines, want, want_active, want_history)
    print("%d events; snapshots at %s; digest %s over %d cases, %d active alerts" % (
        len(lines), positions, want["digest"], want["cases"], want["active_alerts"]))
    assert not problems, "\n".join(problems)


def run_store_behind(args, ctx, tmp, lines, want, want_active, want_history):
    """Run D (see the module's docstring); returns its problems."""
    problems = []
    data = os.path.join(tmp, "data-d")
    # The store waits out the lock (three attempts of up to 60 s) instead of giving up.
    sets = SNAP_SETS + ["store.busy_timeout_ms=60000"]
    d, push = start(args, ctx, data, os.path.join(tmp, "d0.log"), sets)
    lock = sqlite3.connect(d.db_path(), isolation_level=None, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    try:
        for line in lines:
            push.send(line)
        cwtest.wait_until(lambda: d.assert_alive("run D") or d.lines_fed("f1") >= len(lines),
                          timeout=60, message="run D to take %d events" % len(lines))
        last = len(lines) - 299
        cwtest.wait_until(lambda: snapshots(data) and snapshots(data)[0] >= last, timeout=60,
                          message="run D: a snapshot at record %d with the store locked" % last)
        cwtest.wait_until(lambda: re.search(r"Snapshot at record %d: \d+ bytes in" %
                                            snapshots(data)[0], d.log()),
                          timeout=60, message="run D: the snapshot's log line")
        # The gauge moves on the daemon's 1 s tick.
        unrecorded = 0

        def behind():
            nonlocal unrecorded
            unrecorded = cwtest.metric_sum(d.metrics(), "casewatch_store_unrecorded_alert_changes")
            return unrecorded > 0
        cwtest.wait_until(behind, timeout=30,
                          message="run D: casewatch_store_unrecorded_alert_changes > 0 (the "
                                  "store locked)")
        push.close()
        d.kill()
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    d, push = start(args, ctx, data, os.path.join(tmp, "d1.log"), sets)
    got = d.digest(TOKEN)
    assert d.terminate() == 0
    push.close()
    m = re.search(r"Recording and publishing (\d+) alert changes decided before the restart",
                  d.log())
    if not m or int(m.group(1)) == 0:
        problems.append("run D: the restart recorded no alert change from the snapshot")
    if got["digest"] != want["digest"]:
        problems.append("run D: digest %s, run A %s" % (got, want))
    if active_alerts(d) != want_active:
        problems.append("run D: active alerts differ from run A's")
    got_history = history(d.db_path())
    if got_history != want_history:
        lost, twice = want_history - got_history, got_history - want_history
        problems.append("run D: alert history differs from run A's: %d rows missing (%s), %d "
                        "extra (%s)" % (sum(lost.values()), list(lost)[:3],
                                        sum(twice.values()), list(twice)[:3]))
    print("run D: %d alert changes unrecorded at the kill; %s recorded at the restart" % (
        unrecorded, m.group(1) if m else "none"))
    return problems


if __name__ == "__main__":
    cwtest.main(test)
