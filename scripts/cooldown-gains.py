#!/usr/bin/env python3
"""Each cooldown branch's real gain over its parent at the same tokens (BENCHMARKS §9.0).

Usage: scripts/cooldown-gains.py ../shared/data/reuse-curves/cpu-cpt/satwatch-events-with-branches.jsonl

For every run whose run_started names branch_of: its final val loss against the mean of the parent's val points
within ±4 % of the branch's end tokens (the constant-LR run at the same D2), and against the parent at the branch
point. Prints one line per branch: id, branch point as a fraction of the parent's last D2, both gains in %.
"""
import collections
import json
import sys


def main(path):
    runs = collections.defaultdict(list)
    branches = {}
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e["type"] == "run_started" and e.get("branch_of"):
                branches[e["run_id"]] = (e["branch_of"], e["branch_at_d2_tokens"])
            if e["type"] == "loss" and e.get("split") == "val":
                runs[e["run_id"]].append((e["d2_tokens"], e["loss"]))

    def near(points, d2):
        close = [loss for x, loss in points if abs(x - d2) <= 0.04 * d2]
        return sum(close) / len(close) if close else float("nan")

    for branch, (parent, at) in branches.items():
        pts = sorted(runs[parent])
        end_d2, final = sorted(runs[branch])[-1]
        print(f"{branch:32s} at={at / pts[-1][0]:.2f} gain_vs_parent_then={100 * (1 - final / near(pts, end_d2)):5.2f}%"
              f" gain_vs_branch_point={100 * (1 - final / near(pts, at)):5.2f}%")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: cooldown-gains.py EVENTS.jsonl")
    main(sys.argv[1])
