#!/usr/bin/env python3
"""Scores `satwatch backtest --json` against the real cooldown branches of shared/data/reuse-curves.

The truth of stopping run R at budget fraction f: the loss of R's cooldown branch started at f, relative to R's own
final loss (after its planned cooldown), (L_branch - L_final) / L_final. Branches exist at 20/40/60 % of the budget;
between them the truth is interpolated linearly, and it is 0 at 90 % where the run's own cooldown starts (as the
issue defines it). Before 20 % the 20 % value is used.

Usage: satwatch backtest --input A/satwatch-events.jsonl B/satwatch-events.jsonl --sweep ... --plateau ... --json \
         | scripts/reuse-truth.py A/satwatch-events-with-branches.jsonl B/satwatch-events-with-branches.jsonl
Standard library only.
"""
import json
import sys


def load_truth(paths):
    finals, branches, meta = {}, {}, {}
    for path in paths:
        last = {}
        for line in open(path):
            e = json.loads(line)
            if e["type"] == "run_started":
                meta[e["run_id"]] = e
            elif e["type"] == "loss" and e.get("split") == "val":
                last[e["run_id"]] = e["loss"]
        for run, m in meta.items():
            if run not in last:
                continue
            if "branch_of" in m:
                parent = meta[m["branch_of"]]
                frac = round(m["branch_at_d2_tokens"] / parent["target_d2_tokens"], 3)
                branches.setdefault(m["branch_of"], {})[frac] = last[run]
            else:
                finals[run] = last[run]
    truth = {}
    for run, final in finals.items():
        pts = sorted((f, (l - final) / final) for f, l in branches.get(run, {}).items())
        if pts:
            truth[run] = pts + [(0.9, 0.0)]
    return truth


def at(points, f):
    if f <= points[0][0]:
        return points[0][1]
    for (f0, g0), (f1, g1) in zip(points, points[1:]):
        if f <= f1:
            return g0 + (g1 - g0) * (f - f0) / (f1 - f0)
    return 0.0


def pct(v):
    return "  n/a" if v is None else "%5.2f" % (100 * v)


def score(stops, truth, budgets):
    saved = total = 0.0
    worst = 0.0
    n = 0
    for s in stops:
        run = s["run_id"]
        if run not in truth:
            continue
        total += budgets[run]
        if s["budget_fraction"] is None:
            continue
        n += 1
        saved += s["tokens_saved"] or 0.0
        worst = max(worst, at(truth[run], s["budget_fraction"]))
    return n, saved / total, worst


def main():
    doc = json.load(sys.stdin)
    truth = load_truth(sys.argv[1:])
    budgets = {r["run_id"]: r["target_d2_tokens"] for r in doc["runs"]}
    print("Per run (default settings): stop point and the truth from the cooldown branches")
    print("%-20s %8s %10s %10s %10s" % ("run", "stop@", "g+ pred", "truth", "own pts"))
    for r in doc["runs"]:
        s = r["stop"]
        if r["run_id"] not in truth:
            continue
        if s is None:
            print("%-20s %8s %10s %10s %10s" % (r["run_id"], "-", "-", "-", "-"))
        else:
            print("%-20s %7.0f%% %9.2f%% %9.2f%% %9.2f%%" % (r["run_id"], 100 * s["budget_fraction"],
                  100 * s["predicted_loss_given_up_upper"], 100 * at(truth[r["run_id"]], s["budget_fraction"]),
                  100 * r["loss_given_up"]))
    errs, uerrs, covered, n = [], [], 0, 0
    for r in doc["runs"]:
        for p in r.get("predictions", []):
            if r["run_id"] not in truth or p["loss_given_up"] is None:
                continue
            t = at(truth[r["run_id"]], p["at"])
            errs.append(p["loss_given_up"] - t)
            uerrs.append(p["loss_given_up_upper"] - t)
            covered += p["loss_given_up_upper"] >= t
            n += 1
    if n:
        print("\nPredicted loss given up at the branch points (--predict-at) vs the branch truth, %d predictions:" % n)
        print("  g  (point): mean error %+.2f points, mean |error| %.2f points" % (
            100 * sum(errs) / n, 100 * sum(abs(e) for e in errs) / n))
        print("  g+ (bound): mean excess %+.2f points; bound >= truth in %d of %d" % (100 * sum(uerrs) / n, covered, n))
        for r in doc["runs"]:
            if r["run_id"] in truth and r.get("predictions"):
                print("  %-20s %s" % (r["run_id"], "  ".join("%.0f%%: g %s g+ %s truth %5.2f" % (
                    100 * p["at"], pct(p["loss_given_up"]), pct(p["loss_given_up_upper"]),
                    100 * at(truth[r["run_id"]], p["at"])) for p in r["predictions"])))
    rows = [("satwatch", x["value"], x["stops"]) for x in doc.get("sweep", [])]
    rows += [("plateau", "%.2f%%" % (100 * x["tol"]), x["stops"]) for x in doc.get("plateau", [])]
    if rows:
        print("\nTrade-off by the branch truth (saved = share of all budgets, net of the cooldown)")
        print("%-10s %-8s %8s %9s %14s" % ("rule", "setting", "stopped", "saved", "max truth"))
        for rule, setting, stops in rows:
            n, saved, worst = score(stops, truth, budgets)
            print("%-10s %-8s %8d %8.1f%% %13.2f%%" % (rule, setting, n, 100 * saved, 100 * worst))


if __name__ == "__main__":
    main()
