"""A simulated Hugging Face training loop that reports to a real satwatch server and obeys its stop recommendation.

The loop drives SatwatchCallback exactly as transformers' Trainer does (on_train_begin; per step on_step_end, then
on_log / on_evaluate, then a check of control.should_training_stop; on_train_end), with the fake Trainer objects of
trainer_fakes.py. Its validation loss follows a power law in D2 (billions of tokens)::

    L(D2) = E + B * D2^(-alpha)     (times 1 + noise * N(0, 1), seeded)

Give it an alpha well below what the server's law predicts for --d1-tokens and satwatch should open
EXPONENT_BELOW_PREDICTION or DIMINISHING_RETURNS, and the callback should stop the loop before --max-steps.

Each step takes --step-seconds of wall time (the simulated compute), so the server has time to fit and judge the
curve while the loop runs, as it would for a real job.

Prints one line at the end and exits with:
    0  STOPPED step=<n> of <max> alert=<type> tokens_saved=<x> reason=<sentence>
    3  COMPLETED step=<max> of <max> (no recommendation to stop came)
    4  the client lost events (printed as LOST ...), whatever the outcome

Usage: python3 simulated_loop.py --url http://127.0.0.1:8080 --run-id sim-1 --setting s --d1-tokens 3e11 ...
"""

import argparse
import logging
import math
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from satwatch_client import SatwatchCallback  # noqa: E402
from trainer_fakes import FakeArgs, FakeControl, FakeState  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="satwatch base URL")
    p.add_argument("--run-id", required=True)
    p.add_argument("--setting", default="synthetic")
    p.add_argument("--token", default=None, help="bearer token")
    p.add_argument("--d1-tokens", type=float, default=3e11, help="base-model pretraining tokens")
    p.add_argument("--target-d2-tokens", type=float, default=2e10, help="second-stage budget, tokens")
    p.add_argument("--max-steps", type=int, default=2000, help="steps in the budget")
    p.add_argument("--e", type=float, default=1.8, help="irreducible loss E")
    p.add_argument("--b", type=float, default=0.85, help="amplitude B (D2 in billions)")
    p.add_argument("--alpha", type=float, default=0.08, help="true D2 exponent")
    p.add_argument("--noise", type=float, default=0.003, help="relative noise of the val loss")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--eval-every", type=int, default=10, help="steps between evaluations")
    p.add_argument("--log-every", type=int, default=10, help="steps between train-loss logs")
    p.add_argument("--warmup-steps", type=int, default=20)
    p.add_argument("--step-seconds", type=float, default=0.02, help="simulated compute per step")
    p.add_argument("--poll-every-steps", type=int, default=10, help="steps between decision polls")
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    tokens_per_step = int(round(a.target_d2_tokens / a.max_steps))
    rng = random.Random(a.seed)
    callback = SatwatchCallback(
        url=a.url, run_id=a.run_id, setting=a.setting, d1_tokens=a.d1_tokens, target_d2_tokens=a.target_d2_tokens,
        token=a.token, tokens_per_step=tokens_per_step, stop_on_recommendation=True,
        poll_every_steps=a.poll_every_steps, poll_every_seconds=None, flush_interval=0.25, batch_size=64)
    args, state, control = FakeArgs(), FakeState(), FakeControl()

    def val_loss(d2_tokens):
        return (a.e + a.b * (d2_tokens / 1e9) ** (-a.alpha)) * (1 + a.noise * rng.gauss(0, 1))

    callback.on_train_begin(args, state, control)
    for step in range(1, a.max_steps + 1):
        time.sleep(a.step_seconds)
        state.global_step = step
        state.num_input_tokens_seen = step * tokens_per_step
        d2 = float(state.num_input_tokens_seen)
        callback.on_step_end(args, state, control)
        if step % a.log_every == 0:
            lr = 3e-4 * min(1.0, step / max(1, a.warmup_steps))
            callback.on_log(args, state, control, logs={"loss": val_loss(d2) + 0.02, "learning_rate": lr})
        if step % a.eval_every == 0:
            callback.on_evaluate(args, state, control, metrics={"eval_loss": val_loss(d2), "eval_runtime": 0.1})
        if control.should_training_stop:
            break
    callback.on_train_end(args, state, control)

    stats = callback.client.stats
    decision = callback.stop_decision
    if decision is not None:
        saved = decision.get("tokens_saved")
        print("STOPPED step=%d of %d alert=%s tokens_saved=%s reason=%s" % (
            state.global_step, a.max_steps, decision.get("alert_type"),
            "null" if saved is None or (isinstance(saved, float) and math.isnan(saved)) else "%.4g" % saved,
            decision.get("reason")))
        code = 0
    else:
        print("COMPLETED step=%d of %d" % (state.global_step, a.max_steps))
        code = 3
    print("EVENTS %r" % (stats,))
    if stats.lost:
        print("LOST %d events" % stats.lost)
        code = 4
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
    sys.exit(main())
