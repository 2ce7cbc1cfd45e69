"""Garbage on the feed: casewatchd rejects each bad message by reason and carries on, and no raw
person id (of an accepted or a rejected event) appears anywhere.

Random bytes, truncated JSON, wrong types, an unknown type, bad timestamps, a message just over
ingest.max_message_bytes (within the ZMQ_MAXMSGSIZE slack, so it reaches the decoder; far larger
ones are test_bounded_feed.py's), missing
fields, out-of-range values and an unsupported version are PUSHed with valid events in between. The
daemon must stay up, count each rejection by reason, keep each one as a dead letter (reason, detail,
the message sanitised: README "Privacy"), apply the valid events, and never write or serve a raw
person id: not in its log, the SQLite files (with the WAL), the journal and snapshots, nor any API
answer (alerts, dead letters, ledger, silences, metrics). The rejected messages carry raw ids in
`persons`, in unknown fields, in truncated and too-large bodies.
"""

import collections
import json
import os
import random
import re
import sys
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

VALID_PERSONS = ["id:gfeed-valid-person-0001", "id:gfeed-valid-person-0002",
                 "id:gfeed-valid-person-0003"]
# Raw ids carried by rejected messages: none may be kept anywhere.
REJECTED_PERSONS = ["id:gfeed-rejected-person-%04d" % i for i in range(1, 8)]
TS = "2026-03-04T09:15:00+08:00"
DUTY_TOKEN = "gfeed-duty-token-0001"
VIEWER_TOKEN = "gfeed-viewer-token-0001"
# The contract's event fields (shared/contracts/events.md): all a sanitised dead letter may hold.
CONTRACT_FIELDS = {
    "v", "event_id", "source", "seq", "type", "ts", "case_id", "persons", "matter", "region",
    "agency", "category", "channel", "level", "competent_level", "group_size", "to_agency",
    "to_level", "days", "outcome", "leader", "resolved", "satisfaction", "reason", "amount"}
PSEUDONYM = re.compile(r"^p_[0-9a-f]{16}$")
DEAD_LETTER_MAX = 2048  # ingest.dead_letter_max_bytes (the default, set explicitly below)
MAX_MESSAGE = 65536     # ingest.max_message_bytes


def good(i, case_id, person):
    return cwtest.dumps(cwtest.registered("gf-valid-%d" % i, TS, case_id, [person])).encode()


def bad_messages():
    """(label, frames, expected reason)."""
    rng = random.Random(20260304)
    base = cwtest.registered("gf-bad", TS, "GF-BAD", [REJECTED_PERSONS[0]])

    def variant(**changes):
        d = dict(base)
        for k, v in changes.items():
            if v is None:
                d.pop(k, None)
            else:
                d[k] = v
        return cwtest.dumps(d).encode()

    full = variant()
    # Just over the limit: the decoder rejects it too_large (far over it, libzmq drops the
    # connection before anything is buffered: test_bounded_feed).
    big = variant(event_id="gf-big", note="x" * (MAX_MESSAGE + 1000))
    assert MAX_MESSAGE < len(big) <= MAX_MESSAGE + 4096
    # persons first: a prefix of the body would hold the raw id.
    big_persons_first = ('{"persons":["%s"],"note":"%s"}' % (REJECTED_PERSONS[6],
                                                            "y" * (MAX_MESSAGE + 100))).encode()
    assert MAX_MESSAGE < len(big_persons_first) <= MAX_MESSAGE + 4096
    with_persons = '"persons":["%s","%s"]' % (REJECTED_PERSONS[1], REJECTED_PERSONS[2])
    truncated_persons = ('{"v":1,%s,"event_id":"gf-tp","type":"visit"' % with_persons).encode()
    return [
        ("random bytes", [bytes(rng.randrange(256) for _ in range(300))], "invalid_json"),
        ("truncated JSON", [full[: len(full) // 2]], "invalid_json"),
        ("empty message", [b""], "invalid_json"),
        ("JSON array", [b"[1,2,3]"], "invalid_json"),
        ("invalid UTF-8 in a string", [full.replace(b"GF-BAD", b"GF-\xff\xfe")], "invalid_json"),
        ("two frames, garbage body", [b"case.registered", b"{not json at all"], "invalid_json"),
        ("persons is a string", [variant(event_id="gf-w1", persons=REJECTED_PERSONS[3])],
         "wrong_type"),
        ("invalid type, raw persons", [variant(event_id="gf-w3", type=42,
                                               persons=[REJECTED_PERSONS[4]])], "wrong_type"),
        ("invalid JSON with a persons array", [truncated_persons], "invalid_json"),
        ("too large, persons first", [big_persons_first], "too_large"),
        ("unknown field holding an id",
         [variant(event_id="gf-x1", channel="pigeon", contact_person=REJECTED_PERSONS[5],
                  petitioner={"id": REJECTED_PERSONS[5], "phone": "13800138000"})],
         "out_of_range"),
        ("seq is a string", [variant(event_id="gf-w2", seq="twelve")], "wrong_type"),
        ("unknown type", [variant(event_id="gf-u1", type="case.exploded")], "unknown_type"),
        ("bad ts", [variant(event_id="gf-t1", ts="2026-13-45T99:00:00+08:00",
                            persons=[REJECTED_PERSONS[1], REJECTED_PERSONS[2]])], "bad_timestamp"),
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
                    "ingest.max_message_bytes=%d" % MAX_MESSAGE,
                    "auth.tokens=[{name: duty, role: duty_officer, token: %s}, "
                    "{name: viewer, role: viewer, token: %s}]" % (DUTY_TOKEN, VIEWER_TOKEN)])
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

    # Dead letters: one row per rejected message, with its reason and the sanitised message.
    def dead_letters():
        db = cwtest.open_db_readonly(d.db_path())
        try:
            return db.execute("SELECT feed, reason, detail, raw_size, raw FROM dead_letters "
                              "ORDER BY id").fetchall()
        finally:
            db.close()

    cwtest.wait_until(lambda: len(dead_letters()) >= len(bad), message="%d dead letters" % len(bad))

    # Every API answer, while the daemon runs (the dead letters with the duty officer's token).
    base = d.http_base()

    def get(path, token=DUTY_TOKEN):
        req = urllib.request.Request(base + path)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    answers = {}
    for path in ("/api/v1/alerts", "/api/v1/alerts?status=resolved", "/api/v1/dead-letters?limit=1000",
                 "/api/v1/ledger", "/api/v1/silences", "/api/v1/whoami", "/api/v1/components"):
        status, body = get(path)
        assert status == 200, "GET %s: %d %r" % (path, status, body[:300])
        answers[path] = body
    for a in json.loads(answers["/api/v1/alerts"])["alerts"]:
        path = "/api/v1/alerts/" + a["alert_id"]
        status, answers[path] = get(path)
        assert status == 200, "GET %s: %d" % (path, status)
    answers["/metrics"] = d.metrics_text().encode()
    status, body = get("/api/v1/dead-letters", token=VIEWER_TOKEN)
    assert status == 403 and b"duty_officer" in body, "a viewer reading dead letters: %d %r" % (
        status, body)
    served = json.loads(answers["/api/v1/dead-letters?limit=1000"])["dead_letters"]
    assert len(served) == len(bad), "GET /api/v1/dead-letters: %d, want %d" % (len(served), len(bad))

    def scan_data_dir(when):
        found = []
        for root, _, files in os.walk(data_dir):
            for name in files:
                path = os.path.join(root, name)
                try:
                    with open(path, "rb") as f:
                        blob = f.read()
                except FileNotFoundError:  # a WAL checkpointed away meanwhile
                    continue
                for p in VALID_PERSONS + REJECTED_PERSONS:
                    if p[3:].encode() in blob:
                        found.append("%s in %s (%s)" % (p, os.path.relpath(path, data_dir), when))
        return found

    # While running: the SQLite WAL and shared-memory files exist now, not after a clean stop.
    leaks = scan_data_dir("while running")
    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d; log tail:\n%s" % (rc, d.log()[-3000:])
    rows = dead_letters()
    assert len(rows) == len(bad), "%d dead letters, want %d: %s" % (
        len(rows), len(bad), [(r[1], r[2]) for r in rows])
    by_reason = collections.Counter(r[1] for r in rows)
    assert by_reason == want, "dead letters by reason %s, want %s" % (dict(by_reason), dict(want))
    sizes = collections.Counter((len(frames[-1]), reason) for _, frames, reason in bad)
    got_sizes = collections.Counter((r[3], r[1]) for r in rows)
    assert got_sizes == sizes, "dead letters' (raw_size, reason) %s, want %s" % (got_sizes, sizes)
    for feed, reason, detail, raw_size, raw in rows:
        raw = bytes(raw)
        assert feed == "f1", "dead letter feed %r" % feed
        assert detail and reason in detail, "dead letter detail %r does not name reason %s" % (
            detail, reason)
        assert len(raw) <= DEAD_LETTER_MAX, "dead letter raw is %d bytes, limit %d" % (
            len(raw), DEAD_LETTER_MAX)
        kept = json.loads(raw)
        if "dropped" in kept:
            # Not a JSON object, or too large: no body kept (README "Privacy").
            assert set(kept) == {"dropped", "bytes", "digest"} and kept["bytes"] == raw_size, kept
            assert kept["dropped"] == ("too_large" if reason == "too_large" else "not_json") or \
                kept["dropped"] == "not_an_object", (reason, kept)
            assert re.match(r"^[0-9a-f]{16}$", kept["digest"]), kept
        else:
            assert set(kept) <= CONTRACT_FIELDS, "fields outside the contract kept: %s" % (
                set(kept) - CONTRACT_FIELDS)
            persons = kept.get("persons", [])
            for p in persons if isinstance(persons, list) else [persons]:
                assert isinstance(p, str) and PSEUDONYM.match(p), "persons kept as %r" % p
    big_rows = [r for r in rows if r[1] == "too_large"]
    assert len(big_rows) == 2 and all(json.loads(bytes(r[4]))["dropped"] == "too_large"
                                      for r in big_rows), big_rows
    # The same person in two rejected messages has the same pseudonym (an analyst can correlate).
    bad_ts = [json.loads(bytes(r[4])) for r in rows if r[1] == "bad_timestamp"
              and b'"persons":[' in bytes(r[4]) and len(json.loads(bytes(r[4]))["persons"]) == 2]
    assert bad_ts, "the bad-ts dead letter with two persons"
    firsts = [json.loads(bytes(r[4]))["persons"][0] for r in rows
              if r[1] in ("unknown_type", "missing_field", "unsupported_version")
              and "persons" in json.loads(bytes(r[4]))]
    assert firsts and len(set(firsts)) == 1, "one raw id, one pseudonym: %s" % firsts

    # Raw person ids (of accepted and of rejected events) appear nowhere the daemon writes or
    # serves.
    leaks += scan_data_dir("after stop")
    with open(log_path, "rb") as f:
        log = f.read()
    for p in VALID_PERSONS + REJECTED_PERSONS:
        if p[3:].encode() in log:
            leaks.append("%s in the log" % p)
        for path, body in answers.items():
            if p[3:].encode() in body:
                leaks.append("%s in GET %s" % (p, path))
    for secret in (b"13800138000", b"contact_person", b"petitioner"):
        for path, body in answers.items():
            if secret in body:
                leaks.append("unknown field %r in GET %s" % (secret, path))
    journal_dir = os.path.join(data_dir, "journal")
    assert os.path.isdir(journal_dir) and os.listdir(journal_dir), "no journal files in " + journal_dir
    assert not leaks, "raw person ids written or served by the daemon: %s" % leaks
    print("checked for raw ids: the log, %d files under the data dir (with the WAL while running), "
          "%d API answers" % (sum(len(f) for _, _, f in os.walk(data_dir)), len(answers)))
    push.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
