#!/usr/bin/python3
"""Reference fits of L = E + B * x^(-alpha) on real loss curves, for ReferenceAgreementTest.

Computes, with SciPy, the same estimator as dev.satwatch.fit.PowerLawFitter's defaults:
  minimise sum_i rho_delta(sqrt(w_i) * (ln(E + B x_i^-alpha) - ln y_i)),
  rho = Huber (scipy least_squares loss='huber', f_scale=delta), delta = 0.01,
  weights normalised to mean 1, bounds 0 <= E < min y, B > 0, alpha > 0,
with many starts so that the answer is the global optimum; and numpy.polyfit for the E-free
log-log slope (weighted least squares of ln y on ln x).

Writes src/test/resources/reference/reference_fits.json. Run with Debian's python3-scipy:
  /usr/bin/python3 scripts/reference_fit.py [--data DIR] [--out FILE]
"""

import argparse
import csv
import json
import math
import os
import platform
import sys

import numpy as np
import scipy
from scipy.optimize import least_squares

HUBER_DELTA = 0.01  # PowerLawFitter.DEFAULT_HUBER_DELTA
E_FRACTIONS = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.96, 0.98, 0.99, 0.995]
ALPHA_STARTS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2]
BURN_IN_FRACTION = 0.1  # DESIGN section 4: drop points before 10 % of the run's tokens


def fit_power_law(x, y, w, delta=HUBER_DELTA):
    """Multi-start TRF fit; returns the lowest-cost solution."""
    lx, ly = np.log(x), np.log(y)
    sw = np.sqrt(w / w.mean())
    ymin = y.min()

    def resid(p):
        e, b, a = p
        return sw * (np.log(e + b * np.exp(-a * lx)) - ly)

    def jac(p):
        e, b, a = p
        q = np.exp(-a * lx)
        m = e + b * q
        return (sw / m)[:, None] * np.stack([np.ones_like(lx), q, -b * q * lx], axis=1)

    lower = [0.0, 0.0, 0.0]
    upper = [ymin, np.inf, np.inf]
    best = None
    starts = 0
    for f in E_FRACTIONS:
        e0 = f * ymin
        for a0 in ALPHA_STARTS:
            # B from the mean of ln(y - E) + alpha ln x: the curve passes through the data on average.
            b0 = float(np.exp(np.mean(np.log(y - e0) + a0 * lx)))
            try:
                r = least_squares(resid, [e0, b0, a0], jac=jac, bounds=(lower, upper), method="trf",
                                  loss="huber", f_scale=delta, ftol=1e-15, xtol=1e-15, gtol=1e-15,
                                  max_nfev=20000)
            except ValueError:
                continue
            starts += 1
            if np.all(np.isfinite(r.x)) and (best is None or r.cost < best.cost):
                best = r
    e, b, a = (float(v) for v in best.x)
    return {"e": e, "b": b, "alpha": a, "converged": bool(best.success), "status": int(best.status),
            "cost": float(best.cost), "starts": starts}


def loglog(x, y, w):
    # polyfit weights multiply the residuals, so pass sqrt of the least-squares weights.
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1, w=np.sqrt(w))
    return float(-slope), float(intercept)


def olmo_wsd_const(data):
    path = os.path.join(data, "olmo2-ladder", "wsd_const.csv")
    runs = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            if row["c4_en"]:
                runs.setdefault(row["run"], []).append((float(row["tokens"]), float(row["c4_en"])))
    out = []
    for run in sorted(runs, key=lambda r: ["190M", "370M", "760M", "1B", "3B"].index(r.split("-")[0])):
        pts = sorted(runs[run])
        cut = BURN_IN_FRACTION * pts[-1][0]
        pts = [(t / 1e9, l) for t, l in pts if t > cut]
        out.append(curve("olmo2-" + run + "-c4_en", "olmo2-ladder/wsd_const.csv",
                         "run == %s, column c4_en, tokens > 10%% of the run's max tokens; x = tokens / 1e9" % run,
                         pts, None))
    return out


def gemstones(data, runs):
    path = os.path.join(data, "gemstones", "wandb_df_for_fitting_hot_100b+_477.jsonl")
    by_run = {r: [] for r in runs}
    with open(path) as fh:
        for line in fh:
            d = json.loads(line)
            if d["run_name"] in by_run:
                by_run[d["run_name"]].append((float(d["tokens"]), float(d["final_loss"])))
    out = []
    for r in runs:
        pts = sorted(by_run[r])
        cut = BURN_IN_FRACTION * pts[-1][0]
        pts = [(t / 1e9, l) for t, l in pts if t > cut]
        out.append(curve("gemstones-" + r, "gemstones/wandb_df_for_fitting_hot_100b+_477.jsonl",
                         "run_name == %s, column final_loss (validation), tokens > 10%% of max; "
                         "x = tokens / 1e9" % r, pts, None))
    return out


def multipowerlaw(data, size, name):
    path = os.path.join(data, "multipowerlaw", size, name + ".csv")
    with open(path, newline="") as fh:
        pts = sorted((float(r["step"]), float(r["loss"])) for r in csv.DictReader(fh))
    cut = BURN_IN_FRACTION * pts[-1][0]
    pts = [(s / 1e3, l) for s, l in pts if s > cut]
    return curve("multipowerlaw-%s-%s" % (size, name), "multipowerlaw/%s/%s.csv" % (size, name),
                 "all rows with step > 10%% of max step; x = step / 1000 (tokens per step are not stated in "
                 "the source; alpha and the log-log slope do not depend on the unit of x)", pts, None)


def pythia(data, size, seed):
    path = os.path.join(data, "pythia-seeds", "train_loss_downsampled.csv")
    raw = []
    with open(path, newline="") as fh:
        for r in csv.DictReader(fh):
            if r["model_size"] == size and r["seed"] == str(seed):
                raw.append((int(r["step"]), float(r["train_loss"])))
    raw.sort()
    tokens_per_step = 2097152  # Pythia paper: 1024 x 2048
    cut = BURN_IN_FRACTION * raw[-1][0]
    # Noisy per-batch train loss: average into bins of 1/16 decade of tokens (DESIGN section 4);
    # x = mean token count of the bin in billions, y = mean loss, w = points in the bin.
    bins = {}
    for step, loss in raw:
        if step > cut:
            t = step * tokens_per_step / 1e9
            k = math.floor(16 * math.log10(t))
            bins.setdefault(k, []).append((t, loss))
    xs, ys, ws = [], [], []
    for k in sorted(bins):
        b = bins[k]
        xs.append(sum(t for t, _ in b) / len(b))
        ys.append(sum(l for _, l in b) / len(b))
        ws.append(float(len(b)))
    return curve("pythia-%s-seed%d-train-binned" % (size, seed), "pythia-seeds/train_loss_downsampled.csv",
                 "model_size == %s, seed == %d, step > 10%% of max step; tokens = step x 2,097,152; binned by "
                 "floor(16 log10(tokens/1e9)): x = mean tokens/1e9, y = mean train_loss, w = count" % (size, seed),
                 list(zip(xs, ys)), ws)


def curve(name, source, selection, pts, w):
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    wv = np.ones_like(x) if w is None else np.array(w, dtype=float)
    fit = fit_power_law(x, y, wv)
    la, li = loglog(x, y, wv)
    return {"name": name, "source": source, "selection": selection, "x": x.tolist(), "y": y.tolist(),
            "w": None if w is None else wv.tolist(), "delta": HUBER_DELTA, "scipy": fit,
            "loglog_alpha": la, "loglog_intercept": li}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/work/shared/data/real-curves")
    ap.add_argument("--out", default=os.path.join(here, "..", "src", "test", "resources", "reference",
                                                  "reference_fits.json"))
    args = ap.parse_args()
    curves = []
    curves += olmo_wsd_const(args.data)
    curves += gemstones(args.data, ["PyGemma-256x23_pretrain", "PyGemma-1024x28_pretrain",
                                    "PyGemma-3072x12_pretrain"])
    curves.append(multipowerlaw(args.data, "100M", "constant_24000"))
    curves.append(multipowerlaw(args.data, "400M", "constant_72000"))
    curves.append(pythia(args.data, "160m", 0))
    doc = {"generated_by": "scripts/reference_fit.py",
           "scipy_version": scipy.__version__, "numpy_version": np.__version__,
           "python_version": platform.python_version(),
           "method": "scipy.optimize.least_squares(method='trf', loss='huber', f_scale=delta), "
                     "residual sqrt(w/mean w)*(ln(E+B x^-alpha) - ln y), bounds 0<=E<=min y, B>=0, alpha>=0, "
                     "%d x %d starts (E fraction x alpha), lowest cost kept; loglog: numpy.polyfit(ln x, ln y, 1, "
                     "w=sqrt(w))" % (len(E_FRACTIONS), len(ALPHA_STARTS)),
           "curves": curves}
    with open(args.out, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    for c in curves:
        s = c["scipy"]
        print("%-42s n=%3d e=%.4f b=%.4f alpha=%.5f conv=%s loglog=%.5f" % (
            c["name"], len(c["x"]), s["e"], s["b"], s["alpha"], s["converged"], c["loglog_alpha"]),
            file=sys.stderr)


if __name__ == "__main__":
    main()
