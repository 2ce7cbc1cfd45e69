"""A full disk: the daemon pauses intake, says so, loses nothing, and resumes by itself.

casewatchd runs with its data dir on a small tmpfs of its own (`unshare -m` + `mount -t tmpfs -o
size=...`: the mount is private to the daemon's mount namespace; as root here, `unshare -Urm` when
not). The test reaches into that namespace with `nsenter -t <pid> -m` to fill the disk and free it.

Run A takes a generated feed on an ordinary disk, never interrupted: its GET /api/v1/digest is the
reference. Run B, on the tmpfs, over real ZeroMQ:
  1. takes the first third of the feed, with a snapshot every 150 events;
  2. the disk is filled but for 96 KiB, and 150 registrations of new cases are sent (at the time
     the feed has reached: they move no clock and change no alert, so the store writes nothing and
     the journal takes them in a few KiB): the snapshot they make due fails for the space (it is
     over 200 KiB), its temp file is removed, casewatch_disk_full says 1, and intake goes on;
  3. the disk is filled completely while the rest of the feed is sent: the journal (or the store)
     is refused with ENOSPC; the daemon does not crash, pauses intake (casewatch_intake_paused 1;
     what arrives after the pause is held, not taken: casewatch_intake_held_batches, fewer events
     taken than sent), GET /readyz answers 503 naming the disk, "Intake paused" is
     logged once, and the daemon's own alert (model `casewatch`, red) is published on the bus;
  4. the filler is removed: intake resumes by itself, every sent event is counted, /readyz is 200
     again, the metrics go back to 0, the own alert is resolved on the bus, a snapshot is written
     again, and the digest (each part) equals run A's.
"""

import os
import re
import subprocess
import sys
import urllib.request
import json

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

CASES = 500
SEED = 5151
DISK = "96m"  # the store alone grows to ~26 MiB on this feed
SNAPSHOT_EVERY = 150
TOKEN = "viewer-token-disk"
# Learning off: a refit lands whenever its thread is done, which two runs would not share.
SETS = ["auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN,
        "models.escalation_risk.learn.enabled=false", "models.repeat_visit.learn.enabled=false"]


def gauge(d, name):
    return cwtest.metric_sum(d.metrics(), name)


def in_ns(d, script):
    """Runs a shell script in the daemon's mount namespace (where its tmpfs is)."""
    return subprocess.run(["nsenter", "-t", str(d.proc.pid), "-m", "--", "sh", "-c", script],
                          capture_output=True, text=True, timeout=120)


def free_bytes(d):
    r = in_ns(d, 'stat -f -c "%%a %%S" "%s"' % d.data_dir)
    avail, bsize = r.stdout.split()
    return int(avail) * int(bsize)


def fill(d, leave_bytes=0):
    """Fills the tmpfs but for about `leave_bytes`."""
    room = free_bytes(d) - leave_bytes
    n = 0
    while room > 0:
        block = min(room, 4 << 20)
        in_ns(d, 'head -c %d /dev/zero > "%s/filler-%d"' % (block, d.data_dir, n))
        room -= block
        n += 1
    if leave_bytes == 0:
        # What the last few KiB take: until the filesystem refuses.
        in_ns(d, 'cat /dev/zero > "%s/filler-last" 2>/dev/null' % d.data_dir)


def wrap_in_tmpfs(d):
    """Makes d.cmd run casewatchd with d.data_dir a private tmpfs mount of size DISK."""
    os.makedirs(d.data_dir, exist_ok=True)
    unshare = ["unshare", "-m", "--propagation", "private"] if os.geteuid() == 0 else \
        ["unshare", "-Urm", "--propagation", "private"]
    d.cmd = unshare + ["sh", "-c", 'mount -t tmpfs -o size=%s,mode=0700 cwdisk "$0" && exec "$@"'
                       % DISK, d.data_dir] + d.cmd


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.feedgen(args, feed, CASES, SEED)
    generated = cwtest.read_lines(feed)
    # Quiet events: registrations of new cases at the time the feed has reached, so that they move
    # no clock and change no alert: the journal takes them in a few KiB, the store nothing.
    first = len(generated) // 3
    at = json.loads(generated[first - 1])["ts"]
    quiet = [cwtest.dumps(cwtest.registered("disk-%d" % i, at, "disk-case-%d" % i,
                                            ["disk-person-%d" % i])).encode()
             for i in range(2 * SNAPSHOT_EVERY)]
    lines = generated[:first] + quiet + generated[first:]
    settled = first + SNAPSHOT_EVERY  # step 1 ends here
    second = first + len(quiet)  # step 2 ends here
    ctx = zmq.Context()

    # A: an ordinary disk, never interrupted.
    push = cwtest.Pusher(ctx)
    a = cwtest.Daemon(args, os.path.join(tmp, "data-a"), os.path.join(tmp, "a.log"),
                      feed_connect=push.endpoint, extra_sets=SETS + ["snapshot.enabled=false"],
                      publish=False).start()
    for line in lines:
        push.send(line)
    cwtest.wait_until(lambda: a.assert_alive("run A") or a.lines_fed("f1") >= len(lines),
                      message="run A to take %d events" % len(lines))
    want = a.digest(TOKEN)
    assert a.terminate() == 0
    push.close()
    assert want["active_alerts"] > 0, "run A ended with no active alert: proves nothing"

    # B: on a small tmpfs of its own.
    push = cwtest.Pusher(ctx)
    pub = "tcp://127.0.0.1:%d" % cwtest.free_port()
    sub = cwtest.Subscriber(ctx, pub, prefix=b"alert.red.casewatch")
    b = cwtest.Daemon(args, os.path.join(tmp, "data-b"), os.path.join(tmp, "b.log"),
                      feed_connect=push.endpoint, publish=pub,
                      extra_sets=SETS + ["snapshot.every_events=%d" % SNAPSHOT_EVERY,
                                                  "snapshot.keep=1"])
    wrap_in_tmpfs(b)
    b.start()
    sub.wait_joined()
    for line in lines[:settled]:
        push.send(line)
    cwtest.wait_until(lambda: b.assert_alive("run B") or b.lines_fed("f1") >= settled,
                      message="run B to take %d events" % settled)
    # A snapshot covering the feed's part waits until every alert change decided before it is
    # recorded: after it the store has nothing left to write (the quiet events add nothing).
    cwtest.wait_until(lambda: any(int(p) >= first for p in re.findall(
        r"Snapshot at record (\d+): \d+ bytes", b.log())),
        message="a snapshot at record >= %d" % first)
    snap_ok = len(re.findall(r"Snapshot at record \d+: \d+ bytes", b.log()))

    # 2. Room for journal batches, not for a snapshot (over 200 KiB by now).
    fill(b, leave_bytes=96 << 10)
    for line in lines[settled:second]:
        push.send(line)
    m = b.wait_log(r"Snapshot at record (\d+) failed, tried again in \d+ s: snapshot: cannot write "
                   r"\S+: No space left on device", what="a snapshot failing for the space")
    tmp_left = in_ns(b, 'ls "%s/snapshots"' % b.data_dir).stdout.split()
    assert not [f for f in tmp_left if f.endswith(".tmp")], \
        "a failed snapshot left its temp file: %s" % tmp_left
    s = b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_disk_full") == 1,
                      what="casewatch_disk_full 1 after the snapshot failed")
    assert cwtest.metric_sum(s, "casewatch_intake_paused") == 0, \
        "intake paused though only the snapshot was refused"
    cwtest.wait_until(lambda: b.assert_alive("step 2") or b.lines_fed("f1") >= second,
                      message="run B to take the quiet events with the snapshot refused")
    print("snapshot at record %s failed for the space; its temp file removed; intake went on" % (
        m.group(1)))

    # 3. The disk full: intake pauses.
    fill(b)
    # The first of these is taken (applied in memory, its journal write refused), which pauses
    # intake; the later ones are held unapplied, and the rest waits in ZeroMQ.
    third = second + (len(lines) - second) // 2
    for line in lines[second:third]:
        push.send(line)
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_intake_paused") == 1,
                  what="casewatch_intake_paused 1")
    for line in lines[third:]:
        push.send(line)  # PUSH queues them (no high-water mark on the test's side)
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_intake_held_batches") >= 1,
                  what="a feed batch held while paused")
    status, body = b.readyz()
    assert status == 503, "GET /readyz answered %d with the disk full: %s" % (status, body)
    assert any(r.startswith("disk: the data dir %s is full" % b.data_dir) for r in body["reasons"]), \
        "/readyz does not name the disk: %s" % body
    _, fired = sub.wait_for(lambda t, a_: a_["status"] != "resolved", daemon=b,
                            what="the daemon's own alert on the bus")
    assert fired["model"] == "casewatch" and fired["tier"] == "red" and \
        fired["subject"] == {"kind": "service", "id": "casewatchd"} and \
        fired["reasons"][0]["code"] in ("disk_full",), "own alert: %s" % fired
    # Retried without crashing: the journal's or the store's failed attempts keep counting.
    s = b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_journal_write_errors_total")
                      + cwtest.metric_sum(s, "casewatch_store_commit_errors_total") >= 4,
                      what="the writes to be retried")
    taken_while_full = b.lines_fed("f1")
    assert taken_while_full < len(lines), "took all %d events with the disk full" % len(lines)
    b.assert_alive("with the disk full")
    print("disk full: intake paused after %d of %d events; readyz %s" % (
        taken_while_full, len(lines), body["reasons"]))

    # 4. Space again: resumes by itself.
    in_ns(b, 'rm -f "%s"/filler-*' % b.data_dir)
    room = free_bytes(b)
    assert room > 16 << 20, "the filler was not removed: %d bytes free" % room
    cwtest.wait_until(lambda: b.assert_alive("after the space returned") or b.lines_fed("f1") >= len(lines),
                      message="run B to take all %d events after the space returned" % len(lines))
    b.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_intake_paused") == 0
                  and cwtest.metric_sum(s, "casewatch_ready") == 1,
                  what="intake resumed and ready")
    _, resolved = sub.wait_for(lambda t, a_: a_["status"] == "resolved", daemon=b,
                               what="the daemon's own alert resolved")
    status, body = b.readyz()
    assert status == 200, "GET /readyz answered %d after the space returned: %s" % (status, body)
    s = b.metrics()
    accepted = cwtest.metric_sum(s, "casewatch_ingest_events_total", feed="f1")
    assert accepted == len(lines), "accepted %d of %d events" % (accepted, len(lines))
    assert cwtest.metric_sum(s, "casewatch_journal_records_dropped_total") == 0
    assert cwtest.metric_sum(s, "casewatch_store_writes_dropped_total") == 0, \
        "the store dropped writes for the full disk"
    cwtest.wait_until(lambda: len(re.findall(r"Snapshot at record \d+: \d+ bytes", b.log()))
                      > snap_ok, message="a snapshot written after the space returned")
    try:
        cwtest.wait_until(lambda: cwtest.metric_sum(b.metrics(), "casewatch_disk_full") == 0,
                          message="casewatch_disk_full 0 after a snapshot succeeded")
    except cwtest.TestFailure:
        print(in_ns(b, 'df -k "{0}"; ls -la "{0}" "{0}/journal" "{0}/snapshots"'.format(
            b.data_dir)).stdout, cwtest.metric_sum(b.metrics(), "casewatch_store_commit_errors_total"))
        raise
    got = b.digest(TOKEN)
    log = b.log()
    assert log.count("Intake paused") == 1, "'Intake paused' logged %d times" % log.count(
        "Intake paused")
    assert log.count("Intake resumed") == 1
    assert b.terminate() == 0
    problems = []
    if got != dict(want, events_journaled=got["events_journaled"]):
        problems.append("digest after the full disk %s, run A (never interrupted) %s" % (got, want))
    print("%d events; all taken after the space returned; digest %s (%s)" % (
        len(lines), got["digest"], "equal to run A's" if not problems else "DIFFERS"))
    push.close(), sub.close()
    assert not problems, "\n".join(problems)


if __name__ == "__main__":
    cwtest.main(test)
