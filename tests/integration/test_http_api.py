"""The HTTP API v1 of the real casewatchd (contracts/alerts.md, "HTTP API, version 1").

casewatchd runs on event time with three tokens from `--set auth.tokens=[...]` (one read from a
token_file) and http.listen on a free port. Events PUSHed to its feed make a real overdue alert.
Then, over plain HTTP (python's urllib): every route answers as the contract says; 401/403/400/404
leave the alert exactly as it was; an acknowledgement through the API is recorded with the token's
name and note (in the alert, in its stored history and on the live event stream); silences are
created and expired; unack and resolve work; resolved alerts and dead letters come from the store;
the `casewatch` command-line client does the same. Finally: demo mode without tokens accepts the
public demo tokens, and no tokens outside demo mode means 401 everywhere.
"""

import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import zmq  # noqa: E402

VIEWER = ("vera", "viewer-token-0123")
DUTY = ("duty:li", "duty-token-4567")
LEADER = ("chief:wang", "leader-token-89ab")  # read from a token_file


def ts(day, hour=9, minute=0):
    import datetime
    d = datetime.date(2026, 3, 1) + datetime.timedelta(days=day)
    return "%sT%02d:%02d:00+08:00" % (d.isoformat(), hour, minute)


class Api:
    """A tiny client of the daemon's API: returns (status, parsed JSON or text)."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, token=None, body=None, raw_body=None, headers=None):
        data = None
        h = {"Accept": "application/json"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if raw_body is not None:
            data = raw_body if isinstance(raw_body, bytes) else raw_body.encode()
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text, ctype = r.status, r.read().decode("utf-8"), r.headers.get("Content-Type")
        except urllib.error.HTTPError as e:
            status, text, ctype = e.code, e.read().decode("utf-8", "replace"), e.headers.get("Content-Type")
        if ctype and ctype.startswith("application/json"):
            try:
                return status, json.loads(text)
            except ValueError:
                cwtest.fail("%s %s: %d with a body that is not JSON: %r" % (method, path, status, text[:500]))
        return status, text

    def get(self, path, token=VIEWER[1]):
        return self.call("GET", path, token)

    def post(self, path, body=None, token=DUTY[1], raw_body=None):
        return self.call("POST", path, token, body=body, raw_body=raw_body)

    def delete(self, path, token=DUTY[1]):
        return self.call("DELETE", path, token)


def expect(got, status, what):
    if got[0] != status:
        cwtest.fail("%s: HTTP %d, want %d; body: %s" % (what, got[0], status, json.dumps(got[1])[:800]
                                                         if not isinstance(got[1], str) else got[1][:800]))
    return got[1]


def expect_error(got, status, fragment, what):
    body = expect(got, status, what)
    assert isinstance(body, dict) and isinstance(body.get("error"), str), \
        "%s: a %d must carry {\"error\": ...}, got %r" % (what, status, body)
    assert fragment in body["error"], "%s: error %r does not name %r" % (what, body["error"], fragment)
    return body


def http_base(daemon):
    m = daemon.wait_log(r"HTTP API and duty console on (http://\S+/) \(port (\d+)\)", what="the HTTP port")
    return "http://127.0.0.1:%s" % m.group(2)


def start_daemon(args, tmp, name, push_endpoint, tokens_yaml, extra=()):
    sets = ["http.listen=127.0.0.1:0"]
    if tokens_yaml is not None:
        sets.append("auth.tokens=" + tokens_yaml)
    sets.extend(extra)
    d = cwtest.Daemon(args, os.path.join(tmp, name), os.path.join(tmp, name + ".log"),
                      feed_connect=push_endpoint, extra_sets=sets, publish=False)
    d.start()
    return d, Api(http_base(d))


def fire_overdue_alert(push, api, case_id, event_prefix, day0=0):
    """Registers case_id on day0 and moves the clock 10 days on: its procedural reply is overdue."""
    push.send(cwtest.registered(event_prefix + "-1", ts(day0), case_id, ["id:http-person-" + case_id]))
    push.send(cwtest.registered(event_prefix + "-2", ts(day0 + 10), case_id + "-LATER",
                                ["id:http-person-later-" + case_id]))

    def probe():
        st, body = api.get("/api/v1/alerts?model=overdue")
        if st != 200:
            return None
        for a in body["alerts"]:
            if a["subject"]["id"] == case_id and a["tier"] in ("orange", "red"):
                return a
        return None

    return cwtest.wait_until(probe, message="an overdue alert for %s in GET /api/v1/alerts" % case_id,
                             interval=0.1)


class EventStream:
    """GET /api/v1/events read incrementally (Server-Sent Events)."""

    def __init__(self, base, token):
        host, port = base.replace("http://", "").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self.conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + token})
        self.resp = self.conn.getresponse()
        self.buffer = b""
        self.events = []

    def wait_for(self, pred, what):
        deadline = time.monotonic() + cwtest.DEFAULT_TIMEOUT
        while True:
            for e in self.events:
                if pred(e):
                    return e
            if time.monotonic() > deadline:
                cwtest.fail("timed out waiting for %s on the event stream; got %s"
                            % (what, json.dumps(self.events)[-2000:]))
            try:
                chunk = self.resp.fp.read1(65536)
            except socket.timeout:
                continue
            if not chunk:
                cwtest.fail("the event stream ended while waiting for %s" % what)
            self.buffer += chunk
            while b"\n\n" in self.buffer:
                block, self.buffer = self.buffer.split(b"\n\n", 1)
                fields = {}
                for line in block.decode("utf-8").split("\n"):
                    if line.startswith(":") or ":" not in line:
                        continue
                    k, v = line.split(":", 1)
                    fields[k] = v[1:] if v.startswith(" ") else v
                if fields.get("event") == "change":
                    self.events.append(json.loads(fields["data"]))

    def close(self):
        self.conn.close()


def api_ack(api, path):
    """The alert's `ack` object once it has one (None before)."""
    st, body = api.get(path)
    return body["alert"].get("ack") if st == 200 else None


def snapshot(api, alert_id):
    """What a refused request must not change: the alert and its stored history."""
    st, body = api.get("/api/v1/alerts/" + alert_id, token=LEADER[1])
    assert st == 200, body
    return json.dumps(body["alert"], sort_keys=True), len(body["history"])


def run_client(args, api, *argv, token=None, env_token=None, check=0):
    env = dict(os.environ)
    env.pop("CASEWATCH_TOKEN", None)
    if env_token:
        env["CASEWATCH_TOKEN"] = env_token
    cmd = [args.casewatch] + list(argv) + ["--url", api.base]
    if token:
        cmd += ["--token", token]
    return cwtest.run(cmd, timeout=60, env=env, check=check)


def test(args, tmp):
    ctx = zmq.Context()
    push = cwtest.Pusher(ctx)
    token_file = os.path.join(tmp, "leader.token")
    with open(token_file, "w") as f:
        f.write(LEADER[1] + "\n")
    tokens = "[{name: '%s', role: viewer, token: %s}, {name: '%s', role: duty_officer, token: %s}, " \
             "{name: '%s', role: leader, token_file: '%s'}]" % (VIEWER[0], VIEWER[1], DUTY[0], DUTY[1],
                                                                LEADER[0], token_file)
    d, api = start_daemon(args, tmp, "main", push.endpoint, tokens)
    assert "public demo tokens" not in d.log(), "demo tokens offered outside demo mode"

    # Open routes.
    assert expect(api.call("GET", "/healthz"), 200, "GET /healthz") == {"status": "ok"}
    cwtest.wait_until(lambda: api.call("GET", "/readyz")[0] == 200, message="GET /readyz 200")
    st, page = api.call("GET", "/")
    assert st == 200 and "<html" in page and "console.js" in page, "GET / is not the console: %r" % page[:300]
    assert api.call("GET", "/console.js")[0] == 200

    stream = EventStream(api.base, VIEWER[1])
    alert = fire_overdue_alert(push, api, "HTTP-A", "http-a")
    alert_id = alert["alert_id"]
    assert alert["status"] == "firing", alert
    assert re.fullmatch(r"[0-9a-f]{16}", alert_id), alert_id
    # Published (so recorded) before it reaches the stream: from then on the history is complete.
    stream.wait_for(lambda e: e["change"] == "fired" and e["alert"]["alert_id"] == alert_id, "the firing")
    cwtest.wait_until(lambda: snapshot(api, alert_id)[1] >= 1, message="the fired alert in the store's history")
    before = snapshot(api, alert_id)

    # --- refusals change nothing ---
    path = "/api/v1/alerts/%s" % alert_id
    for token, status in ((None, 401), ("not-a-token", 401), (VIEWER[1], 403)):
        for method, p, body in (("POST", path + "/ack", {"note": "x"}), ("POST", path + "/unack", None),
                                ("POST", path + "/resolve", {"note": "x"}),
                                ("POST", "/api/v1/silences", {"matchers": [{"name": "tier", "value": "red"}],
                                                              "ends_at": ts(30), "comment": "c"}),
                                ("DELETE", "/api/v1/silences/anything", None)):
            expect_error(api.call(method, p, token, body=body), status, "" if status == 401 else "viewer",
                         "%s %s with %s" % (method, p, token))
    for p in ("/api/v1/alerts", path, "/api/v1/silences", "/api/v1/ledger", "/api/v1/dead-letters",
              "/api/v1/events"):
        expect_error(api.call("GET", p, None), 401, "missing token", "GET %s without a token" % p)
        expect_error(api.call("GET", p, "wrong"), 401, "unknown token", "GET %s with a wrong token" % p)
    expect_error(api.post(path + "/ack", raw_body="{not json"), 400, "not valid JSON", "ack with bad JSON")
    expect_error(api.post(path + "/ack", {"note": 42}), 400, "note: expected a string", "ack with a number")
    expect_error(api.post(path + "/ack", {"notes": "x"}), 400, "unknown field \"notes\"", "ack, typo")
    expect_error(api.post("/api/v1/silences", {"matchers": [{"name": "colour", "value": "red"}],
                                               "ends_at": ts(30), "comment": "c"}),
                 400, "matchers[0].name", "silence with an unknown label")
    expect_error(api.post("/api/v1/silences", {"matchers": [{"name": "tier", "value": "red"}],
                                               "ends_at": "soon", "comment": "c"}),
                 400, "ends_at", "silence with a bad time")
    expect_error(api.get("/api/v1/alerts?tier=crimson"), 400, "tier", "bad tier filter")
    expect_error(api.get("/api/v1/dead-letters?limit=x", token=DUTY[1]), 400, "limit", "bad limit")
    expect_error(api.post("/api/v1/alerts/ffffffffffffffff/ack", {"note": "x"}), 404, "", "ack unknown id")
    expect_error(api.get("/api/v1/alerts/ffffffffffffffff"), 404, "", "GET unknown id")
    expect_error(api.delete("/api/v1/silences/no-such-silence"), 404, "", "DELETE unknown silence")
    assert snapshot(api, alert_id) == before, "a refused request changed the alert or its history"

    # --- acknowledge: recorded with who and the note, live on the stream, in the history ---
    note = "called the agency; reply promised by Friday (周五前答复)"
    acked = expect(api.post(path + "/ack", {"note": note}), 200, "ack")["alert"]
    assert acked["status"] == "acknowledged" and acked["ack"]["by"] == DUTY[0] \
        and acked["ack"]["note"] == note, "ack answer: %s" % acked
    got = expect(api.get(path), 200, "GET the acknowledged alert")
    assert got["alert"]["ack"]["by"] == DUTY[0] and got["alert"]["ack"]["note"] == note, got["alert"]
    ev = stream.wait_for(lambda e: e["change"] == "acknowledged" and e["alert"]["alert_id"] == alert_id,
                         "the acknowledgement")
    assert ev["by"] == DUTY[0] and ev["alert"]["ack"]["note"] == note, ev
    assert any(e["change"] == "fired" and e["alert"]["alert_id"] == alert_id for e in stream.events), \
        "the stream did not carry the alert's firing: %s" % stream.events
    hist = cwtest.wait_until(
        lambda: [h for h in api.get(path)[1]["history"] if h["change"] == "acknowledged"] or None,
        message="the acknowledgement in the stored history")
    assert hist[0]["by"] == DUTY[0] and hist[0]["note"] == note, hist
    assert [a["alert_id"] for a in api.get("/api/v1/alerts?status=acknowledged")[1]["alerts"]] == [alert_id]
    expect_error(api.post(path + "/ack", {"note": "again"}, token=LEADER[1]), 409, "", "a second ack")

    # --- silences (the leader's token came from a file) ---
    created = expect(api.post("/api/v1/silences", {
        "matchers": [{"name": "subject_id", "value": "HTTP-Z", "is_regex": False}],
        "ends_at": ts(40), "comment": "test silence"}, token=LEADER[1]), 201, "create a silence")["silence"]
    assert created["created_by"] == LEADER[0] and created["status"] == "active", created
    listed = expect(api.get("/api/v1/silences"), 200, "list silences")
    assert created["id"] in [s["id"] for s in listed["silences"]], listed
    assert re.match(r"2026-03-11T", listed["now"]), "silences' now is the event clock: %r" % listed["now"]
    expired = expect(api.delete("/api/v1/silences/" + created["id"]), 200, "expire the silence")["silence"]
    assert expired["status"] == "expired" and expired.get("expired_by", DUTY[0]) == DUTY[0], expired

    # --- unack, resolve; resolved alerts from the store ---
    expect(api.post(path + "/unack", token=LEADER[1]), 200, "unack")
    assert api.get(path)[1]["alert"]["status"] == "firing"
    # A note that tries to forge a log line, and is long: logged escaped and cut at 200 bytes;
    # stored and answered whole.
    resolve_note = "replied by phone\n[error] FORGED LOG LINE \x1b[31m" + "z" * 300
    resolved = expect(api.post(path + "/resolve", {"note": resolve_note}), 200, "resolve")["alert"]
    assert resolved["status"] == "resolved", resolved
    logged = d.wait_log(r"resolved alert %s: \"(.*)\"\." % alert_id, what="the resolve log line")
    assert logged.group(1).startswith("replied by phone\\n[error] FORGED LOG LINE \\u001b[31m"), \
        logged.group(0)
    assert logged.group(1).endswith("\u2026 (+%d bytes)" % (len(resolve_note.encode()) - 200)), \
        logged.group(0)
    assert "\n[error] FORGED LOG LINE" not in d.log(), "a note forged a log line"
    assert alert_id not in [a["alert_id"] for a in api.get("/api/v1/alerts")[1]["alerts"]]
    cwtest.wait_until(lambda: alert_id in [a["alert_id"] for a in
                                           api.get("/api/v1/alerts?status=resolved")[1]["alerts"]],
                      message="the resolved alert in GET /api/v1/alerts?status=resolved")
    changes = cwtest.wait_until(
        lambda: (lambda h: h if h and h[-1]["change"] == "resolved" else None)(api.get(path)[1]["history"]),
        message="the resolution in the history")
    by_change = {h["change"]: h["by"] for h in changes}
    assert by_change.get("unacknowledged") == LEADER[0] and by_change.get("resolved") == DUTY[0], changes

    # --- dead letters and the ledger ---
    push.send(b"{this is not json")
    letters = cwtest.wait_until(
        lambda: [x for x in api.get("/api/v1/dead-letters?limit=10", token=DUTY[1])[1]["dead_letters"]
                 if x["reason"] == "invalid_json"] or None, message="the dead letter")
    # Not JSON: none of the body is kept, only its size and keyed digest (README "Privacy").
    assert letters[0]["feed"] == "f1" and "this is not json" not in letters[0]["raw"] \
        and json.loads(letters[0]["raw"])["dropped"] == "not_json" \
        and letters[0]["raw_size"] == len(b"{this is not json"), letters[0]
    # The dead letters are for those on duty: a viewer is refused, naming the role needed.
    expect_error(api.get("/api/v1/dead-letters"), 403, "duty_officer", "a viewer reading dead letters")
    assert isinstance(expect(api.get("/api/v1/ledger"), 200, "ledger")["ledger"], list)

    # --- the command-line client ---
    other = fire_overdue_alert(push, api, "HTTP-B", "http-b", day0=12)
    r = run_client(args, api, "alerts", token=VIEWER[1])
    assert other["alert_id"] in r.stdout_text and "HTTP-B" in r.stdout_text, r.stdout_text
    r = run_client(args, api, "alerts", "--tier", "purple", token=VIEWER[1], check=1)
    assert "400" in r.stderr_text and "tier" in r.stderr_text, r.stderr_text
    r = run_client(args, api, "ack", other["alert_id"], "--note", "from the CLI", token=VIEWER[1], check=1)
    assert "403" in r.stderr_text, r.stderr_text
    r = run_client(args, api, "ack", other["alert_id"], "--note", "from the CLI", env_token=DUTY[1])
    assert "Acknowledged" in r.stdout_text, r.stdout_text
    ack = api.get("/api/v1/alerts/" + other["alert_id"])[1]["alert"]["ack"]
    assert ack["by"] == DUTY[0] and ack["note"] == "from the CLI", ack
    r = run_client(args, api, "alerts", other["alert_id"], token=VIEWER[1])
    assert "acknowledged by duty:li" in r.stdout_text and "history:" in r.stdout_text, r.stdout_text
    r = run_client(args, api, "silence", "--match", "subject_id=HTTP-B", "--match", "model=~over.*",
                   "--comment", "cli", "--for", "2h", token=DUTY[1])
    sid = re.search(r"Silence (\S+) until (\S+)", r.stdout_text)
    assert sid, r.stdout_text
    assert sid.group(2).startswith("2026-03-23T"), "2 h from the daemon's event clock: %s" % sid.group(2)
    r = run_client(args, api, "silences", "--json", token=VIEWER[1])
    assert sid.group(1) in [s["id"] for s in json.loads(r.stdout_text)["silences"]], r.stdout_text
    run_client(args, api, "silence", "--expire", sid.group(1), token=DUTY[1])
    r = run_client(args, api, "dead-letters", "--limit", "5", token=DUTY[1])
    assert "invalid_json" in r.stdout_text, r.stdout_text
    r = run_client(args, api, "dead-letters", token=VIEWER[1], check=1)
    assert "403" in r.stderr_text, r.stderr_text
    run_client(args, api, "ledger", token=VIEWER[1])
    r = run_client(args, api, "alerts", check=1)
    assert "401" in r.stderr_text and "CASEWATCH_TOKEN" in r.stderr_text, r.stderr_text
    r = cwtest.run([args.casewatch, "alerts", "--url", "http://127.0.0.1:1"], check=2)
    assert "cannot connect" in r.stderr_text, r.stderr_text
    # The token from a file or the environment, quietly; from --token with a warning (ps shows it).
    viewer_file = os.path.join(tmp, "viewer.token")
    with open(viewer_file, "w") as f:
        f.write(VIEWER[1] + "\n")
    r = run_client(args, api, "alerts", "--token-file", viewer_file)
    assert "warning" not in r.stderr_text, r.stderr_text
    r = run_client(args, api, "alerts", env_token=VIEWER[1])
    assert "warning" not in r.stderr_text, r.stderr_text
    r = run_client(args, api, "alerts", token=VIEWER[1])
    assert "--token shows in `ps`" in r.stderr_text, r.stderr_text
    r = run_client(args, api, "alerts", "--token-file", os.path.join(tmp, "missing"), check=2)
    assert "--token-file: cannot read" in r.stderr_text, r.stderr_text

    # A silence that is still active when the daemon stops.
    kept = expect(api.post("/api/v1/silences", {
        "matchers": [{"name": "region", "value": "520399", "is_regex": False}],
        "ends_at": ts(60), "comment": "kept across a restart"}), 201, "a lasting silence")["silence"]

    # The two alerts as they stand (HTTP-A, resolved by hand, has since fired again at red).
    def state(alert_id):
        body = api.get("/api/v1/alerts/" + alert_id)[1]
        a = body["alert"]
        return (a["status"], a["tier"], a.get("ack"), [(h["change"], h["by"]) for h in body["history"]])
    def settled(i):
        # The history is recorded off the loop: take the state once two reads 0.3 s apart agree.
        first = state(i)
        time.sleep(0.3)
        return first if state(i) == first else None
    stood = {i: cwtest.wait_until(lambda i=i: settled(i), message="alert %s settled" % i)
             for i in (alert_id, other["alert_id"])}
    assert [c for c, _ in stood[alert_id][3]][:4] == ["fired", "acknowledged", "unacknowledged", "resolved"], stood

    stream.close()
    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d; log:\n%s" % (rc, d.log()[-3000:])

    # --- everything above is durable: a restart on the same data brings it back ---
    d, api = start_daemon(args, tmp, "main", push.endpoint, tokens)
    cwtest.wait_until(lambda: api.call("GET", "/readyz")[0] == 200, message="GET /readyz 200 after a restart")
    back = expect(api.get("/api/v1/alerts/" + other["alert_id"]), 200, "the acknowledged alert after a restart")
    assert back["alert"]["status"] == "acknowledged" and back["alert"]["ack"]["by"] == DUTY[0] \
        and back["alert"]["ack"]["note"] == "from the CLI", "the acknowledgement was lost: %s" % back["alert"]
    for i, before_restart in stood.items():
        assert state(i) == before_restart, "alert %s changed across a restart:\nbefore %s\nafter  %s" % (
            i, before_restart, state(i))
    silences = {x["id"]: x for x in api.get("/api/v1/silences")[1]["silences"]}
    assert kept["id"] in silences and silences[kept["id"]]["status"] == "active" \
        and silences[kept["id"]]["created_by"] == DUTY[0], "the silence was lost: %s" % silences
    assert silences.get(created["id"], {}).get("status", "expired") == "expired", silences
    rc = d.terminate()
    assert rc == 0, "SIGTERM after the restart: exit code %d; log:\n%s" % (rc, d.log()[-3000:])

    # --- demo mode without tokens: the public demo tokens, announced loudly ---
    demo, demo_api = start_daemon(args, tmp, "demo", push.endpoint, None, extra=["demo=true"])
    assert re.search(r"DEMO MODE: the HTTP API accepts the public demo tokens demo-viewer-token",
                     demo.log()), demo.log()[-2000:]
    assert demo_api.get("/api/v1/alerts", token="demo-viewer-token")[0] == 200
    assert demo_api.get("/api/v1/whoami", token="demo-duty-token")[1]["role"] == "duty_officer"
    assert demo_api.get("/api/v1/alerts", token=VIEWER[1])[0] == 401
    demo.terminate()

    # --- no tokens outside demo mode: 401 for every authenticated route ---
    bare, bare_api = start_daemon(args, tmp, "bare", push.endpoint, None)
    assert "auth.tokens is empty" in bare.log()
    for token in (None, "demo-leader-token", VIEWER[1]):
        assert bare_api.get("/api/v1/alerts", token=token)[0] == 401
        assert bare_api.post("/api/v1/silences", {}, token=token)[0] == 401
    assert bare_api.call("GET", "/healthz")[0] == 200
    bare.terminate()
    push.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
