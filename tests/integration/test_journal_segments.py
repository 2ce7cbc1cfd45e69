"""Compaction deletes whole journal segments (store.journal_segment_bytes), and a restart after it
comes back to the same state.

One daemon takes a generated feed, 30 lines at a time (each chunk taken before the next is sent,
so that no group commit is larger than a segment: such a batch gets a segment of its own), with
journal segments of 8 KiB and a snapshot every 200 events (keep 1). Then:
  - the journal was cut into many segments (seg-<first record>.log, each at most 8 KiB but for a
    batch larger than that), and compaction deleted the ones wholly before the kept snapshot:
    casewatch_journal_segments_compacted_total > 0, the oldest segment left starts at a record
    > 0, no segment left ends at or before the kept snapshot's position (but the newest), and
    and no segment is far over 8 KiB;
  - a restart after SIGKILL loads the snapshot, replays only the records after it (the deleted
    ones are not needed), and answers the same GET /api/v1/digest as before the kill;
  - a journal_segment_bytes below 4096 is refused at start-up, naming the key.
"""

import glob
import json
import os
import re
import sys
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

CASES = 600
SEED = 3131
SEGMENT = 8192
TOKEN = "viewer-token-seg"
SETS = ["auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN,
        "snapshot.every_events=200", "snapshot.keep=1",
        "store.journal_segment_bytes=%d" % SEGMENT,
        "models.escalation_risk.learn.enabled=false", "models.repeat_visit.learn.enabled=false"]


def read_lines(path):
    with open(path, "rb") as f:
        return [line.rstrip(b"\n") for line in f if line.strip()]


def fed(d):
    return cwtest.metric_sum(d.metrics(), "casewatch_ingest_events_total", feed="f1")


def digest(d):
    req = urllib.request.Request(d.http_base() + "/api/v1/digest",
                                 headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def segments(data):
    """[(first record, bytes)], oldest first."""
    out = []
    for p in glob.glob(os.path.join(data, "journal", "seg-*.log")):
        out.append((int(re.search(r"seg-(\d+)\.log$", p).group(1)), os.path.getsize(p)))
    return sorted(out)


def snapshots(data):
    return sorted(int(re.search(r"snap-(\d+)\.cws$", p).group(1))
                  for p in glob.glob(os.path.join(data, "snapshots", "snap-*.cws")))


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED)
    lines = read_lines(feed)
    ctx = zmq.Context()
    data = os.path.join(tmp, "data")

    push = cwtest.Pusher(ctx)
    d = cwtest.Daemon(args, data, os.path.join(tmp, "d0.log"), feed_connect=push.endpoint,
                      extra_sets=SETS, publish=False).start()
    for at in range(0, len(lines), 30):
        for line in lines[at:at + 30]:
            push.send(line)
        upto = min(len(lines), at + 30)
        cwtest.wait_until(lambda: d.assert_alive("the feed") or fed(d) >= upto, interval=0.01,
                          message="the daemon to take %d events" % upto)
    last = (len(lines) // 200) * 200
    cwtest.wait_until(lambda: snapshots(data) and snapshots(data)[-1] >= last,
                      message="a snapshot at record %d" % last)
    # The newest snapshot's own compaction is done once its info line is logged (the snapshot
    # file appears before it: under load the segments were read in between).
    d.wait_log(r"Snapshot at record %d: \d+ bytes in [\d.]+ s; \d+ journal segments compacted"
               % snapshots(data)[-1], what="the newest snapshot's compaction")
    s = d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_journal_segments_compacted_total")
                      > 0, what="compaction to delete a segment")
    compacted = cwtest.metric_sum(s, "casewatch_journal_segments_compacted_total")
    before = digest(d)
    segs = segments(data)
    kept = snapshots(data)
    push.close()
    d.kill()

    problems = []
    if len(kept) != 1:
        problems.append("snapshots kept %s, want 1 (keep=1)" % kept)
    if not segs or segs[0][0] == 0:
        problems.append("the oldest segment left starts at record %s: nothing was deleted" % (
            segs[0][0] if segs else None))
    # Segment i ends where segment i + 1 starts: none but the newest may end at or before the
    # kept snapshot (it would have been deleted). One exception: the segment that was the newest
    # when the snapshot's compaction ran (the newest is never deleted: records are written to it)
    # and that the journal left for a new one at the next record, i.e. exactly at the snapshot's
    # position; the next snapshot's compaction deletes it. A snapshot taken as soon as it is due
    # (it no longer waits for the changes before it to settle) often meets it. Being older than
    # every other segment left, it is the first; how many segments the records after the
    # snapshot filled meanwhile depends on how soon the compaction ran, so their number is not
    # part of the rule (it was, and the test failed when the last records filled two).
    for i, ((first, _), (nxt, _)) in enumerate(zip(segs, segs[1:])):
        newest_at_compaction = nxt == kept[-1] and i == 0
        if nxt <= kept[-1] and not newest_at_compaction:
            problems.append("segment %d (ending at %d) is wholly before the snapshot at %d, and "
                            "still there" % (first, nxt, kept[-1]))
    big = [(f, n) for f, n in segs if n > SEGMENT * 4]
    if big:
        problems.append("segments far over %d bytes: %s" % (SEGMENT, big))
    on_disk = sum(n for _, n in segs)

    # Restart after SIGKILL: from the snapshot, the records after it only.
    d = cwtest.Daemon(args, data, os.path.join(tmp, "d1.log"), extra_sets=SETS,
                      publish=False).start()
    replayed = cwtest.metric_sum(d.metrics(), "casewatch_startup_journal_records_replayed")
    after = digest(d)
    assert d.terminate() == 0
    if "Loaded snapshot" not in d.log():
        problems.append("the restart loaded no snapshot")
    if replayed != len(lines) - kept[-1]:
        problems.append("the restart replayed %d records, want %d (after the snapshot at %d)" % (
            replayed, len(lines) - kept[-1], kept[-1]))
    if after != before:
        problems.append("digest after the restart %s, before it %s" % (after, before))

    # A segment size below the minimum is refused, naming the key.
    r = cwtest.run([args.casewatchd, "check-config", "--set", "store.journal_segment_bytes=100"])
    if r.returncode == 0 or "store.journal_segment_bytes" not in r.stdout_text + r.stderr_text:
        problems.append("journal_segment_bytes=100 was not refused by name: %s %s" % (
            r.stdout_text, r.stderr_text))

    print("%d events; %d journal segments compacted, %d left (%d bytes, from record %d) after "
          "the snapshot at %d; the restart replayed %d" % (
              len(lines), compacted, len(segs), on_disk, segs[0][0], kept[-1], replayed))
    assert not problems, "\n".join(problems)


if __name__ == "__main__":
    cwtest.main(test)
