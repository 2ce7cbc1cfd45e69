"""An upgrade starts from the snapshot the previous version wrote.

fixtures/snapshot_format7/ is a data dir as casewatchd 4f09efb (the last build writing snapshot
format 7) left it after a SIGTERM: 595 journaled events and a snapshot at the journal's end
(fixtures/make_snapshot_format7.py made it). This build writes format 8 and still reads 7:
  - started on a copy, it loads the format-7 snapshot and replays nothing;
  - its state digest equals that of a start on another copy without the snapshot (the whole
    journal replayed), so the old snapshot was read in its own shape, nothing lost or misread;
  - a stop with nothing new since the snapshot writes none; the start that replayed the whole
    journal writes a format-8 snapshot at its stop, and a start from that has the same digest;
  - neither start rebuilds the models ("The models' configuration changed"): a snapshot's
    configuration fingerprint covers only the sections the models depend on (format 7's covered
    every default, so a changed default of another section made an upgrade rebuild them, with
    another state: 19 active alerts instead of 22 on this fixture).
"""

import glob
import os
import re
import shutil
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cwtest  # noqa: E402
import zmq  # noqa: E402

TOKEN = "viewer-token-upgrade"
SETS = ["auth.tokens=[{name: vera, role: viewer, token: %s}]" % TOKEN]
EVENTS = 595


def fixture(args):
    return os.path.join(args.source_dir, "tests", "integration", "fixtures", "snapshot_format7")


def formats(data):
    """{position: format version} of the snapshots in `data`."""
    out = {}
    for path in glob.glob(os.path.join(data, "snapshots", "snap-*.cws")):
        with open(path, "rb") as f:
            header = f.read(12)
        out[int(re.search(r"snap-(\d+)\.cws$", path).group(1))] = struct.unpack("<I", header[8:12])[0]
    return out


def start(args, ctx, data, log, sets=()):
    push = cwtest.Pusher(ctx)
    d = cwtest.Daemon(args, data, log, feed_connect=push.endpoint, extra_sets=SETS + list(sets),
                      publish=False).start()
    return d, push


REBUILT = "The models' configuration changed since snapshot"


def test(args, tmp):
    ctx = zmq.Context()
    assert formats(fixture(args)) == {EVENTS: 7}, "the fixture is not a format-7 snapshot at 595"

    # The whole journal, no snapshot: what the state must be.
    full = os.path.join(tmp, "full")
    shutil.copytree(fixture(args), full)
    shutil.rmtree(os.path.join(full, "snapshots"))
    # A setting the models do not depend on differs from the start below: their snapshot still
    # counts as taken under the same models' configuration.
    d, push = start(args, ctx, full, os.path.join(tmp, "full.log"), ["snapshot.every_events=1234"])
    d.wait_log(r"Recovered %d journaled events .*\(0 from the snapshot, %d journal records "
               r"replayed\)" % (EVENTS, EVENTS), what="the whole journal replayed")
    want = d.digest(TOKEN)
    assert want["cases"] > 0, "the fixture holds no case: proves nothing"
    assert d.terminate() == 0
    push.close()
    assert formats(full) == {EVENTS: 8}, "its stop wrote %s, want format 8 at %d" % (
        formats(full), EVENTS)

    # The upgrade: from the format-7 snapshot, nothing replayed, the same state.
    data = os.path.join(tmp, "upgraded")
    shutil.copytree(fixture(args), data)
    d, push = start(args, ctx, data, os.path.join(tmp, "upgraded.log"))
    d.wait_log(r"Loaded snapshot .*snap-%020d\.cws \(%d journal records\)" % (EVENTS, EVENTS),
               what="the format-7 snapshot loaded")
    d.wait_log(r"\(%d from the snapshot, 0 journal records replayed\)" % EVENTS,
               what="nothing replayed after it")
    got = d.digest(TOKEN)
    if got != want:
        cwtest.fail("state after loading the format-7 snapshot differs from the whole journal's: "
                    "%s vs %s" % ({k: v for k, v in got.items() if want.get(k) != v},
                                  {k: v for k, v in want.items() if got.get(k) != v}))
    assert "Snapshot skipped" not in d.log(), "a snapshot was skipped"
    assert REBUILT not in d.log(), "the upgrade took the old snapshot's models for another config"
    assert d.terminate() == 0
    push.close()
    assert formats(data) == {EVENTS: 7}, "nothing new came, yet the snapshots changed: %s" % formats(data)

    # This build's own format, written at the whole-journal start's stop, loads to the same state.
    d, push = start(args, ctx, full, os.path.join(tmp, "full-again.log"))
    d.wait_log(r"Loaded snapshot .*snap-%020d\.cws \(%d journal records\)" % (EVENTS, EVENTS),
               what="its own format-8 snapshot loaded")
    assert d.digest(TOKEN) == want, "the state from its own format-8 snapshot differs"
    assert REBUILT not in d.log(), "snapshot.every_events counted as a models' setting"
    assert d.terminate() == 0
    push.close()

if __name__ == "__main__":
    cwtest.main(test)
