"""SIGKILL at seeded moments, restart each time: nothing lost, nothing twice.

Run A feeds a generated scenario to a daemon that never stops (SIGTERM at the end) and keeps its
GET /api/v1/digest and the alert changes it published on the bus. Run B feeds the same lines, over
real ZeroMQ, to a daemon on one data dir (snapshots every 100 events, keep 1, journal segments of
8 KiB so that compaction deletes segments at each snapshot) that is killed with SIGKILL at N
seeded moments and restarted after each. Run i sends the lines from where the journal stands
(`Recovered N journaled events`: the lines are accepted in order, one each) up to its share of
the feed, 60 at a time (each chunk taken before the next), then is killed:
  - `feed`: from outside, once it has taken a seeded number of its events (mid-feed);
  - the others by the daemon itself, with the test-only hook CASEWATCH_TEST_KILL_AT=<point>:<n>
    (daemon/service/kill_point.h), the n-th time it passes the point: `journal.written` (a group
    commit written, not yet fdatasync()ed), `snapshot.written` (a snapshot's temp file written,
    not renamed), `compaction.deleted` (one segment deleted, the rest not), `alerts.recorded`
    (changes committed in the store, not published), `alerts.published` (a change handed to the
    bus, its published position not moved). A run whose point is not passed by the time its
    share is taken and the daemon has had a few seconds to snapshot is killed from outside
    instead, and says so (the checks do not depend on where a kill lands).
A last run takes the rest of the feed and stops with SIGTERM. Then:
  - its digest equals run A's, part by part (state and alerts);
  - one SUB, connected across every restart, saw the alert changes; a consumer that drops a
    `seq` it has already seen (the contract: a change re-sent after a crash keeps its seq) keeps
    exactly run A's publications, with the same seq each, in the same order: no change lost, none
    twice. Changes of different alerts decided at the same moment (reminders falling due
    together) come in the same order too: the workflow's timers break ties by what is due, never
    by the order they were armed, which a restart does not reproduce.
  - every line was accepted exactly once (events_journaled = lines; no event journaled twice).

N is 20 in ctest (~30 s); `--short` (or CW_SHORT=1) makes it 6 (each kind once, ~15 s) while
developing.

What it found: a deadline passing at an event's time was decided before that event was journaled,
so its change could be published while a crash then lost the event; the restart's clock stood
before it, and the workflow lowered and raised the alert again (one publication more than run A,
once in four 20-kill runs). Events are now journaled before the clock moves to their time.

Deterministic: the moments come from the seed; no retries; nothing is timed.
"""

import collections
import http.client
import json
import os
import random
import re
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

SHORT = "--short" in sys.argv or os.environ.get("CW_SHORT") == "1"
if "--short" in sys.argv:
    sys.argv.remove("--short")
MOMENTS = 6 if SHORT else 20
CASES = 1500
SEED = 7717
TOKEN = "viewer-token-kill"
KINDS = ["feed", "journal.written", "snapshot.written", "compaction.deleted", "alerts.recorded",
         "alerts.published"]
# Learning off: a refit lands whenever its thread is done, which two runs would not share.
SETS = ["auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN,
        "models.escalation_risk.learn.enabled=false", "models.repeat_visit.learn.enabled=false"]
B_SETS = SETS + ["snapshot.every_events=100", "snapshot.keep=1",
                 "store.journal_segment_bytes=8192"]
# How long a run whose kill point was not passed gets, once its share is taken, before it is
# killed from outside (not an assertion: any kill moment must give the same end).
POINT_GRACE = 6.0
CHUNK = 60


def key(alert):
    return (alert["alert_id"], alert["tier"], alert["status"], alert.get("change", ""))


def as_consumer(received):
    """What a consumer keeps that drops a seq it has already seen; (kept keys, dropped count)."""
    kept, last, dropped = [], 0, 0
    for _, a in received:
        seq = a.get("seq")
        assert isinstance(seq, int) and seq > 0, "a publication without a seq: %s" % (key(a),)
        if seq <= last:
            dropped += 1
            continue
        kept.append((seq,) + key(a))
        last = seq
    return kept, dropped


def send_or_dead(push, line, d):
    """Sends `line`; False when the daemon died meanwhile (a PUSH without a peer would block)."""
    while True:
        try:
            push.sock.send(line, zmq.NOBLOCK)
            return True
        except zmq.Again:
            if not d.alive():
                return False
            time.sleep(0.001)


def plan(rng, n):
    """n kill moments: every kind at least once (as n allows), in a seeded order."""
    kinds = KINDS[:n] + [rng.choice(KINDS) for _ in range(max(0, n - len(KINDS)))]
    rng.shuffle(kinds)
    out = []
    for kind in kinds:
        if kind == "feed":
            out.append((kind, rng.uniform(0.1, 0.9)))  # share of the run's events taken
        elif kind in ("snapshot.written", "compaction.deleted"):
            out.append((kind, 1))
        elif kind == "alerts.published":
            out.append((kind, 1))
        else:
            out.append((kind, rng.randint(1, 3)))
    return out


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED)
    lines = cwtest.read_lines(feed)
    ctx = zmq.Context()

    # A: never interrupted.
    push = cwtest.Pusher(ctx)
    a = cwtest.Daemon(args, os.path.join(tmp, "data-a"), os.path.join(tmp, "a.log"),
                      feed_connect=push.endpoint, extra_sets=SETS).start()
    sub = cwtest.Subscriber(ctx, a.publish_endpoint, prefix=b"alert.")
    sub.wait_joined()
    for line in lines:
        push.send(line)
    cwtest.wait_until(lambda: a.assert_alive("run A") or a.lines_fed("f1") >= len(lines),
                      message="run A to take %d events" % len(lines))
    want = a.digest(TOKEN)
    assert a.terminate() == 0
    sub.drain()
    want_pubs, dropped_a = as_consumer(sub.received)
    push.close(), sub.close()
    assert dropped_a == 0, "run A (no crash) published %d seq numbers twice" % dropped_a
    assert want_pubs and want["active_alerts"] > 0, "run A published nothing: proves nothing"

    # B: killed at each seeded moment.
    rng = random.Random(SEED)
    moments = plan(rng, MOMENTS)
    data = os.path.join(tmp, "data-b")
    pub = "tcp://127.0.0.1:%d" % cwtest.free_port()
    sub = cwtest.Subscriber(ctx, pub, prefix=b"alert.")  # across every restart
    tried = []
    for i, (kind, arg) in enumerate(moments + [("end", None)]):
        env = {"CASEWATCH_TEST_KILL_AT": "%s:%d" % (kind, arg)} \
            if kind not in ("feed", "end") else None
        push = cwtest.Pusher(ctx)
        d = cwtest.Daemon(args, data, os.path.join(tmp, "b%02d.log" % i),
                          feed_connect=push.endpoint, publish=pub, extra_sets=B_SETS, env=env)
        d.start()
        sub.poll(0)
        # From the log, written before "running": a kill point may be passed right after.
        m = re.search(r"Recovered (\d+) journaled events", d.log())
        start = int(m.group(1)) if m else 0
        assert start <= len(lines), "run %d: %d journaled, more than the %d lines" % (
            i, start, len(lines))
        upto = len(lines) if kind == "end" else max(start + 1, len(lines) * (i + 1) // (
            len(moments) + 1))
        if kind == "end":
            for line in lines[start:upto]:
                push.send(line)
            cwtest.wait_until(lambda: d.assert_alive("the last run") or d.lines_fed("f1") >= upto - start,
                              message="the last run to take its %d events" % (upto - start))
            got = d.digest(TOKEN)
            assert d.terminate() == 0
            sub.drain()
            push.close()
            break
        how = "hook"
        # In chunks, each taken before the next is sent: many group commits, publications and
        # snapshots mid-feed (a burst would make a few large ones).
        target = start + max(1, int((upto - start) * arg)) if kind == "feed" else upto
        for at in range(start, target, CHUNK):
            if not d.alive():
                break
            if not all(send_or_dead(push, line, d) for line in lines[at:min(at + CHUNK, target)]):
                break
            end = min(at + CHUNK, target)

            def taken_or_dead():
                sub.poll(0)
                try:
                    return start + d.lines_fed("f1") >= end
                except (OSError, http.client.HTTPException):
                    # The metrics endpoint went away, maybe mid-answer (a kill point passed while
                    # it answered): it died (or it is an error).
                    d.proc.wait(10)
                    return True
            cwtest.wait_until(taken_or_dead, interval=0.01,
                              message="run %d to take %d events (or pass %s)" % (i, end, kind))
        if kind == "feed":
            d.assert_alive("before the kill")
            d.kill()
            how = "outside"
        else:
            try:
                d.proc.wait(POINT_GRACE)
            except Exception:  # noqa: BLE001 - not passed: kill from outside instead
                d.kill()
                how = "outside (point not passed)"
            else:
                d._closed()
            if how == "hook" and "kill point %s reached" % kind not in d.log():
                cwtest.fail("run %d died without passing its kill point; log tail:\n%s" % (
                    i, d.log()[-3000:]))
        push.sock.setsockopt(zmq.LINGER, 0)
        push.close()
        sub.poll(0.05)
        tried.append("%s:%s@%d (%s)" % (kind, arg if kind != "feed" else "%.2f" % arg, start, how))
        if os.environ.get("CW_DEBUG"):
            print("run", i, kind, "received so far", len(sub.received))

    kept, resent = as_consumer(sub.received)
    sub.close()
    problems = []
    if got["events_journaled"] != len(lines):
        problems.append("events journaled %d, lines %d" % (got["events_journaled"], len(lines)))
    if got != dict(want, events_journaled=got["events_journaled"]):
        problems.append("digest after the kills %s, run A %s" % (got, want))
    # The same changes (with the same seq), each alert's changes in the same order, and the
    # stream in the same order (the first three checks say more precisely what went wrong).
    per_alert = lambda pubs: collections.Counter((p[1], p[2:]) for p in pubs)  # noqa: E731
    by_alert = lambda pubs: {a: [p[2:] for p in pubs if p[1] == a] for a in {p[1] for p in pubs}}  # noqa: E731,E501
    if per_alert(kept) != per_alert(want_pubs):
        missing = sorted((per_alert(want_pubs) - per_alert(kept)).items())
        extra = sorted((per_alert(kept) - per_alert(want_pubs)).items())
        problems.append("the bus stream differs from run A's (%d kept vs %d): %d changes missing, "
                        "e.g. %s; %d not in A, e.g. %s" % (len(kept), len(want_pubs), len(missing),
                                                          missing[:4], len(extra), extra[:4]))
    elif sorted(p[0] for p in kept) != sorted(p[0] for p in want_pubs):
        problems.append("the same changes as run A's, but not with the same seq numbers")
    elif by_alert(kept) != by_alert(want_pubs):
        a, b = by_alert(kept), by_alert(want_pubs)
        differ = [k for k in b if a.get(k) != b[k]]
        problems.append("%d alerts' changes in another order than run A's, e.g. %s: %s vs A %s" % (
            len(differ), differ[0], a.get(differ[0]), b[differ[0]]))
    swapped = sum(1 for x, y in zip(kept, want_pubs) if x != y)
    if not problems and swapped:
        problems.append("%d publications in another order than run A's among changes decided "
                        "together" % swapped)
    print("%d events; %d kills: %s; %d publications kept, %d re-sent with a seq already seen "
          "(dropped), %d in another order than run A's among changes decided together; digest %s "
          "(run A %s)" % (len(lines), len(tried), ", ".join(tried), len(kept), resent, swapped,
                          got["digest"], want["digest"]))
    assert not problems, "\n".join(problems)


if __name__ == "__main__":
    cwtest.main(test)
