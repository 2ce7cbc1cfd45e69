#!/usr/bin/python3
"""The ceiling for `casewatch evaluate` on a feed made with `casewatch feedgen
--escalation-thresholds`: a logistic regression on the threshold mechanism's own inputs
(tools/feedgen/case_lifecycle.h, kThresholdEscalation), built from the checkpoint rows that
`casewatch evaluate --rows-out` writes, fitted on one seed's rows and judged (AUC) on another's.

  tools/evaluate/mechanism_ceiling.py CASEWATCH TRAIN.csv TEST.csv

The mechanism's inputs at a checkpoint, from the row's columns: days late in all (the four
days_late_* columns) >= 5 and >= 15, chased in person (contacts_90d >= 2: the registration and a
visit), the latest decision not upheld / partly upheld, its age (weekly bins: the review comes
3-28 days after the reply), a hearing held, and a stall (days_overdue >= 10, > 0) with and without
a chase. The terms are the mechanism's branches (its interactions), so the logistic can express
every rate it draws from. Fitted by `CASEWATCH fit escalation --features` (IRLS, ridge 1: some branches are
nearly separating on a large history);
printed twice: on the mechanism's terms alone, and with the model's features added (escalations
that are not the mechanism's: repeat petitioners, re-reviews). AUC by ranks, in pure Python.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile


FEATURES = None  # the model's feature columns (the CSV header less score and y)


def terms(r, with_features):
    late = sum(float(r[k]) for k in ("days_late_procedural_reply", "days_late_routing",
                                     "days_late_handling", "days_late_review"))
    chased = float(r["contacts_90d"]) >= 2
    nu = float(r["not_upheld"]) > 0
    pu = float(r["partly_upheld"]) > 0
    age = float(r["decision_age_days"])
    decided = float(r["decided"]) > 0
    hearing = float(r["hearing_held"]) > 0
    reviewed = float(r["review_requested"]) > 0
    over = float(r["days_overdue"])
    fresh = decided and not reviewed
    b = lambda x: 1.0 if x else 0.0
    out = {}
    # The decision branch, by the decision's age (the review comes 3-28 days after the reply).
    branches = {
        "nu_late_or_chased": fresh and nu and (late >= 5 or chased),
        "nu_no_hearing": fresh and nu and not (late >= 5 or chased) and not hearing,
        "nu_hearing": fresh and nu and not (late >= 5 or chased) and hearing,
        "partly_late15": fresh and pu and late >= 15,
        "decided_other": fresh and not nu and not (pu and late >= 15),
    }
    for name, on in branches.items():
        for lo, hi in ((0, 7), (7, 14), (14, 21), (21, 28), (28, 10000)):
            out[f"{name}_age{lo}"] = b(on and lo <= age < hi)
    # The ignored branch: a stall, chased or not.
    out["stall10_chased"] = b(over >= 10 and chased)
    out["stall_chased"] = b(0 < over < 10 and chased)
    out["stall10"] = b(over >= 10 and not chased)
    out["stall"] = b(0 < over < 10 and not chased)
    out["reviewed"] = b(reviewed)
    out["reviewed_nu"] = b(reviewed and nu)
    out["contacts_above_90d"] = b(float(r["contacts_above_90d"]) > 0)
    if with_features:
        # The decision columns are the branches' own (collinear with them): left to the branches.
        for k in FEATURES:
            if k not in ("decided", "not_upheld", "partly_upheld", "review_requested",
                         "decided_within_30d"):
                out["f_" + k] = float(r[k])
    return out


def load(path, with_features):
    global FEATURES
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        FEATURES = [c for c in reader.fieldnames if c not in ("score", "y")]
        rows = list(reader)
    return [terms(r, with_features) for r in rows], [float(r["y"]) for r in rows]


def auc(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    pos = sum(labels)
    neg = len(labels) - pos
    return (sum(r for r, l in zip(ranks, labels) if l > 0) - pos * (pos + 1) / 2) / (pos * neg)


def ceiling(casewatch, train, test, with_features, workdir):
    xa, ya = load(train, with_features)
    # A term the training rows never vary is left out (IRLS cannot tell it from the intercept).
    names = [n for n in xa[0] if len({xi[n] for xi in xa}) > 1]
    table = os.path.join(workdir, "ceiling_train.csv")
    with open(table, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names + ["y"])
        for xi, yi in zip(xa, ya):
            w.writerow([xi[n] for n in names] + [int(yi)])
    model = os.path.join(workdir, "ceiling_model.json")
    subprocess.run([casewatch, "fit", "escalation", "--features", table, "--out", model,
                    "--holdout", "0", "--l2", "1"], check=True)
    with open(model) as f:
        coefficients = json.load(f)["coefficients"]
    xb, yb = load(test, with_features)
    scores = [coefficients["intercept"] + sum(coefficients.get(n, 0.0) * xi[n] for n in names)
              for xi in xb]
    return auc(scores, yb), len(yb), int(sum(yb))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    casewatch, train, test = sys.argv[1:]
    with tempfile.TemporaryDirectory() as workdir:
        for with_features, what in ((False, "the mechanism's inputs"),
                                    (True, "the mechanism's inputs and the model's features")):
            a, n, pos = ceiling(casewatch, train, test, with_features, workdir)
            print(f"ceiling, a logistic on {what}: AUC {a:.3f} on {n} checkpoints "
                  f"({pos} escalated)")


if __name__ == "__main__":
    main()
