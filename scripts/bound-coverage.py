#!/usr/bin/env python3
"""Which upper bound on the loss given up covers the real cooldown-branch truth of shared/data/reuse-curves?

For every run and branch point f in 20/40/60 % of the budget, from the run's raw val points between 10 % of the
budget and f (no bins, no pooling: a prototype, not the tracker), three one-sided bounds (t = 1.7) on
g = (L(f) - L(0.9)) / L(0.9), the cooldown shift of DESIGN §4b included:
  long  - log-log line over the whole fit set (10 % .. f)
  local - log-log line over the last factor of two (f/2 .. f), the tracker's window
  tangent - straight line in D over the last factor of two, extrapolated to 90 % of the budget
and counts at how many of the 36 branch points each lies below the truth (scripts/reuse-truth.py's interpolation).
BENCHMARKS.md §5 quotes the counts. Usage: scripts/bound-coverage.py [shared/data/reuse-curves]; needs numpy.
"""
import importlib.util
import json
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("reuse_truth", os.path.join(here, "reuse-truth.py"))
rt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rt)

D = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "data", "reuse-curves")
files = [os.path.join(D, f, "satwatch-events-with-branches.jsonl") for f in ("cpu-cpt", "cpu-growth")]
truth = rt.load_truth(files)
runs = {}
for path in files:
    for line in open(path):
        e = json.loads(line)
        if e["type"] == "run_started" and "branch_of" not in e:
            runs[e["run_id"]] = {"T": e["target_d2_tokens"], "pts": []}
        elif e["type"] == "loss" and e["run_id"] in runs and e.get("split") == "val":
            runs[e["run_id"]]["pts"].append((e["d2_tokens"], e["loss"]))


def fit_line(u, y):
    X = np.vstack([np.ones_like(u), u]).T
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ beta
    cov = (r @ r / max(1, len(y) - 2)) * np.linalg.inv(X.T @ X)
    return beta, np.sqrt(np.diag(cov))


below = {"long": 0, "local": 0, "tangent": 0}
n = 0
print("%-18s %5s %7s %7s %7s %7s" % ("run", "f", "truth", "long", "local", "tangent"))
for run, r in runs.items():
    T = r["T"]
    pts = np.array(r["pts"], dtype=float)
    for f in (0.2, 0.4, 0.6):
        now = f * T
        m = (pts[:, 0] >= 0.1 * T) & (pts[:, 0] <= now)
        x, y = pts[m, 0], pts[m, 1]
        u, ly = np.log(x / now), np.log(y)
        q = 0.95 * T / (now + 0.05 * T)
        loc = x >= 0.5 * now
        (_, bg), (_, sg) = fit_line(u, ly)
        (_, bl), (_, sl) = fit_line(u[loc], ly[loc])
        (a, b), (_, s) = fit_line(x[loc] / T - f, y[loc])
        fall = -b + 1.7 * s
        bounds = {
            "long": q ** (-bg + 1.7 * sg) - 1,
            "local": q ** (-bl + 1.7 * sl) - 1,
            "tangent": fall * (0.9 - f) / (a - fall * (0.9 - f)),
        }
        tr = rt.at(truth[run], f)
        n += 1
        for k, v in bounds.items():
            below[k] += v < tr
        print("%-18s %4.0f%% %6.2f%% %6.2f%% %6.2f%% %6.2f%%" % (
            run, 100 * f, 100 * tr, 100 * bounds["long"], 100 * bounds["local"], 100 * bounds["tangent"]))
print("bound below the truth, of %d branch points: %s" % (n, below))
