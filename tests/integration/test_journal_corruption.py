"""Recovery tells corruption from a torn tail, on a journal written by a real daemon.

A daemon takes a few events over ZeroMQ and stops cleanly (its journal is synced). One byte in the
payload of a record in the middle of the journal is flipped, so valid, synced records follow it:
 - restarted, the daemon refuses to start (exit 2) with a DataLoss message naming the segment file
   and the byte offset of the bad record, and pointing at --truncate-corrupt-journal; the journal
   is left as it was;
 - restarted with --truncate-corrupt-journal, it cuts the journal there (logged, counted in
   casewatch_journal_truncations_total{cause="corruption"}), keeps the dropped bytes beside the
   segment, recovers exactly the events before the bad record, and /readyz answers 200.
"""

import os
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

EVENTS = 40
SEGMENT_HEADER = 16
RECORD_HEADER = 8


def ts(minute):
    return "2026-03-02T09:%02d:00+08:00" % minute


def record_offsets(data):
    """The byte offset of every record of a segment."""
    out = []
    at = SEGMENT_HEADER
    while at + RECORD_HEADER <= len(data):
        (length,) = struct.unpack_from("<I", data, at)
        out.append(at)
        at += RECORD_HEADER + length
    if at != len(data):
        cwtest.fail("the segment does not end on a record boundary (%d != %d)" % (at, len(data)))
    return out


def test(args, tmp):
    ctx = zmq.Context()
    data_dir = os.path.join(tmp, "data")
    log = os.path.join(tmp, "daemon.log")
    push = cwtest.Pusher(ctx)  # bound here; every daemon below connects to it
    d = cwtest.Daemon(args, data_dir, log, feed_connect=push.endpoint, publish=False).start()
    for i in range(EVENTS):
        push.send(cwtest.registered("jc-%d" % i, ts(i), "JC-%d" % i, ["id:jc-person-%d" % i]))
    d.wait_metric(lambda s: d.events_accepted(s, feed="f1") >= EVENTS, what="%d events" % EVENTS)
    rc = d.terminate()
    assert rc == 0, "the first run exited with %s" % rc

    journal = os.path.join(data_dir, "journal")
    segments = sorted(f for f in os.listdir(journal) if f.startswith("seg-") and f.endswith(".log"))
    assert len(segments) == 1, "expected one segment, found %s" % segments
    seg_path = os.path.join(journal, segments[0])
    with open(seg_path, "rb") as f:
        data = bytearray(f.read())
    offsets = record_offsets(data)
    assert len(offsets) == EVENTS, "the journal holds %d records, expected %d" % (len(offsets), EVENTS)
    bad_index = EVENTS // 2
    bad = offsets[bad_index]
    data[bad + RECORD_HEADER + 5] ^= 0x20  # inside the payload: the checksum no longer matches
    with open(seg_path, "wb") as f:
        f.write(data)
    corrupted = bytes(data)

    # Restart: refused, with the file and the offset; nothing changed.
    d2 = cwtest.Daemon(args, data_dir, log, feed_connect=push.endpoint, publish=False)
    d2.start(wait_ready=False)
    rc = d2.wait_exit()
    out = d2.log()
    assert rc == 2, "a corrupt journal must stop the start-up with exit code 2, got %s; log:\n%s" % (
        rc, out[-3000:])
    want = "corrupt record at byte offset %d" % bad
    assert want in out, "the message does not say %r; log:\n%s" % (want, out[-3000:])
    assert seg_path in out, "the message does not name %s; log:\n%s" % (seg_path, out[-3000:])
    assert "data loss" in out and "--truncate-corrupt-journal" in out, \
        "the message does not call it data loss or name the flag; log:\n%s" % out[-3000:]
    with open(seg_path, "rb") as f:
        assert f.read() == corrupted, "the refused start-up changed the journal"

    # With the flag: cut at the bad record, counted, ready.
    d4 = cwtest.Daemon(args, data_dir, log, feed_connect=push.endpoint, publish=False)
    d4.cmd.append("--truncate-corrupt-journal")
    d4.start()
    out = d4.log()
    assert "truncated there as asked" in out, "the cut is not logged; log:\n%s" % out[-3000:]
    s = d4.metrics()
    cuts = cwtest.metric_sum(s, "casewatch_journal_truncations_total", cause="corruption")
    assert cuts == 1, "casewatch_journal_truncations_total{cause=corruption} is %s, want 1" % cuts
    recovered = d4.events_accepted(s, feed="journal")
    assert recovered == bad_index, "recovered %s events, want the %d before the bad record" % (
        recovered, bad_index)
    aside = seg_path + ".dropped-at-%d" % bad
    with open(aside, "rb") as f:
        assert f.read() == corrupted[bad:], "the dropped bytes are not kept in %s" % aside
    cwtest.wait_until(lambda: d4.readyz()[0] == 200, message="GET /readyz 200 after the cut")
    rc = d4.terminate()
    assert rc == 0, "the daemon started with the flag exited with %s" % rc
    push.close()


if __name__ == "__main__":
    cwtest.main(test)
