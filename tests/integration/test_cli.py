"""The command line: help, version, check-config, the pseudonym-key guard, and SIGHUP reloads.

  - `casewatchd --help` / `--version`, `casewatch --help` / `feedgen --help` exit 0 with useful text;
  - `check-config` passes the embedded defaults and a file with valid overrides, and on a bad file
    exits 1 naming each error's key path;
  - the daemon refuses to start without a pseudonym key, saying how to give one;
  - SIGHUP with a changed file applies it (a wider warning window makes a yellow alert appear), and
    SIGHUP with a bad file keeps the running configuration (reload counted as failed).
"""

import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402


def check_help(args):
    r = cwtest.run([args.casewatchd, "--help"], check=0)
    for word in ("--config", "--set", "--demo", "replay", "check-config"):
        assert word in r.stdout_text, "casewatchd --help does not mention %s:\n%s" % (
            word, r.stdout_text)
    r = cwtest.run([args.casewatchd, "--version"], check=0)
    assert r.stdout_text.startswith("casewatchd ") and any(c.isdigit() for c in r.stdout_text), \
        "casewatchd --version: %r" % r.stdout_text
    r = cwtest.run([args.casewatchd, "replay", "--help"], check=0)
    assert "--alerts-out" in r.stdout_text, r.stdout_text
    r = cwtest.run([args.casewatch, "--help"], check=0)
    assert "feedgen" in r.stdout_text, r.stdout_text
    r = cwtest.run([args.casewatch, "feedgen", "--help"], check=0)
    for word in ("--cases", "--seed", "--out", "--truth", "--publish", "--rate"):
        assert word in r.stdout_text, "casewatch feedgen --help lacks %s" % word
    r = cwtest.run([args.casewatchd, "--no-such-flag"])
    assert r.returncode != 0, "an unknown flag must fail"


def check_config(args, tmp):
    r = cwtest.run([args.casewatchd, "check-config"], check=0)
    assert "OK" in r.stdout_text, "check-config on the defaults: %r" % r.stdout_text
    # The documented default file is valid as it is.
    shipped = os.path.join(args.source_dir, "config", "casewatch.yaml")
    r = cwtest.run([args.casewatchd, "check-config", "--config", shipped], check=0)
    assert "OK" in r.stdout_text, r.stdout_text

    good = os.path.join(tmp, "good.yaml")
    with open(good, "w") as f:
        f.write("clocks:\n  warning_days: 3\n  overrides:\n"
                "    - {channel: visit, procedural_reply_days: 3}\nlocale: zh-CN\n")
    r = cwtest.run([args.casewatchd, "check-config", "--config", good, "--print"], check=0)
    assert "warning_days: 3" in r.stdout_text and "zh-CN" in r.stdout_text, \
        "--print does not show the overrides:\n" + r.stdout_text

    # --print never shows an inline token.
    r = cwtest.run([args.casewatchd, "check-config", "--print",
                    "--set", "auth.tokens=[{name: li, role: leader, token: cli-inline-s3cret}]"],
                   check=0)
    assert "cli-inline-s3cret" not in r.stdout_text and '"<redacted>"' in r.stdout_text, \
        r.stdout_text
    # A feed or the bus off loopback without CURVE needs insecure: true.
    r = cwtest.run([args.casewatchd, "check-config", "--set", "feeds.0.endpoint=tcp://0.0.0.0:5570",
                    "--set", "publish.zmq=tcp://*:5571"], check=1)
    for path in ("feeds[0].insecure", "publish.insecure"):
        assert path in r.stdout_text + r.stderr_text, (path, r.stdout_text, r.stderr_text)
    cwtest.run([args.casewatchd, "check-config", "--set", "feeds.0.endpoint=tcp://0.0.0.0:5570",
                "--set", "feeds.0.insecure=true"], check=0)

    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("clock: sundial\n"
                "clocks:\n  warning_dayz: 3\n  handling_days: -5\n"
                "feeds:\n  - name: x\n    kind: carrier_pigeon\n    endpoint: \"tcp://127.0.0.1:1\"\n"
                "log:\n  level: chatty\n")
    r = cwtest.run([args.casewatchd, "check-config", "--config", bad])
    out = r.stdout_text + r.stderr_text
    assert r.returncode == 1, "check-config on a bad file: exit %d, want 1\n%s" % (r.returncode, out)
    for path in ("clock:", "clocks.warning_dayz", "clocks.handling_days", "feeds[0].kind",
                 "log.level"):
        assert path in out, "check-config does not name %s:\n%s" % (path, out)
    # --set errors name the key path too.
    r = cwtest.run([args.casewatchd, "check-config", "--set", "clocks.red_after_days=banana"])
    out = r.stdout_text + r.stderr_text
    assert r.returncode == 1 and "clocks.red_after_days" in out, out
    # The daemon itself refuses a bad file.
    r = cwtest.run([args.casewatchd, "--config", bad], timeout=30)
    assert r.returncode != 0 and "clocks.warning_dayz" in r.stderr_text, \
        "casewatchd with a bad config: exit %d\n%s" % (r.returncode, r.stderr_text)


def check_no_key(args, tmp):
    cmd = [args.casewatchd, "--set", "data_dir=%s" % os.path.join(tmp, "nokey"),
           "--set", "metrics.listen=127.0.0.1:0", "--set", "publish.zmq=", "--set", "feeds=[]"]
    env = dict(os.environ)
    env.pop("CASEWATCH_PSEUDONYM_KEY", None)
    try:
        r = cwtest.run(cmd, timeout=30, env=env)
    except Exception as e:  # subprocess.TimeoutExpired: it started
        cwtest.fail("casewatchd without a pseudonym key kept running (%s)" % e)
    out = r.stdout_text + r.stderr_text
    assert r.returncode != 0, "casewatchd started without a pseudonym key:\n" + out
    assert "pseudonym.key_file" in out or "CASEWATCH_PSEUDONYM_KEY" in out, \
        "the refusal does not say how to give a key:\n" + out
    # A key shorter than 16 bytes is refused too.
    env["CASEWATCH_PSEUDONYM_KEY"] = "short"
    r = cwtest.run(cmd, timeout=30, env=env)
    assert r.returncode != 0, "casewatchd accepted a 5-byte pseudonym key:\n" + r.stderr_text


def write_config(path, warning_days, extra=""):
    tmp_path = path + ".new"
    with open(tmp_path, "w") as f:
        f.write("clocks:\n  warning_days: %s\n%s" % (warning_days, extra))
    os.replace(tmp_path, path)


def check_sighup(args, tmp):
    ctx = zmq.Context()
    cfg = os.path.join(tmp, "live.yaml")
    write_config(cfg, 2)
    push = cwtest.Pusher(ctx)
    d = cwtest.Daemon(args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"),
                      feed_connect=push.endpoint, config=cfg).start()
    sub = cwtest.Subscriber(ctx, d.publish_endpoint)
    sub.wait_joined()

    # A registered 03-01: its procedural reply is due at the end of 03-08. At 03-06 12:00 that is
    # 2.5 days away: outside a 2-day warning window, inside a 3-day one.
    push.send(cwtest.registered("hup-1", "2026-03-01T09:00:00+08:00", "HUP-A", ["id:hup-1"]))
    push.send(cwtest.registered("hup-2", "2026-03-06T12:00:00+08:00", "HUP-B", ["id:hup-2"]))
    d.wait_metric(lambda s: cwtest.metric_sum(s, "casewatch_ingest_events_total") == 2,
                  what="2 events")
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_state_cases", status="all") == 2,
        what="the gauges to show 2 cases")
    assert cwtest.metric_sum(samples, "casewatch_alerts_active") == 0, \
        "with warning_days=2 nothing is due within the window, yet alerts are active"
    sub.poll(0.2)
    assert not sub.received, "unexpected alerts before the reload: %s" % sub.received

    write_config(cfg, 3)
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log(r"Configuration reloaded", what="'Configuration reloaded' in the log")
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_config_reloads_total", result="ok") == 1,
        what="casewatch_config_reloads_total{result=ok} == 1")
    _, a = sub.wait_for(lambda t, a: a["subject"]["id"] == "HUP-A" and a["tier"] == "yellow",
                        daemon=d, what="a yellow alert for HUP-A after warning_days 2 -> 3")
    assert a["status"] == "firing", a
    d.assert_alive("after a good SIGHUP")

    # A bad file on SIGHUP: reload fails, the daemon keeps running with warning_days=3.
    write_config(cfg, 3, extra="  warning_dayz: 9\nclock: sundial\n")
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log(r"Reload failed", what="'Reload failed' in the log")
    samples = d.wait_metric(
        lambda s: cwtest.metric_sum(s, "casewatch_config_reloads_total", result="failed") == 1,
        what="casewatch_config_reloads_total{result=failed} == 1")
    assert cwtest.metric_sum(samples, "casewatch_config_reloads_total", result="ok") == 1
    log = d.log()
    assert "clocks.warning_dayz" in log, "the failed reload does not name the bad key:\n" + log[-2000:]
    time.sleep(0.2)
    d.assert_alive("after a bad SIGHUP")
    # Still 3 warning days: C registered 03-06 is due at the end of 03-13; 03-11 12:00 is 2.5 days
    # before, so C turns yellow only if the old (3-day) configuration is still in force.
    push.send(cwtest.registered("hup-3", "2026-03-06T13:00:00+08:00", "HUP-C", ["id:hup-3"]))
    push.send(cwtest.registered("hup-4", "2026-03-11T12:00:00+08:00", "HUP-D", ["id:hup-4"]))
    sub.wait_for(lambda t, a: a["subject"]["id"] == "HUP-C" and a["tier"] == "yellow", daemon=d,
                 what="HUP-C yellow under the kept 3-day warning window")

    rc = d.terminate()
    assert rc == 0, "SIGTERM after reloads: exit code %d" % rc
    push.close()
    sub.close()
    ctx.term()


def test(args, tmp):
    check_help(args)
    check_config(args, tmp)
    check_no_key(args, tmp)
    check_sighup(args, tmp)


if __name__ == "__main__":
    cwtest.main(test)
