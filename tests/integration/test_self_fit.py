"""The daemon fits escalation_risk on its own history, and refits the Hawkes parameters.

A feedgen history whose escalations follow thresholds of lateness, contacts and decisions
(--escalation-thresholds: a strong signal, though not a logistic in the features) is fed to casewatchd through a JSON Lines feed on event time, with the defaults of
models.escalation_risk.learn except a weekly refit. Checked:
  - the refits run on event time and are recorded in the store (model_fits) with a log line; one
    passes the gates (held-out AUC, calibration) and its coefficients are in use;
  - GET /api/v1/models (viewer token) shows escalation_risk learning, fitted, on how many rows,
    the held-out AUC and calibration table, the gates; repeat_visit's Hawkes μ, α, β in use;
  - no escalation_risk alert starts before the first accepted fit's event time;
  - the coefficients are printed; a decision not upheld raises the risk (the recovery of
    feedgen's logistic --escalation-model within 10 % with these same defaults is
    EscalationSelfFitTest.RecoversFeedgensKnownModel's, on 200,000 cases);
  - a restart keeps the fitted model (the same coefficients before any new refit).
"""

import datetime
import json
import os
import sys
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402

CASES = 6000
DAYS = 150
SEED = 7
VIEWER = "viewer-token-self-fit"
PRINTED = ("intercept", "not_upheld", "leader_assigned", "hearing_held", "aid_granted",
           "days_late_handling", "contacts_90d", "decided_within_30d")


def models_state(base):
    req = urllib.request.Request(base + "/api/v1/models",
                                 headers={"Authorization": "Bearer " + VIEWER})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200, r.status
        body = json.loads(r.read().decode())
    return {m["name"]: m["state"] for m in body["models"]}


def parse_ts(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test(args, tmp):
    feed = os.path.join(tmp, "feed.jsonl")
    cwtest.run([args.casewatch, "feedgen", "--cases", str(CASES), "--seed", str(SEED), "--days",
                str(DAYS), "--escalation-thresholds", "--follow-ups", "0.3", "--out", feed],
               timeout=240, check=0)
    data = os.path.join(tmp, "data")
    sets = ['feeds=[{name: history, kind: jsonl, endpoint: "%s"}]' % feed,
            "models.escalation_risk.learn.refit_every_days=7",
            "auth.tokens=[{name: vera, role: viewer, token: %s}]" % VIEWER]
    d = cwtest.Daemon(args, data, os.path.join(tmp, "daemon.log"), extra_sets=sets)
    d.start()
    base = d.http_base()
    d.wait_log(r"Feed history reached the end of its input", timeout=120, what="the end of the feed")
    d.wait_log(r"escalation_risk refit at .*: accepted", timeout=60, what="an accepted refit")

    def settled():
        st = models_state(base)
        return st["escalation_risk"]["fitted"] is not None and \
            st["repeat_visit"].get("latest_fit") is not None
    cwtest.wait_until(settled, timeout=60, message="the fits shown by GET /api/v1/models")
    state = models_state(base)
    esc, rep = state["escalation_risk"], state["repeat_visit"]
    print("escalation_risk:", json.dumps({k: esc[k] for k in ("mode", "alerting", "silent_reason")}))
    assert esc["mode"] == "learning" and esc["alerting"] is True, esc
    fitted = esc["fitted"]
    assert fitted["accepted"] and fitted["reason"] == "passed", fitted
    assert fitted["auc"] >= esc["learn"]["gates"]["min_auc"], fitted
    assert fitted["calibration_error"] <= esc["learn"]["gates"]["max_calibration_error"], fitted
    assert len(fitted["calibration"]) == 10 and fitted["rows"] > 1000, fitted
    # The rows of the last 30 days before the fit wait for a later one (only their escalations are
    # labelled yet).
    assert fitted["waiting_rows"] > 0, fitted
    print("fit at %s: %d rows of %d cases, held-out %d cases, AUC %.4f, ECE %.4f" % (
        fitted["at"], fitted["rows"], fitted["cases"], fitted["holdout_cases"], fitted["auc"],
        fitted["calibration_error"]))
    coef = esc["coefficients"]
    for name in PRINTED:
        print("  %-18s self-fit %+.3f" % (name, coef[name]))
    assert coef["not_upheld"] > 0, coef
    print("repeat_visit:", json.dumps(rep["hawkes"]), rep["hawkes_source"], rep["latest_fit"]["reason"])
    assert rep["hawkes_source"] in ("fitted", "configured"), rep
    assert rep["latest_fit"]["returns"] > 0, rep

    # The store: every refit recorded; no escalation alert starts before the first accepted fit.
    changes = cwtest.metric_sum(d.metrics(), "casewatch_alert_changes_total", model="escalation_risk")
    print("escalation_risk alert changes: %d" % changes)
    assert changes > 0, "no escalation_risk alert after the accepted fit"

    def recorded():
        db = cwtest.open_db_readonly(d.db_path())
        n = db.execute("SELECT count(*) FROM alerts WHERE model='escalation_risk'").fetchone()[0]
        db.close()
        return n > 0
    cwtest.wait_until(recorded, timeout=30, message="the escalation_risk alerts in the store")
    db = cwtest.open_db_readonly(d.db_path())
    fits = db.execute("SELECT at, rows, auc, calibration_error, accepted, reason FROM model_fits "
                      "WHERE model='escalation_risk' ORDER BY id").fetchall()
    rows = db.execute("SELECT count(*) FROM training_rows WHERE model='escalation_risk'").fetchone()[0]
    first_accepted = min(f[0] for f in fits if f[4])
    starts = [r[0] for r in db.execute(
        "SELECT min(starts_at) FROM alerts WHERE model='escalation_risk'")]
    db.close()
    print("%d refits recorded (%d accepted), %d training rows stored; first accepted at %s; "
          "first escalation alert at %s" % (len(fits), sum(1 for f in fits if f[4]), rows,
                                            first_accepted, starts[0]))
    assert any(not f[4] for f in fits), "no refit was refused before there were enough cases"
    assert starts[0] is not None, "no escalation alert after the fit"
    assert parse_ts(starts[0]) >= parse_ts(first_accepted), \
        "an escalation alert started at %s, before the first accepted fit (%s)" % (
            starts[0], first_accepted)

    # A restart keeps the fitted model: the last accepted one in the store.
    d.terminate()
    db = cwtest.open_db_readonly(d.db_path())
    last = json.loads(db.execute("SELECT json FROM model_fits WHERE model='escalation_risk' AND "
                                 "accepted=1 ORDER BY id DESC LIMIT 1").fetchone()[0])
    db.close()
    d2 = cwtest.Daemon(args, data, os.path.join(tmp, "daemon2.log"),
                       extra_sets=["feeds=[]", "models.escalation_risk.learn.refit_every_days=7",
                                   "auth.tokens=[{name: vera, role: viewer, token: %s}]" % VIEWER])
    d2.start()
    after = models_state(d2.http_base())["escalation_risk"]
    assert after["alerting"] is True and after["coefficients"] == last["coefficients"], after
    d2.terminate()


if __name__ == "__main__":
    cwtest.main(test)
