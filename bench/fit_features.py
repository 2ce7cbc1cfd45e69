#!/usr/bin/python3
"""bench/fit_features.py: a prepared feature table for `casewatch fit escalation --features`.

  bench/fit_features.py [--rows 100000] [--seed 1] OUT.csv

The data of bench/logistic_fit_bench.cc (Escalation/Fit100kx20) as the CSV an analyst would hand
the tool (tools/fit/feature_csv.h): 20 features, 12 standard normal and 8 indicators of rate 0.3,
y drawn from the known model (intercept -1, slopes 0.4 and -0.3 alternating), `y` the last column.
Numbers are written as pandas' to_csv writes floats: the shortest text that reads back to the same
double (Python's repr, up to 17 significant digits). Seeded: the same arguments give the same
bytes. Debian's /usr/bin/python3 standard library only.
"""

import argparse
import math
import random

NORMAL, INDICATORS = 12, 8


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    names = [f"x{j + 1:02d}" for j in range(NORMAL + INDICATORS)]
    with open(args.out, "w", newline="") as f:
        f.write(",".join(names + ["y"]) + "\n")
        lines = []
        for _ in range(args.rows):
            row, eta = [], -1.0
            for j in range(NORMAL + INDICATORS):
                v = rng.gauss(0, 1) if j < NORMAL else (1 if rng.random() < 0.3 else 0)
                eta += (0.4 if j % 2 == 0 else -0.3) * v
                row.append(repr(v))
            y = 1 if rng.random() < 1 / (1 + math.exp(-eta)) else 0
            lines.append(",".join(row) + f",{y}\n")
            if len(lines) >= 10_000:  # a few large writes
                f.writelines(lines)
                lines = []
        f.writelines(lines)


if __name__ == "__main__":
    main()
