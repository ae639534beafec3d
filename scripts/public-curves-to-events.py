#!/usr/bin/env python3
"""Writes satwatch JSONL events for the public from-scratch curves used by the backtest's false-stop check
(BENCHMARKS.md): Gemstones constant-LR main runs, OLMo-2 `wsd_const` and cosine ladder (c4_en validation loss)
and Pythia seeds (per-step train loss). Each run's `target_d2_tokens` is the tokens it actually trained (its budget). Standard
library only.

Usage: scripts/public-curves-to-events.py SHARED_DATA_DIR OUT_DIR
"""
import csv
import json
import os
import sys
from collections import OrderedDict


def write(path, runs, setting, split):
    with open(path, "w") as out:
        for run, pts in runs.items():
            pts.sort()
            target = pts[-1][0]
            out.write(json.dumps({"type": "run_started", "run_id": run, "setting": setting,
                                  "target_d2_tokens": target}) + "\n")
            for i, point in enumerate(pts):
                tokens, loss, lr = point[:3]
                step = point[3] if len(point) > 3 else i
                e = {"type": "loss", "run_id": run, "step": step, "d2_tokens": tokens, "loss": loss, "split": split}
                if lr is not None:
                    e["lr"] = lr
                out.write(json.dumps(e) + "\n")
            out.write(json.dumps({"type": "run_finished", "run_id": run, "status": "completed"}) + "\n")
    print("%s: %d runs" % (path, len(runs)))


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    runs = OrderedDict()
    for line in open(os.path.join(data, "real-curves/gemstones/wandb_df_for_fitting_hot_100b+_477.jsonl")):
        e = json.loads(line)
        runs.setdefault("gemstones/" + e["run_name"], []).append((float(e["tokens"]), float(e["final_loss"]), None))
    write(os.path.join(out, "gemstones.jsonl"), runs, "gemstones", "val")

    runs = OrderedDict()
    with open(os.path.join(data, "real-curves/olmo2-ladder/wsd_const.csv")) as f:
        for row in csv.DictReader(f):
            if row["c4_en"]:
                runs.setdefault("olmo2/" + row["run"], []).append(
                    (float(row["tokens"]), float(row["c4_en"]), float(row["lr"])))
    write(os.path.join(out, "olmo2-wsd-const.jsonl"), runs, "olmo2-c4", "val")

    # The cosine ladder with its real optimizer steps: the schedule-aware law counts the LR per step.
    runs = OrderedDict()
    with open(os.path.join(data, "real-curves/olmo2-ladder/ladder_cosine.csv")) as f:
        for row in csv.DictReader(f):
            if row["c4_en"]:
                runs.setdefault("olmo2-cosine/" + row["run"], []).append(
                    (float(row["tokens"]), float(row["c4_en"]), float(row["lr"]), int(row["step"])))
    write(os.path.join(out, "olmo2-cosine.jsonl"), runs, "olmo2-cosine-c4", "val")

    runs = OrderedDict()
    with open(os.path.join(data, "real-curves/pythia-seeds/train_loss_downsampled.csv")) as f:
        for row in csv.DictReader(f):
            step = int(row["step"])
            if step > 0:
                runs.setdefault("pythia/%s-seed%s" % (row["model_size"], row["seed"]), []).append(
                    (step * 2097152.0, float(row["train_loss"]), None))
    write(os.path.join(out, "pythia-seeds.jsonl"), runs, "pythia", "train")


if __name__ == "__main__":
    main()
