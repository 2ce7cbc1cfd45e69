"""`log.format: json`: every line a real daemon writes is one JSON object, whatever it logs.

A daemon runs with log.format json at debug level, takes a few events, and is sent SIGHUP with a
configuration file whose unknown key holds quotes, a backslash, a newline, a tab, a control
character and Chinese (the refused reload logs the key path); then the file is put right and
reloaded again, and the daemon is stopped. Every line of its stderr must parse as a JSON object
with ts, level, logger and msg, and the refused reload's message must hold the key exactly.
"""

import json
import os
import signal
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

GOOD = "log:\n  format: json\n"
# YAML double-quoted escapes: the key is  odd "key" back\slash<newline>line<tab>二 中文<U+0001>
HOSTILE_KEY = 'odd "key" back\\slash\nline\t二 中文\x01'
HOSTILE = GOOD + '"odd \\"key\\" back\\\\slash\\nline\\t二 中文\\x01": 1\n'


def test(args, tmp):
    config = os.path.join(tmp, "casewatch.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(GOOD)
    d = cwtest.Daemon.start_bound(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                                  config=config)
    ctx = zmq.Context()
    push = cwtest.Pusher(ctx, connect=d.feed_endpoint)
    push.send(cwtest.registered("e1", "2024-05-06T09:00:00+08:00", "C-1", ["id:1"]))
    push.send(cwtest.ev("e2", "case.accepted", "2024-05-06T10:00:00+08:00", "C-1"))
    d.wait_metric(lambda s: d.events_accepted(s) >= 2, what="2 events accepted")

    with open(config, "w", encoding="utf-8") as f:
        f.write(HOSTILE)
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log(r"Reload failed", what="the refused reload")
    with open(config, "w", encoding="utf-8") as f:
        f.write(GOOD)
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log(r"Configuration reloaded", what="the good file reloaded")
    push.close()
    ctx.term()
    assert d.terminate() == 0

    with open(d.log_path, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\n")
    assert lines[-1] == b"", "the log does not end with a newline"
    records = []
    for n, line in enumerate(lines[:-1], 1):
        try:
            rec = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            cwtest.fail("log line %d is not one JSON object (%s): %r" % (n, e, line[:300]))
        if not isinstance(rec, dict) or set(rec) != {"ts", "level", "logger", "msg"}:
            cwtest.fail("log line %d: want an object with ts, level, logger, msg: %r" % (n, rec))
        records.append(rec)
    refused = [r for r in records if r["msg"].startswith("Reload failed")]
    assert len(refused) == 1, refused
    assert refused[0]["level"] == "error", refused[0]
    assert HOSTILE_KEY in refused[0]["msg"], refused[0]["msg"]
    levels = {r["level"] for r in records}
    assert {"info", "error"} <= levels, levels
    print("%d log lines, every one a JSON object; levels %s" % (len(records), sorted(levels)))


if __name__ == "__main__":
    cwtest.main(test)
