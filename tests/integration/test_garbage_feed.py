"""Garbage on the feed: casewatchd rejects each bad message by reason and carries on.

Random bytes, truncated JSON, wrong types, an unknown type, bad timestamps, a message just over
ingest.max_message_bytes (within the ZMQ_MAXMSGSIZE slack, so it reaches the decoder; far larger
ones are test_bounded_feed.py's), missing
fields, out-of-range values and an unsupported version are PUSHed with valid events in between. The
daemon must stay up, count each rejection by reason, keep each one as a dead letter (reason, detail,
raw bytes truncated to ingest.dead_letter_max_bytes), apply the valid events, and never write a raw
person id of a valid event to its store, its journal or its log.
"""

import collections
import os
import random
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

VALID_PERSONS = ["id:gfeed-valid-person-0001", "id:gfeed-valid-person-0002",
                 "id:gfeed-valid-person-0003"]
TS = "2026-03-04T09:15:00+08:00"
DEAD_LETTER_MAX = 2048  # ingest.dead_letter_max_bytes (the default, set explicitly below)
MAX_MESSAGE = 65536     # ingest.max_message_bytes


def good(i, case_id, person):
    return cwtest.dumps(cwtest.registered("gf-valid-%d" % i, TS, case_id, [person])).encode()


def bad_messages():
    """(label, frames, expected reason)."""
    rng = random.Random(20260304)
    base = cwtest.registered("gf-bad", TS, "GF-BAD", ["id:gfeed-rejected-person"])

    def variant(**changes):
        d = dict(base)
        for k, v in changes.items():
            if v is None:
                d.pop(k, None)
            else:
                d[k] = v
        return cwtest.dumps(d).encode()

    full = variant()
    big = variant(event_id="gf-big", note="x" * (MAX_MESSAGE + 1000))
    assert MAX_MESSAGE < len(big) <= MAX_MESSAGE + 4096
    return [
        ("random bytes", [bytes(rng.randrange(256) for _ in range(300))], "invalid_json"),
        ("truncated JSON", [full[: len(full) // 2]], "invalid_json"),
        ("empty message", [b""], "invalid_json"),
        ("JSON array", [b"[1,2,3]"], "invalid_json"),
        ("invalid UTF-8 in a string", [full.replace(b"GF-BAD", b"GF-\xff\xfe")], "invalid_json"),
        ("two frames, garbage body", [b"case.registered", b"{not json at all"], "invalid_json"),
        ("persons is a string", [variant(event_id="gf-w1", persons="id:x")], "wrong_type"),
        ("seq is a string", [variant(event_id="gf-w2", seq="twelve")], "wrong_type"),
        ("unknown type", [variant(event_id="gf-u1", type="case.exploded")], "unknown_type"),
        ("bad ts", [variant(event_id="gf-t1", ts="2026-13-45T99:00:00+08:00")], "bad_timestamp"),
        ("ts without offset", [variant(event_id="gf-t2", ts="2026-03-04T09:15:00")],
         "bad_timestamp"),
        ("ts not a time", [variant(event_id="gf-t3", ts="yesterday")], "bad_timestamp"),
        ("message over the limit", [big], "too_large"),
        ("no source", [variant(event_id="gf-m1", source=None)], "missing_field"),
        ("no persons", [variant(event_id="gf-m2", persons=None)], "missing_field"),
        ("bad channel", [variant(event_id="gf-o1", channel="pigeon")], "out_of_range"),
        ("extension of 99 days",
         [cwtest.dumps(cwtest.ev("gf-o2", "case.extended", TS, "GF-1", days=99)).encode()],
         "out_of_range"),
        ("version 2", [variant(event_id="gf-v2", v=2)], "unsupported_version"),
    ]


def test(args, tmp):
    ctx = zmq.Context()
    data_dir = os.path.join(tmp, "data")
    log_path = os.path.join(tmp, "daemon.log")
    d = cwtest.Daemon.start_bound(
        args, data_dir, log_path,
        extra_sets=["ingest.dead_letter_max_bytes=%d" % DEAD_LETTER_MAX,
                    "ingest.max_message_bytes=%d" % MAX_MESSAGE])
    push = cwtest.Pusher(ctx, connect=d.feed_endpoint)

    bad = bad_messages()
    valid = [good(0, "GF-1", VALID_PERSONS[0]), good(1, "GF-2", VALID_PERSONS[1]),
             good(2, "GF-3", VALID_PERSONS[2])]
    # A valid event first, one in the middle, one last.
    push.send(valid[0])
    for i, (label, frames, _) in enumerate(bad):
        if i == len(bad) // 2:
            push.send(valid[1])
        if len(frames) == 1:
            push.sock.send(frames[0])
        else:
            push.sock.send_multipart(frames)
    push.send(valid[2])

    want = collections.Counter(reason for _, _, reason in bad)
    samples = d.wait_metric(
        lambda s: (cwtest.metric_sum(s, "casewatch_ingest_rejected_total", feed="f1") >= len(bad)
                   and cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="f1") >= 3),
        what="%d rejections and 3 accepted events in /metrics" % len(bad))
    d.assert_alive("after the garbage")
    got = cwtest.metric_by(samples, "casewatch_ingest_rejected_total", "reason", feed="f1")
    got = {k: int(v) for k, v in got.items() if v}
    mismatch = {k: (got.get(k, 0), want.get(k, 0)) for k in set(got) | set(want)
                if got.get(k, 0) != want.get(k, 0)}
    assert not mismatch, ("casewatch_ingest_rejected_total by reason (got, want): %s\nmessages: %s"
                          % (mismatch, [(lbl, r) for lbl, _, r in bad]))
    accepted = cwtest.metric_by(samples, "casewatch_ingest_events_total", "type", feed="f1")
    assert accepted.get("case.registered") == 3 and sum(accepted.values()) == 3, \
        "the 3 valid events must be accepted, got %s" % {k: v for k, v in accepted.items() if v}

    # Still serving after the garbage: a later valid event is applied too.
    push.send(good(3, "GF-4", VALID_PERSONS[0]))
    d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="f1") == 4,
                  what="a 4th valid event after the garbage")

    # Dead letters: one row per rejected message, with its reason and truncated raw bytes.
    def dead_letters():
        db = cwtest.open_db_readonly(d.db_path())
        try:
            return db.execute("SELECT feed, reason, detail, raw_size, raw FROM dead_letters "
                              "ORDER BY id").fetchall()
        finally:
            db.close()

    cwtest.wait_until(lambda: len(dead_letters()) >= len(bad), message="%d dead letters" % len(bad))
    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d; log tail:\n%s" % (rc, d.log()[-3000:])
    rows = dead_letters()
    assert len(rows) == len(bad), "%d dead letters, want %d: %s" % (
        len(rows), len(bad), [(r[1], r[2]) for r in rows])
    by_reason = collections.Counter(r[1] for r in rows)
    assert by_reason == want, "dead letters by reason %s, want %s" % (dict(by_reason), dict(want))
    expected = {}
    for label, frames, reason in bad:
        expected.setdefault(frames[-1], (label, reason))
    for feed, reason, detail, raw_size, raw in rows:
        raw = bytes(raw)
        assert feed == "f1", "dead letter feed %r" % feed
        assert detail and reason in detail, "dead letter detail %r does not name reason %s" % (
            detail, reason)
        assert len(raw) <= DEAD_LETTER_MAX, "dead letter raw is %d bytes, limit %d" % (
            len(raw), DEAD_LETTER_MAX)
        match = [m for m in expected if m[:DEAD_LETTER_MAX] == raw and len(m) == raw_size]
        assert match, "dead letter (%s, %s, raw_size %d) does not hold the first bytes of any " \
            "message sent: %r" % (reason, detail, raw_size, raw[:120])
        label, want_reason = expected[match[0]]
        assert reason == want_reason, "%s: reason %s, want %s" % (label, reason, want_reason)
    big_rows = [r for r in rows if r[1] == "too_large"]
    assert big_rows and big_rows[0][3] > MAX_MESSAGE and len(bytes(big_rows[0][4])) == DEAD_LETTER_MAX, \
        "the too-large message's dead letter: raw_size %s, kept %d bytes" % (
            big_rows[0][3] if big_rows else None, len(bytes(big_rows[0][4])) if big_rows else 0)

    # Raw person ids of accepted events appear nowhere the daemon writes.
    leaks = []
    for root, _, files in os.walk(data_dir):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                blob = f.read()
            for p in VALID_PERSONS:
                if p.encode() in blob or p[3:].encode() in blob:
                    leaks.append("%s in %s" % (p, os.path.relpath(path, data_dir)))
    with open(log_path, "rb") as f:
        log = f.read()
    for p in VALID_PERSONS:
        if p[3:].encode() in log:
            leaks.append("%s in the log" % p)
    journal_dir = os.path.join(data_dir, "journal")
    assert os.path.isdir(journal_dir) and os.listdir(journal_dir), "no journal files in " + journal_dir
    assert not leaks, "raw person ids written by the daemon: %s" % leaks
    push.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
