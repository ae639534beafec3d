"""SatwatchCallback with fake Trainer objects (no transformers needed), and its import with and without transformers.

Run: python3 -m unittest discover -s clients/python/tests
"""

import contextlib
import importlib.util
import io
import os
import sys
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import simulated_loop  # noqa: E402
from fake_satwatch import GO_ON, STOP, FakeSatwatch  # noqa: E402
from satwatch_client import SatwatchCallback, SatwatchClient  # noqa: E402
from trainer_fakes import FakeArgs, FakeControl, FakeState  # noqa: E402

FAST = {"flush_interval": 30.0, "backoff": 0.01, "max_backoff": 0.05, "timeout": 5.0}


class CallbackEventsTest(unittest.TestCase):

    def test_on_log_should_send_the_train_loss_with_the_tokens_the_trainer_counted(self):
        with FakeSatwatch() as fake:
            callback = SatwatchCallback(url=fake.url, run_id="hf-1", tokens_per_step=1000, **FAST)
            args, state, control = FakeArgs(), FakeState(global_step=40, num_input_tokens_seen=123456), FakeControl()
            callback.on_train_begin(args, state, control)
            callback.on_log(args, state, control, logs={"loss": 2.5, "learning_rate": 3e-4, "grad_norm": 1.0})
            # Eval metrics also reach on_log; they are sent by on_evaluate, not twice.
            callback.on_log(args, state, control, logs={"eval_loss": 2.6})
            callback.on_train_end(args, state, control)
            started, loss, finished = fake.events()
            self.assertEqual(("run_started", 1000), (started["type"], started["tokens_per_step"]))
            self.assertEqual({"step": 40, "d2_tokens": 123456.0, "loss": 2.5, "split": "train", "lr": 3e-4},
                             {k: loss[k] for k in ("step", "d2_tokens", "loss", "split", "lr")})
            self.assertEqual(("run_finished", "completed"), (finished["type"], finished["status"]))

    def test_on_evaluate_should_send_eval_loss_as_val_and_named_eval_sets_under_their_names(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "hf-2", **FAST)
            callback = SatwatchCallback(client, tokens_per_step=2048)
            # num_input_tokens_seen 0: the Trainer does not count tokens, so step x tokens_per_step is used.
            state = FakeState(global_step=100, num_input_tokens_seen=0)
            callback.on_evaluate(FakeArgs(), state, FakeControl(), metrics={
                "eval_loss": 2.25, "eval_code_loss": 1.5, "eval_runtime": 3.2, "eval_accuracy": 0.4,
                "epoch": 1.0})
            client.close(5)
            losses = [e for e in fake.events() if e["type"] == "loss"]
            self.assertEqual({("code", 1.5), ("val", 2.25)}, {(e["split"], e["loss"]) for e in losses})
            self.assertEqual({204800.0}, {e["d2_tokens"] for e in losses})

    def test_should_send_no_tokens_when_neither_the_trainer_nor_the_caller_knows_them(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "hf-3", **FAST)
            callback = SatwatchCallback(client)
            state = types.SimpleNamespace(global_step=7)  # an old Trainer state without the token counter
            callback.on_log(FakeArgs(), state, FakeControl(), logs={"loss": 3.0})
            client.close(5)
            self.assertNotIn("d2_tokens", fake.events()[-1])

    def test_should_ignore_trainer_events_it_does_not_handle(self):
        callback = SatwatchCallback(SatwatchClient("http://127.0.0.1:9", "hf-4", **FAST))
        self.assertIsNone(callback.on_prediction_step(FakeArgs(), FakeState(), FakeControl()))
        self.assertIsNone(callback.on_some_future_event(FakeArgs(), FakeState(), FakeControl(), extra=1))
        with self.assertRaises(AttributeError):
            callback.not_an_event
        callback.client.close(0.1)

    def test_should_refuse_a_client_and_client_arguments_together(self):
        client = SatwatchClient("http://127.0.0.1:9", "hf-5", **FAST)
        with self.assertRaises(ValueError):
            SatwatchCallback(client, url="http://127.0.0.1:9", run_id="other")
        with self.assertRaises(ValueError):
            SatwatchCallback()
        client.close(0.1)


class CallbackStopTest(unittest.TestCase):

    def test_should_stop_training_when_satwatch_recommends_it_polling_every_n_steps(self):
        with FakeSatwatch() as fake:
            fake.set_decision("hf-stop", GO_ON)
            callback = SatwatchCallback(url=fake.url, run_id="hf-stop", stop_on_recommendation=True,
                                        poll_every_steps=5, poll_every_seconds=None, **FAST)
            args, state, control = FakeArgs(), FakeState(), FakeControl()
            callback.on_train_begin(args, state, control)
            with self.assertLogs("satwatch_client", "WARNING") as logs:
                for step in range(1, 101):
                    state.global_step = step
                    if step == 12:
                        fake.set_decision("hf-stop", STOP)
                    callback.on_step_end(args, state, control)
                    if control.should_training_stop:
                        break
            callback.on_train_end(args, state, control)
            # Polls at steps 5 and 10 (go on), 15 (stop): training ends at step 15, not 100.
            self.assertEqual(15, state.global_step)
            self.assertEqual(15, callback.stop_step)
            self.assertEqual(3, len(fake.gets()))
            self.assertEqual("DIMINISHING_RETURNS", callback.stop_decision["alert_type"])
            self.assertTrue(any("Diminishing returns at 4e9 tokens" in m for m in logs.output), logs.output)
            self.assertEqual("stopped", fake.events()[-1]["status"])

    def test_should_not_poll_without_stop_on_recommendation(self):
        with FakeSatwatch() as fake:
            fake.set_decision("hf-nopoll", STOP)
            client = SatwatchClient(fake.url, "hf-nopoll", **FAST)
            callback = SatwatchCallback(client, poll_every_steps=1)
            control = FakeControl()
            for step in range(1, 20):
                callback.on_step_end(FakeArgs(), FakeState(global_step=step), control)
            client.close(1)
            self.assertFalse(control.should_training_stop)
            self.assertEqual([], fake.gets())

    def test_should_keep_training_when_the_decision_endpoint_fails(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "hf-404", **FAST)  # the fake knows no decision: 404
            callback = SatwatchCallback(client, stop_on_recommendation=True, poll_every_steps=1)
            control = FakeControl()
            for step in range(1, 4):
                callback.on_step_end(FakeArgs(), FakeState(global_step=step), control)
            client.close(1)
            self.assertFalse(control.should_training_stop)
            self.assertEqual(3, len(fake.gets()))


def _load_fresh(name):
    """Imports satwatch_client again under another module name, so the import-time base class is re-chosen."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(HERE), "satwatch_client.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CallbackImportTest(unittest.TestCase):

    def setUp(self):
        self._saved = sys.modules.get("transformers", None)
        self._had = "transformers" in sys.modules

    def tearDown(self):
        if self._had:
            sys.modules["transformers"] = self._saved
        else:
            sys.modules.pop("transformers", None)

    def test_should_import_without_transformers_and_never_import_it(self):
        sys.modules.pop("transformers", None)
        module = _load_fresh("satwatch_client_plain")
        self.assertEqual((object,), module.SatwatchCallback.__bases__)
        self.assertNotIn("transformers", sys.modules)

    def test_should_subclass_trainer_callback_when_transformers_is_loaded(self):
        fake_transformers = types.ModuleType("transformers")

        class TrainerCallback:
            def on_step_end(self, args, state, control, **kwargs):
                return control

        fake_transformers.TrainerCallback = TrainerCallback
        sys.modules["transformers"] = fake_transformers
        module = _load_fresh("satwatch_client_hf")
        self.assertTrue(issubclass(module.SatwatchCallback, TrainerCallback))


if __name__ == "__main__":
    unittest.main()


class SimulatedLoopTest(unittest.TestCase):
    """The script the Java PythonClientIT runs against the real server, here against the fake one."""

    @staticmethod
    def _run(fake, run_id):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = simulated_loop.main(["--url", fake.url, "--run-id", run_id, "--max-steps", "200",
                                        "--step-seconds", "0.001", "--poll-every-steps", "10"])
        return code, out.getvalue()

    def test_should_stop_at_the_first_poll_that_says_stop_and_exit_zero(self):
        with FakeSatwatch() as fake:
            fake.set_decision("sim-stop", STOP)
            with self.assertLogs("satwatch_client", "WARNING"):
                code, out = self._run(fake, "sim-stop")
            self.assertEqual(0, code, out)
            self.assertIn("STOPPED step=10 of 200 alert=DIMINISHING_RETURNS tokens_saved=1.6e+10", out)
            # Step 10's points are sent before the loop checks should_training_stop, as in the Trainer.
            losses = [e for e in fake.events() if e["type"] == "loss"]
            self.assertEqual([("train", 10), ("val", 10)], [(e["split"], e["step"]) for e in losses])
            self.assertEqual("stopped", fake.events()[-1]["status"])

    def test_should_run_the_whole_budget_and_exit_three_without_a_stop(self):
        with FakeSatwatch() as fake:
            fake.set_decision("sim-go", GO_ON)
            code, out = self._run(fake, "sim-go")
            self.assertEqual(3, code, out)
            self.assertIn("COMPLETED step=200 of 200", out)
            vals = [e for e in fake.events() if e["type"] == "loss" and e["split"] == "val"]
            self.assertEqual(20, len(vals))
            # 2e10 tokens over 200 steps: 1e8 tokens per step, from num_input_tokens_seen.
            self.assertEqual(2e10, vals[-1]["d2_tokens"])
            self.assertEqual(20, len(fake.gets()))
