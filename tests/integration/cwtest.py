"""Shared helpers for the integration tests: run the real casewatchd / casewatch binaries on loopback.

Each test script calls `args = cwtest.parse_args()` (the three arguments ctest passes), then uses
`Daemon` to start casewatchd with a fresh data dir and dynamically chosen ports, talks to it over
ZeroMQ and HTTP, and fails with `cwtest.fail(...)` / assert messages that say what went wrong.

Ports: the metrics endpoint listens on port 0 and the PUB on `tcp://127.0.0.1:*`; the daemon logs
the ports it got and `Daemon` reads them from its log, so parallel tests never collide. Feeds are
either bound by the daemon on a port picked here (`free_port`) or, race-free, bound by the test's
PUSH socket with the daemon connecting (`Daemon(feed_connect=...)`).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import tempfile
import time
import traceback
import urllib.error
import urllib.request

import zmq

PSEUDONYM_KEY = "integration-test-key-0123456789abcdef"
DEFAULT_TIMEOUT = 60.0  # generous: CI runs tests in parallel on 2 cores


class TestFailure(AssertionError):
    pass


def fail(message):
    raise TestFailure(message)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="casewatch integration test")
    p.add_argument("--casewatchd", default=os.environ.get("CASEWATCHD", "casewatchd"))
    p.add_argument("--casewatch", default=os.environ.get("CASEWATCH", "casewatch"))
    p.add_argument("--source-dir", default=os.environ.get(
        "CASEWATCH_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))))
    p.add_argument("--keep", action="store_true", help="keep the temp dir (also: CW_KEEP=1)")
    return p.parse_args(argv)


def main(test_fn):
    """Runs test_fn(args, tmpdir); prints PASS/FAIL with the elapsed time; exits 0 or 1."""
    args = parse_args()
    name = os.path.basename(sys.argv[0])
    tmp = tempfile.mkdtemp(prefix="cwinteg-")
    t0 = time.monotonic()
    ok = False
    try:
        test_fn(args, tmp)
        ok = True
    except Exception as e:  # noqa: BLE001 - any failure must fail the test with its message
        traceback.print_exc()
        print("FAIL %s: %s" % (name, e), file=sys.stderr)
    finally:
        Daemon.stop_all()
        Postgres.stop_all()
        keep = args.keep or os.environ.get("CW_KEEP") or not ok
        if keep:
            print("(temp dir kept: %s)" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - t0
    if ok:
        print("PASS %s (%.1f s)" % (name, elapsed))
        sys.exit(0)
    print("FAIL %s (%.1f s)" % (name, elapsed))
    sys.exit(1)


def wait_until(pred, timeout=DEFAULT_TIMEOUT, message="condition", interval=0.05):
    """Polls pred() until it returns a truthy value (returned); fails after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = pred()
        if last:
            return last
        if time.monotonic() > deadline:
            fail("timed out after %.0f s waiting for %s" % (timeout, message))
        time.sleep(interval)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (for endpoints the daemon binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Events


def ev(event_id, type_, ts, case_id=None, source="integ", **fields):
    """One contract-v1 event as a dict."""
    d = {"v": 1, "event_id": event_id, "source": source, "type": type_, "ts": ts}
    if case_id is not None:
        d["case_id"] = case_id
    d.update(fields)
    return d


def registered(event_id, ts, case_id, persons, agency="huichuan-hrss", **extra):
    fields = dict(persons=persons, matter="m:%s" % case_id, region="520302", agency=agency,
                  category="wage_arrears", channel="letter", level="county")
    fields.update(extra)
    return ev(event_id, "case.registered", ts, case_id, **fields)


def dumps(d):
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def read_jsonl(path):
    with open(path, "rb") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_lines(path):
    """The file's non-blank lines, as bytes without their newline (a feed to send as it is)."""
    with open(path, "rb") as f:
        return [line.rstrip(b"\n") for line in f if line.strip()]


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


# ---------------------------------------------------------------------------------------------
# Metrics

_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
_LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format -> list of (name, {labels}, value)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE_RE.match(line)
        if not m:
            fail("unparseable metrics line: %r" % line)
        labels = dict(_LABEL_RE.findall(m.group(3) or ""))
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def metric_sum(samples, name, **match):
    """Sum of the samples of `name` whose labels include `match`."""
    total = 0.0
    for n, labels, v in samples:
        if n == name and all(labels.get(k) == val for k, val in match.items()):
            total += v
    return total


def metric_by(samples, name, label, **match):
    """{label value: summed value} for the samples of `name` matching `match`."""
    out = {}
    for n, labels, v in samples:
        if n == name and all(labels.get(k) == val for k, val in match.items()):
            out[labels.get(label)] = out.get(labels.get(label), 0.0) + v
    return out


def http_get(url, timeout=10.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode("utf-8", "replace")


def http_json(url, timeout=10.0):
    """GET url: (status, parsed JSON body), also for error statuses (4xx, 5xx)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            status, text = r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        fail("GET %s: %d with a body that is not JSON: %r" % (url, status, text[:500]))


# ---------------------------------------------------------------------------------------------
# The daemon


class Daemon:
    """One casewatchd process with its own data dir, log file and ports."""

    _running = []

    def __init__(self, args, data_dir, log_path, feed_bind_port=None, feed_connect=None,
                 extra_sets=(), config=None, env=None, key=PSEUDONYM_KEY, publish=True,
                 feed_name="f1"):
        self.args = args
        self.data_dir = data_dir
        self.log_path = log_path
        self.feed_name = feed_name
        self.metrics_port = None
        self.publish_endpoint = None
        self.feed_endpoint = None
        # Ports of the daemon's choosing: tests run in parallel (ctest -j), and a fixed port (the
        # HTTP API's default 9470) would make them fight over it.
        sets = ["data_dir=%s" % data_dir, "metrics.listen=127.0.0.1:0", "http.listen=127.0.0.1:0",
                "clock=event", "print_alerts=false", "log.level=debug"]
        # publish: True = a port of the daemon's choosing, False = off, or an endpoint to bind.
        if isinstance(publish, str):
            sets.append("publish.zmq=" + publish)
        else:
            sets.append("publish.zmq=tcp://127.0.0.1:*" if publish else "publish.zmq=")
        if feed_connect is not None:
            self.feed_endpoint = feed_connect
            sets.append('feeds=[{name: %s, kind: zmq_pull, endpoint: "%s", bind: false}]'
                        % (feed_name, feed_connect))
        elif feed_bind_port is not None:
            self.feed_endpoint = "tcp://127.0.0.1:%d" % feed_bind_port
            sets.append('feeds=[{name: %s, kind: zmq_pull, endpoint: "%s", bind: true}]'
                        % (feed_name, self.feed_endpoint))
        sets.extend(extra_sets)
        self.cmd = [args.casewatchd]
        if config:
            self.cmd += ["--config", config]
        for s in sets:
            self.cmd += ["--set", s]
        self.env = dict(os.environ)
        self.env.pop("CASEWATCH_PSEUDONYM_KEY", None)
        if key is not None:
            self.env["CASEWATCH_PSEUDONYM_KEY"] = key
        if env:
            self.env.update(env)
        self.publish = publish
        self.proc = None
        self._log_file = None

    # -- lifecycle --

    def start(self, wait_ready=True, timeout=DEFAULT_TIMEOUT):
        self._log_file = open(self.log_path, "ab")
        self._log_start = self._log_file.tell()
        self.proc = subprocess.Popen(self.cmd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env)
        Daemon._running.append(self)
        if wait_ready:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=DEFAULT_TIMEOUT):
        m = self.wait_log(r"Metrics on http://\S+ \(port (\d+)\)", timeout, "the metrics port")
        self.metrics_port = int(m.group(1))
        if self.publish:
            m = self.wait_log(r"Publishing alerts on (tcp://\S+)\.", timeout, "the PUB endpoint")
            self.publish_endpoint = m.group(1)
        self.wait_log(r"casewatchd \S+ running\.", timeout, "'running' in the log")

    def log(self):
        """The log output of this run (since start())."""
        with open(self.log_path, "rb") as f:
            f.seek(self._log_start)
            return f.read().decode("utf-8", "replace")

    def wait_log(self, pattern, timeout=DEFAULT_TIMEOUT, what=None):
        rx = re.compile(pattern)

        def probe():
            m = rx.search(self.log())
            if m:
                return m
            if self.proc.poll() is not None:
                fail("casewatchd exited (code %s) while waiting for %s; log:\n%s"
                     % (self.proc.returncode, what or pattern, self.log()[-4000:]))
            return None

        return wait_until(probe, timeout, what or ("log line /%s/" % pattern))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_alive(self, context=""):
        if not self.alive():
            fail("casewatchd died %s (exit code %s); log tail:\n%s"
                 % (context, self.proc.returncode, self.log()[-4000:]))

    def terminate(self, timeout=DEFAULT_TIMEOUT):
        """SIGTERM; waits; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            fail("casewatchd did not exit within %.0f s of SIGTERM; log tail:\n%s"
                 % (timeout, self.log()[-4000:]))
        self._closed()
        return rc

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._closed()

    def _closed(self):
        if self in Daemon._running:
            Daemon._running.remove(self)
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    @classmethod
    def stop_all(cls):
        for d in list(cls._running):
            try:
                if d.alive():
                    d.proc.kill()
                    d.proc.wait(10)
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
            d._closed()

    # -- observation --

    def metrics_text(self):
        status, body = http_get("http://127.0.0.1:%d/metrics" % self.metrics_port)
        if status != 200:
            fail("GET /metrics answered %d" % status)
        return body

    def metrics(self):
        return parse_metrics(self.metrics_text())

    def events_accepted(self, samples=None, feed=None):
        samples = samples if samples is not None else self.metrics()
        if feed is None:
            return metric_sum(samples, "casewatch_ingest_events_total")
        return metric_sum(samples, "casewatch_ingest_events_total", feed=feed)

    def wait_metric(self, pred, timeout=DEFAULT_TIMEOUT, what="a metric condition"):
        """Waits until pred(samples) is truthy; returns the samples."""
        holder = {}

        def probe():
            self.assert_alive("while waiting for %s" % what)
            s = self.metrics()
            holder["last"] = s
            return s if pred(s) else None

        return wait_until(probe, timeout, what, interval=0.1)

    @classmethod
    def start_bound(cls, args, data_dir, log_path, attempts=5, **kwargs):
        """Starts a daemon whose feed binds a port picked here; retries if another process
        grabbed the port in between."""
        for _ in range(attempts):
            d = cls(args, data_dir, log_path, feed_bind_port=free_port(), **kwargs)
            d.start(wait_ready=False)
            try:
                d.wait_ready()
                return d
            except TestFailure:
                if d.alive() or "Address already in use" not in d.log():
                    raise
                d._closed()
        fail("could not bind a feed port in %d attempts" % attempts)

    def db_path(self):
        return os.path.join(self.data_dir, "casewatch.db")

    def http_base(self, timeout=DEFAULT_TIMEOUT):
        """The HTTP API's base URL (http://host:port), from the log line naming its port."""
        m = self.wait_log(r"HTTP API and duty console on http://(\S+?)/ \(port (\d+)\)", timeout,
                          "the HTTP port")
        host = m.group(1).rsplit(":", 1)[0]
        return "http://%s:%s" % (host, m.group(2))

    def lines_fed(self, feed):
        """Lines of `feed` the daemon has taken so far: accepted, duplicates and rejected."""
        samples = self.metrics()
        return sum(metric_sum(samples, name, feed=feed) for name in (
            "casewatch_ingest_events_total", "casewatch_ingest_duplicates_total",
            "casewatch_ingest_rejected_total"))

    def digest(self, token):
        """GET /api/v1/digest (the state digest, with its parts) with a viewer's token."""
        req = urllib.request.Request(self.http_base() + "/api/v1/digest",
                                     headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def readyz(self):
        """(status, parsed JSON) of GET /readyz."""
        return http_json(self.http_base() + "/readyz")

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Waits for the process to exit by itself; returns its exit code."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            fail("casewatchd still runs %.0f s later, expected it to exit; log tail:\n%s"
                 % (timeout, self.log()[-4000:]))
        self._closed()
        return rc


class Postgres:
    """A real PostgreSQL server started by the test (tests/fakes/postgres_cluster.h does the same
    for the unit tests): initdb into a directory of its own under /tmp (the test's temp dir is
    root's alone, out of the server's reach; removed by stop(), its server.log copied to
    `log_copy` first), `postgres` on a free loopback port with its socket in
    `<dir>`, SCRAM password authentication. As root (CI) the server runs as nobody through setpriv
    (initdb refuses root), which also stops it should the test die. Roles: the superuser
    casewatch_admin (the test's own look at the tables) and casewatch_store (what the daemon gets),
    one password for both, in `password_file` (mode 0600)."""

    BIN = "/usr/lib/postgresql/15/bin/"
    PASSWORD = "casewatch-test-password"
    _running = []

    def __init__(self, log_copy=None):
        dir_ = tempfile.mkdtemp(prefix="cwpg-")
        self.dir = dir_
        self.log_copy = log_copy
        self.as_root = os.geteuid() == 0
        self.password_file = os.path.join(dir_, "store.pw")
        self._write(self.password_file, self.PASSWORD + "\n", server=False)
        self._write(os.path.join(dir_, "initdb.pw"), self.PASSWORD + "\n", server=True)
        self.log_path = os.path.join(dir_, "server.log")
        self._write(self.log_path, "", server=True, mode=0o644)
        if self.as_root:
            os.chown(dir_, 65534, 65534)
        os.chmod(dir_, 0o700)
        self.port = None
        self.proc = None

    def _write(self, path, text, server, mode=0o600):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        if server and os.geteuid() == 0:
            os.chown(path, 65534, 65534)

    def _as_server(self, cmd):
        if not self.as_root:
            return cmd
        return ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--pdeathsig=SIGINT"] + cmd

    def start(self):
        Postgres._running.append(self)
        with open(self.log_path, "ab") as log:
            initdb = subprocess.run(self._as_server([
                self.BIN + "initdb", "-D", os.path.join(self.dir, "data"), "-U", "casewatch_admin",
                "--pwfile=" + os.path.join(self.dir, "initdb.pw"), "-A", "scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]),
                stdout=log, stderr=subprocess.STDOUT, timeout=120)
            if initdb.returncode != 0:
                fail("initdb failed:\n" + open(self.log_path).read())
            self.port = free_port()
            self.proc = subprocess.Popen(self._as_server([
                self.BIN + "postgres", "-D", os.path.join(self.dir, "data"), "-k", self.dir,
                "-p", str(self.port), "-c", "listen_addresses=127.0.0.1"]),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def ready():
            if self.proc.poll() is not None:
                fail("postgres exited at start:\n" + open(self.log_path).read())
            return subprocess.run([self.BIN + "pg_isready", "-q", "-h", self.dir, "-p",
                                   str(self.port)]).returncode == 0
        wait_until(ready, message="postgres ready")
        self.sql("postgres", "CREATE ROLE casewatch_store LOGIN PASSWORD '%s'" % self.PASSWORD)
        return self

    def create_database(self, name):
        self.sql("postgres", "CREATE DATABASE %s OWNER casewatch_store" % name)
        return "host=127.0.0.1 port=%d dbname=%s user=casewatch_store" % (self.port, name)

    def sql(self, database, statement):
        """Runs `statement` as the superuser; its rows as lists of text."""
        out = subprocess.run(
            ["/usr/bin/psql", "-h", self.dir, "-p", str(self.port), "-U", "casewatch_admin",
             "-d", database, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
             "-c", statement],
            env=dict(os.environ, PGPASSWORD=self.PASSWORD), capture_output=True, text=True,
            timeout=60)
        if out.returncode != 0:
            fail("psql %r failed: %s" % (statement, out.stderr))
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            self.proc.wait(60)
        if self in Postgres._running:
            Postgres._running.remove(self)
        if self.log_copy and os.path.exists(self.log_path):
            shutil.copyfile(self.log_path, self.log_copy)
        shutil.rmtree(self.dir, ignore_errors=True)

    @classmethod
    def stop_all(cls):
        for p in list(cls._running):
            try:
                p.stop()
            except Exception:  # noqa: BLE001 - best-effort cleanup
                if p.proc:
                    p.proc.kill()
                shutil.rmtree(p.dir, ignore_errors=True)


def open_db_readonly(path):
    """The daemon's SQLite store, read-only (it is in WAL mode; works while the daemon runs)."""
    if not os.path.exists(path):
        fail("no store at %s" % path)
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)


# ---------------------------------------------------------------------------------------------
# ZeroMQ peers


class Pusher:
    """A PUSH socket; connects to an endpoint the daemon binds, or binds one for it to connect."""

    def __init__(self, ctx, connect=None, bind_host="127.0.0.1"):
        self.sock = ctx.socket(zmq.PUSH)
        self.sock.setsockopt(zmq.LINGER, 2000)
        self.sock.setsockopt(zmq.SNDTIMEO, int(DEFAULT_TIMEOUT * 1000))
        self.sock.setsockopt(zmq.SNDHWM, 0)
        if connect:
            self.sock.connect(connect)
            self.endpoint = connect
        else:
            port = self.sock.bind_to_random_port("tcp://%s" % bind_host)
            self.endpoint = "tcp://%s:%d" % (bind_host, port)

    def send(self, event, topic=None):
        body = event if isinstance(event, bytes) else (
            event.encode() if isinstance(event, str) else dumps(event).encode())
        try:
            if topic is None:
                self.sock.send(body)
            else:
                self.sock.send_multipart([topic.encode() if isinstance(topic, str) else topic, body])
        except zmq.Again:
            fail("PUSH send timed out: the daemon is not taking messages")

    def close(self):
        self.sock.close()


class Subscriber:
    """A SUB socket collecting the daemon's alert publications (topic, parsed JSON)."""

    def __init__(self, ctx, endpoint, prefix=b""):
        self.sock = ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.RCVHWM, 0)
        self.sock.setsockopt(zmq.SUBSCRIBE, prefix)
        # Reconnect quickly, so a SUB connected before the daemon binds joins as soon as it does.
        self.sock.setsockopt(zmq.RECONNECT_IVL, 10)
        self._monitor = self.sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
        self.sock.connect(endpoint)
        self.received = []  # (topic, dict)

    def wait_joined(self, timeout=DEFAULT_TIMEOUT):
        """Waits for the ZMTP handshake with the publisher; the subscription goes out right after,
        so a short pause then covers its trip (PUB drops everything until it has it)."""
        if self._monitor is None:
            return
        if not self._monitor.poll(int(timeout * 1000)):
            fail("the SUB did not connect to the daemon's PUB within %.0f s" % timeout)
        self._monitor.recv_multipart()
        self.sock.disable_monitor()
        self._monitor.close()
        self._monitor = None
        time.sleep(0.1)

    def poll(self, timeout_s=0.1):
        """Receives what is queued (waiting up to timeout_s for the first message)."""
        n = 0
        if self.sock.poll(int(timeout_s * 1000)):
            while True:
                try:
                    frames = self.sock.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                if len(frames) != 2:
                    fail("alert publication with %d frames (want 2: topic, JSON): %r"
                         % (len(frames), frames))
                topic = frames[0].decode()
                try:
                    body = json.loads(frames[1])
                except ValueError as e:
                    fail("alert publication is not JSON (%s): %r" % (e, frames[1][:500]))
                self.received.append((topic, body))
                n += 1
        return n

    def wait_for(self, pred, timeout=DEFAULT_TIMEOUT, what="an alert", daemon=None):
        """Waits for a publication (topic, alert) satisfying pred; returns it."""
        seen = 0
        deadline = time.monotonic() + timeout
        while True:
            for topic, body in self.received[seen:]:
                if pred(topic, body):
                    return topic, body
            seen = len(self.received)
            if time.monotonic() > deadline:
                fail("timed out after %.0f s waiting for %s; received so far: %s"
                     % (timeout, what, json.dumps(self.received[-5:], ensure_ascii=False)[:3000]))
            if daemon is not None:
                daemon.assert_alive("while waiting for %s" % what)
            self.poll(0.1)

    def drain(self, quiet_s=0.5):
        """Receives until nothing has come for quiet_s."""
        while self.poll(quiet_s):
            pass

    def close(self):
        if self._monitor is not None:
            self.sock.disable_monitor()
            self._monitor.close()
            self._monitor = None
        self.sock.close()


class JsonPostReceiver:
    """A loopback HTTP server keeping the JSON body of every POST (path, body), answering 200: an
    Alertmanager webhook receiver, or a stand-in for Alertmanager's POST /api/v2/alerts."""

    def __init__(self):
        self.posts = []
        self.lock = threading.Lock()
        me = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with me.lock:
                    me.posts.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self, path_suffix=""):
        with self.lock:
            return [b for p, b in self.posts if p.endswith(path_suffix)]

    def close(self):
        self.server.shutdown()


class Prometheus:
    """Debian's `prometheus` on a loopback port of its own, with the given configuration (a dict,
    written as YAML) and a TSDB in `workdir`; stopped by stop()."""

    def __init__(self, workdir, config):
        import yaml
        os.makedirs(workdir, exist_ok=True)
        self.port = free_port()
        self.config_path = os.path.join(workdir, "prometheus.yml")
        with open(self.config_path, "w") as f:
            yaml.safe_dump(config, f, sort_keys=False)
        self.log_path = os.path.join(workdir, "prometheus.log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + self.config_path,
             "--storage.tsdb.path=" + os.path.join(workdir, "tsdb"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.address = "127.0.0.1:%d" % self.port
        wait_until(self._ready, message="prometheus ready on %s" % self.address, interval=0.1)

    def _ready(self):
        if self.proc.poll() is not None:
            with open(self.log_path, "rb") as f:
                fail("prometheus exited %d:\n%s" % (self.proc.returncode,
                                                    f.read()[-3000:].decode("utf-8", "replace")))
        try:
            return http_get("http://%s/-/ready" % self.address, timeout=2)[0] == 200
        except OSError:
            return False

    def query(self, expr):
        """The result vector of an instant query (fails on an error)."""
        import urllib.parse
        status, doc = http_json("http://%s/api/v1/query?%s"
                                % (self.address, urllib.parse.urlencode({"query": expr})))
        if status != 200 or doc.get("status") != "success":
            fail("query %s: %d %s" % (expr, status, doc))
        return doc["data"]["result"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def run(cmd, timeout=120, env=None, check=None, input_bytes=None):
    """Runs a command; returns CompletedProcess (text). check=expected exit code, if any."""
    r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, input=input_bytes)
    r.stdout_text = r.stdout.decode("utf-8", "replace")
    r.stderr_text = r.stderr.decode("utf-8", "replace")
    if check is not None and r.returncode != check:
        fail("%s exited %d (want %d)\nstdout:\n%s\nstderr:\n%s"
             % (" ".join(cmd), r.returncode, check, r.stdout_text[-3000:], r.stderr_text[-3000:]))
    return r


def feedgen(args, out, cases, seed, truth=None, extra=()):
    cmd = [args.casewatch, "feedgen", "--cases", str(cases), "--seed", str(seed), "--out", out]
    if truth:
        cmd += ["--truth", truth]
    cmd += list(extra)
    return run(cmd, timeout=240, check=0)
