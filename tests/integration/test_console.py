"""The duty console in a real browser: Debian's headless Chromium, driven through chromedriver's W3C
WebDriver HTTP API (plain urllib, no selenium).

casewatchd runs on event time with a duty officer's token; events PUSHed to its feed fire an overdue
alert. The page at / asks for the token, then shows the alert (by tier, with its reasons and
recommended actions); an acknowledgement typed and clicked in the page is visible through the API
with its author and note, and comes back to the page live. The language switch, the silence dialog,
the history and the other tabs are exercised too. The browser's console must stay free of errors.
A screenshot of the console is written under the build directory (test-output/console.png) and its
path printed, so that a person can look at it.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
import test_http_api as h  # noqa: E402  (the API helpers)
import zmq  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element identifier


class WebDriver:
    """Just enough of the W3C WebDriver protocol."""

    def __init__(self, tmp):
        self.port = cwtest.free_port()
        self.log_path = os.path.join(tmp, "chromedriver.log")
        self.profile = tempfile.mkdtemp(prefix="cw-chromium-", dir=tmp)
        self.proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % self.port, "--log-path=" + self.log_path],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        cwtest.wait_until(self._ready, message="chromedriver to start", interval=0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--user-data-dir=" + self.profile, "--window-size=1600,1000", "--lang=en-US"],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        value = self._call("POST", "/session", caps)
        self.session = value["sessionId"]

    def _ready(self):
        try:
            with urllib.request.urlopen(self.base + "/status", timeout=2) as r:
                return json.loads(r.read())["value"].get("ready")
        except (urllib.error.URLError, OSError, ValueError):
            if self.proc.poll() is not None:
                cwtest.fail("chromedriver exited with %s" % self.proc.returncode)
            return False

    def _call(self, method, path, body=None):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise WebDriverError("%s %s: %d %s" % (method, path, e.code, detail[:1000])) from None

    def cmd(self, method, path, body=None):
        return self._call(method, "/session/%s%s" % (self.session, path), body)

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css, within=None):
        path = "/element/%s/element" % within if within else "/element"
        return self.cmd("POST", path, {"using": "css selector", "value": css})[ELEMENT]

    def wait_find(self, css, what=None):
        def probe():
            try:
                return self.find(css)
            except WebDriverError:
                return None
        return cwtest.wait_until(probe, message=what or ("the element %s" % css), interval=0.1)

    def click(self, element):
        self.cmd("POST", "/element/%s/click" % element)

    def type(self, element, text):
        self.cmd("POST", "/element/%s/value" % element, {"text": text})

    def text(self, element):
        return self.cmd("GET", "/element/%s/text" % element)

    # The page re-renders its cards on every change (live updates), so an element found a moment
    # ago may be gone: these find by CSS and try again when the element went stale.
    def fresh(self, fn):
        for _ in range(100):
            try:
                return fn()
            except WebDriverError as e:
                if "stale element" not in str(e):
                    raise
                time.sleep(0.05)
        cwtest.fail("the page kept replacing the element")

    def text_of(self, css):
        """The element's text, or "" while no element matches: the page draws some parts only after
        a fetch (the history panel, a tab's table), so a wait polls until they are there."""
        def read():
            try:
                return self.text(self.find(css))
            except WebDriverError as e:
                if "no such element" in str(e):
                    return ""
                raise
        return self.fresh(read)

    def click_css(self, css):
        self.fresh(lambda: self.click(self.find(css)))

    def type_css(self, css, text):
        self.fresh(lambda: self.type(self.find(css), text))

    def displayed(self, element):
        return self.cmd("GET", "/element/%s/displayed" % element)

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
        return len(png)

    def browser_log(self):
        for path in ("/se/log", "/log"):
            try:
                return self.cmd("POST", path, {"type": "browser"})
            except WebDriverError:
                continue
        cwtest.fail("chromedriver gives no browser log")

    def quit(self):
        try:
            self._call("DELETE", "/session/%s" % self.session)
        except Exception:  # noqa: BLE001 - best effort
            pass
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class WebDriverError(Exception):
    pass


def severe(entries):
    return [e for e in entries if e.get("level") == "SEVERE"]


def test(args, tmp):
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            cwtest.fail("%s is missing: install chromium and chromium-driver (scripts/setup)" % tool)
    # Without a CJK font the Chinese page renders as empty boxes and its screenshot shows nothing.
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    if fonts.returncode != 0 or not fonts.stdout.strip():
        cwtest.fail("no Chinese font: install fonts-wqy-microhei (scripts/setup)")
    out_dir = os.path.join(os.path.dirname(os.path.abspath(args.casewatchd)), "test-output")
    os.makedirs(out_dir, exist_ok=True)

    ctx = zmq.Context()
    push = cwtest.Pusher(ctx)
    tokens = "[{name: '%s', role: duty_officer, token: %s}, {name: '%s', role: viewer, token: %s}]" % (
        h.DUTY[0], h.DUTY[1], h.VIEWER[0], h.VIEWER[1])
    d, api = h.start_daemon(args, tmp, "console", push.endpoint, tokens)
    red_alert = h.fire_overdue_alert(push, api, "WEB-A", "web-a")
    # A second, later alert: the page must list alerts by tier, then newest first.
    second = h.fire_overdue_alert(push, api, "WEB-B", "web-b", day0=3)
    push.send(b"\xff not even UTF-8")  # a dead letter for its tab

    wd = WebDriver(tmp)
    try:
        wd.go(api.base + "/")
        token_input = wd.wait_find("#token-input", "the token prompt")
        assert wd.displayed(token_input), "the page must ask for a token first"
        wd.type(token_input, h.DUTY[1])
        wd.click(wd.find("#login-button"))

        card_css = 'article[data-alert-id="%s"]' % red_alert["alert_id"]
        wd.wait_find(card_css, "the fired alert on the page")
        text = wd.text_of(card_css)
        assert "WEB-A" in text, "the alert card does not name its case: %r" % text
        assert "Send procedural reply" in text, "the recommended action is missing: %r" % text
        # The model's label comes from the model table (GET /api/v1/components).
        assert "Deadline" in text, "the model's label from the table is missing: %r" % text
        reasons = wd.js("return document.querySelector(arguments[0]).querySelectorAll('.reasons li').length;",
                        card_css)
        assert reasons >= 1, "the alert's reasons are not shown: %r" % text
        order = wd.js("return [...document.querySelectorAll('article[data-alert-id]')]"
                      ".map(e => [e.dataset.tier, e.dataset.alertId]);")
        tiers = [t for t, _ in order]
        rank = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
        assert tiers == sorted(tiers, key=lambda t: rank.get(t, 9)), "not grouped by tier: %s" % order
        ids = [i for _, i in order]
        assert ids.index(second["alert_id"]) < ids.index(red_alert["alert_id"]) or \
            rank[second["tier"]] != rank[red_alert["tier"]], "newest first within a tier: %s" % order
        cwtest.wait_until(lambda: wd.text_of("#live") == "LIVE", message="the live event stream")
        assert wd.text_of("#whoami") == h.DUTY[0]

        # Acknowledge from the page: type a note, click.
        note = "Calling the agency now — 已联系承办单位"
        wd.type_css(card_css + " input.note", note)
        wd.click_css(card_css + " .ack-btn")
        path = "/api/v1/alerts/" + red_alert["alert_id"]
        ack = cwtest.wait_until(lambda: h.api_ack(api, path), message="the page's acknowledgement in the API")
        assert ack["by"] == h.DUTY[0], "acknowledged by %r, want the token's name %r" % (ack["by"], h.DUTY[0])
        assert ack["note"] == note, "note %r, want %r" % (ack["note"], note)
        cwtest.wait_until(lambda: note in wd.text_of(card_css),
                          message="the acknowledgement shown on the page")

        # A change made elsewhere (the API) shows up without reloading.
        h.expect(api.post("/api/v1/alerts/%s/ack" % second["alert_id"], {"note": "from elsewhere"}), 200,
                 "ack through the API")
        cwtest.wait_until(lambda: "from elsewhere" in wd.text_of(
            'article[data-alert-id="%s"]' % second["alert_id"]),
            message="a change made through the API appearing live")

        # History.
        wd.click_css(card_css + " .history-btn")
        cwtest.wait_until(lambda: "acknowledged" in wd.text_of(card_css + " .history"),
                          message="the history with the acknowledgement")

        # Silence dialog, prefilled with the alert's subject.
        wd.click_css(card_css + " .silence-btn")
        values = wd.js("return [...document.querySelectorAll('#matchers .matcher')].map("
                       "m => m.querySelector('select').value + '=' + m.querySelector('input.value').value);")
        assert values == ["subject_kind=case", "subject_id=WEB-A"], values
        wd.type(wd.find("#silence-comment"), "handled by phone")
        wd.click(wd.find("#silence-submit"))
        silences = cwtest.wait_until(
            lambda: [s for s in api.get("/api/v1/silences")[1]["silences"] if s["comment"] == "handled by phone"]
            or None, message="the silence made in the page")
        assert silences[0]["created_by"] == h.DUTY[0], silences

        # Screenshot of the alerts (English), for a person to look at.
        wd.js("window.scrollTo(0, 0);")
        shot = os.path.join(out_dir, "console.png")
        size = wd.screenshot(shot)
        assert size > 10000, "the screenshot is suspiciously small (%d bytes)" % size
        print("screenshot: %s" % shot)

        # Language switch.
        wd.click(wd.find('#lang option[value="zh-CN"]'))
        cwtest.wait_until(lambda: "预警" in wd.text_of('.tabs button[data-tab="alerts"]'),
                          message="the Chinese tab names")
        cwtest.wait_until(lambda: "发送受理告知" in wd.text_of(card_css), message="Chinese actions")
        assert "办理时限" in wd.text_of(card_css), "the model's Chinese label from the table"
        shot_zh = os.path.join(out_dir, "console-zh.png")
        wd.screenshot(shot_zh)
        print("screenshot: %s" % shot_zh)
        wd.click(wd.find('#lang option[value="en"]'))

        # The other tabs.
        wd.click(wd.find('.tabs button[data-tab="silences"]'))
        cwtest.wait_until(lambda: "handled by phone" in wd.text_of("#silences"), message="the silences tab")
        wd.click(wd.find('.tabs button[data-tab="ledger"]'))
        cwtest.wait_until(lambda: wd.displayed(wd.find("#ledger")) and wd.text_of("#ledger"),
                          message="the ledger tab")
        wd.click(wd.find('.tabs button[data-tab="dead"]'))
        cwtest.wait_until(lambda: "invalid_json" in wd.text_of("#dead"), message="the dead letter tab")
        shot_dead = os.path.join(out_dir, "console-dead-letters.png")
        wd.screenshot(shot_dead)
        print("screenshot: %s" % shot_dead)

        # A viewer sees the alerts but no buttons that change anything.
        wd.click(wd.find("#signout"))
        wd.type(wd.wait_find("#token-input"), h.VIEWER[1])
        wd.click(wd.find("#login-button"))
        cwtest.wait_until(lambda: h.VIEWER[0] in wd.text_of("#whoami"), message="signed in as the viewer")
        wd.click(wd.find('.tabs button[data-tab="alerts"]'))
        wd.wait_find(card_css)
        assert wd.js("return document.querySelectorAll('.ack-btn, .resolve-btn, .silence-btn').length;") == 0, \
            "a viewer is offered buttons that change alerts"
        # The dead letters are for those on duty: the viewer is told so, and nothing is asked.
        wd.click(wd.find('.tabs button[data-tab="dead"]'))
        cwtest.wait_until(lambda: "duty officers" in wd.text_of("#dead"),
                          message="the dead letter tab refusing the viewer")

        errors = severe(wd.browser_log())
        assert not errors, "the browser console has errors:\n%s" % json.dumps(errors, indent=1)
    finally:
        wd.quit()
        shutil.rmtree(wd.profile, ignore_errors=True)

    rc = d.terminate()
    assert rc == 0, "SIGTERM: exit code %d" % rc
    push.close()
    ctx.term()


if __name__ == "__main__":
    cwtest.main(test)
