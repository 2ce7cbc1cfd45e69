"""Type=notify without systemd: the daemon's sd_notify messages, received on a socket of our own.

systemd is not PID 1 here, so the test plays its part: a Unix datagram socket named in
NOTIFY_SOCKET, WATCHDOG_USEC set. A daemon whose feed binds sends READY=1 (with STATUS=Ready.)
once recovered and bound, and /readyz answers 200 when it has; WATCHDOG=1 then keeps coming;
SIGHUP gives RELOADING=1 then READY=1; SIGTERM gives STOPPING=1. A daemon whose feed connects to
a port where nothing listens still sends READY=1 (started: the missing peer is for /readyz and
STATUS= to say, not a failed start), with a STATUS= naming the feed, and without WATCHDOG_USEC
never pings.
"""

import os
import signal
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402


class NotifySocket:
    """What systemd listens on: one datagram per sd_notify call, "KEY=value" lines."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.messages = []  # each a dict of one datagram's assignments

    def wait_for(self, key, value, timeout=cwtest.DEFAULT_TIMEOUT, daemon=None):
        """Reads datagrams until one sets key=value; returns it. Earlier ones stay in messages."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                cwtest.fail("no %s=%s within %.0f s; got %r" % (key, value, timeout,
                                                                 self.messages[-20:]))
            if daemon is not None and not daemon.alive():
                daemon.assert_alive("while waiting for %s=%s" % (key, value))
            self.sock.settimeout(min(left, 0.5))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            msg = dict(line.split("=", 1) for line in data.decode("utf-8").split("\n") if line)
            self.messages.append(msg)
            if msg.get(key) == value:
                return msg

    def count(self, key, value):
        return sum(1 for m in self.messages if m.get(key) == value)

    def close(self):
        self.sock.close()


def test(args, tmp):
    # A daemon whose feed binds, with a watchdog of 0.4 s (a ping every 0.2 s).
    notify = NotifySocket(os.path.join(tmp, "notify.sock"))
    d = cwtest.Daemon.start_bound(
        args, os.path.join(tmp, "data"), os.path.join(tmp, "daemon.log"), publish=False,
        env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"})
    ready = notify.wait_for("READY", "1", daemon=d)
    assert ready.get("STATUS") == "Ready.", ready
    # READY=1 is sent once readiness is assessed ready: /readyz agrees from then on.
    assert d.readyz() == (200, {"ready": True}), d.readyz()
    assert not any(m.get("WATCHDOG") for m in notify.messages[:-1]), notify.messages
    for _ in range(3):
        notify.wait_for("WATCHDOG", "1", daemon=d)
    assert notify.count("WATCHDOG", "1") >= 3

    d.proc.send_signal(signal.SIGHUP)
    notify.wait_for("RELOADING", "1", daemon=d)
    notify.wait_for("READY", "1", daemon=d)
    d.wait_log(r"Configuration reloaded", what="the reload")

    d.proc.send_signal(signal.SIGTERM)
    notify.wait_for("STOPPING", "1")
    assert d.wait_exit() == 0
    notify.close()

    # A feed that connects to nowhere: started (READY=1), not ready (STATUS=), no watchdog asked.
    notify = NotifySocket(os.path.join(tmp, "notify2.sock"))
    endpoint = "tcp://127.0.0.1:%d" % cwtest.free_port()
    env = {"NOTIFY_SOCKET": notify.path}
    d2 = cwtest.Daemon(args, os.path.join(tmp, "data2"), os.path.join(tmp, "daemon2.log"),
                       feed_connect=endpoint, publish=False, env=env)
    d2.env.pop("WATCHDOG_USEC", None)
    d2.start()
    ready = notify.wait_for("READY", "1", daemon=d2)
    want = "Not ready: feed f1: not connected to %s." % endpoint
    assert ready.get("STATUS") == want, ready
    assert d2.readyz()[0] == 503
    d2.proc.send_signal(signal.SIGTERM)
    notify.wait_for("STOPPING", "1")
    assert d2.wait_exit() == 0
    assert notify.count("WATCHDOG", "1") == 0, notify.messages
    notify.close()


if __name__ == "__main__":
    cwtest.main(test)
