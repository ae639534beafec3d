#!/usr/bin/env python3
"""Scores `satwatch backtest --json` stops on the OLMo-2 cosine ladder (BENCHMARKS §10.4) against a proxy truth.

A cosine run stopped at D2 = f·T and cooled down over the last c·T tokens ends at (f + c)·T. The ladder has, for each
model size, full cosine runs of 0.5, 1, 2, 5 and 10 × Chinchilla tokens; the loss a stop gives up is taken as the
final loss of a full cosine run of (f + c)·T tokens, interpolated between the ladder's final losses linearly in
ln(tokens), relative to the stopped run's own final loss (each final loss the mean of the last 3 points). A full cosine
run of a given length is at least as good as a stop-and-cooldown of that length in the WSD literature's measurements
(they are within a few tenths of a percent at a 10-20 % cooldown), so the proxy is, if anything, a lower bound of the
truth. Stops whose cooldown would end below the smallest run of the size are not scored.

Usage: satwatch backtest --calibrate none --json --input olmo2-cosine.jsonl | scripts/ladder-truth.py LADDER_CSV [C]
Standard library only.
"""
import csv
import json
import math
import sys
from collections import defaultdict


def main():
    ladder, cooldown = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    runs = defaultdict(list)
    with open(ladder) as f:
        for row in csv.DictReader(f):
            if row["c4_en"]:
                runs[row["run"]].append((float(row["tokens"]), float(row["c4_en"])))
    final = {}
    for run, pts in runs.items():
        pts.sort()
        final[run] = (pts[-1][0], sum(l for _, l in pts[-3:]) / 3)
    by_size = defaultdict(list)
    for run, (tokens, loss) in final.items():
        if "rerun" not in run:
            by_size[run.split("-")[0]].append((tokens, loss))
    for v in by_size.values():
        v.sort()

    report = json.load(sys.stdin)
    rows = []
    for r in report["runs"]:
        name = r["run_id"].split("/")[-1]
        stop = r.get("stop")
        if not stop:
            rows.append((name, None, None, None, r["reason"]))
            continue
        size = name.split("-")[0]
        target = r["target_d2_tokens"]
        end_tokens = (stop["budget_fraction"] + cooldown) * target
        ladder_pts = by_size[size]
        if end_tokens < ladder_pts[0][0]:
            rows.append((name, stop["budget_fraction"], stop["predicted_loss_given_up_upper"], None, "below the ladder"))
            continue
        loss_at = None
        for (t0, l0), (t1, l1) in zip(ladder_pts, ladder_pts[1:]):
            if t0 <= end_tokens <= t1:
                u = math.log(end_tokens / t0) / math.log(t1 / t0)
                loss_at = l0 + u * (l1 - l0)
        if loss_at is None:
            loss_at = ladder_pts[-1][1]
        own = final[name][1]
        rows.append((name, stop["budget_fraction"], stop["predicted_loss_given_up_upper"], (loss_at - own) / own, ""))
    stopped = [r for r in rows if r[1] is not None]
    scored = [r for r in stopped if r[3] is not None]
    for name, frac, upper, truth, note in rows:
        if frac is None:
            print("%-16s not stopped  %s" % (name, note))
        else:
            print("%-16s stop %3.0f %%  g+ %.2f %%  proxy truth %s %s" % (
                name, 100 * frac, 100 * upper, "%.2f %%" % (100 * truth) if truth is not None else "-", note))
    if scored:
        worst = max(scored, key=lambda r: r[3])
        print("stopped %d of %d; scored %d; proxy loss given up max %.2f %% (%s), mean %.2f %%; g+ below the proxy: %d"
              % (len(stopped), len(rows), len(scored), 100 * worst[3], worst[0],
                 100 * sum(r[3] for r in scored) / len(scored), sum(1 for r in scored if r[2] < r[3])))


if __name__ == "__main__":
    main()
