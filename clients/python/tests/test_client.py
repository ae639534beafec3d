"""SatwatchClient against the fake server: batching, ordering, retries, losses counted, decisions.

Run: python3 -m unittest discover -s clients/python/tests
"""

import json
import math
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import satwatch_client  # noqa: E402
from fake_satwatch import GO_ON, STOP, FakeSatwatch  # noqa: E402
from satwatch_client import SatwatchClient, SatwatchError, watch_loop  # noqa: E402

# Short waits everywhere: a test that needs more than a few seconds has found a bug.
FAST = {"flush_interval": 30.0, "backoff": 0.01, "max_backoff": 0.05, "timeout": 5.0}


class ClientBatchingTest(unittest.TestCase):

    def test_should_send_full_batches_then_the_rest_on_flush_in_logged_order(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "run-a", batch_size=10, **FAST)
            for step in range(24):
                client.log_loss(step, 3.0 - 0.01 * step, d2_tokens=1e6 * (step + 1))
            self.assertTrue(client.flush(10))
            client.close()

            sizes = [len(r.lines) for r in fake.posts()]
            # run_started + 24 losses = 25 events: batches of 10 as they fill, the 5 left on flush.
            self.assertEqual([10, 10, 5], sizes)
            events = fake.events()
            self.assertEqual("run_started", events[0]["type"])
            self.assertEqual(list(range(24)), [e["step"] for e in events[1:]])
            self.assertEqual(25, client.stats.sent)
            self.assertEqual(0, client.stats.lost)

    def test_should_send_a_partial_batch_after_the_flush_interval_without_a_flush_call(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "run-b", batch_size=100, flush_interval=0.2, timeout=5.0)
            client.log_loss(1, 2.5, d2_tokens=1e6)
            client.log_loss(2, 2.4, d2_tokens=2e6)
            # 0.2 s interval; 10 s is the generous deadline for a loaded machine.
            self.assertTrue(fake.wait_for_posts(1, timeout=10))
            self.assertEqual(3, len(fake.posts()[0].lines))
            client.close()

    def test_should_write_design_section_3_events(self):
        with FakeSatwatch() as fake:
            with SatwatchClient(fake.url, "cpt-code-1b", setting="cpt-code", d1_tokens=3e11, target_d2_tokens=5e10,
                                base_model="llama-1b-300b", params=1.1e9, tokens_per_step=4194304,
                                cost_per_billion_tokens=12.5, **FAST) as client:
                client.log_loss(1200, 2.314, d2_tokens=5.03e9, lr=3e-4)
                client.log_loss(1201, float("nan"), split="train")
                client.run_finished("completed")
            started, loss, diverged, finished = fake.events()
            self.assertEqual({"type": "run_started", "run_id": "cpt-code-1b", "setting": "cpt-code",
                              "base_model": "llama-1b-300b", "d1_tokens": 3e11, "params": 1.1e9,
                              "target_d2_tokens": 5e10, "tokens_per_step": 4194304, "cost_per_billion_tokens": 12.5},
                             {k: v for k, v in started.items() if k != "ts"})
            self.assertEqual({"type": "loss", "run_id": "cpt-code-1b", "step": 1200, "d2_tokens": 5.03e9,
                              "loss": 2.314, "split": "val", "lr": 3e-4},
                             {k: v for k, v in loss.items() if k != "ts"})
            # No d2_tokens: the server derives it from step x tokens_per_step. NaN is Python's bare token, which
            # the server's codec accepts as a divergence.
            self.assertNotIn("d2_tokens", diverged)
            self.assertTrue(math.isnan(diverged["loss"]))
            self.assertEqual("completed", finished["status"])
            self.assertRegex(started["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_should_reject_bad_arguments_in_the_caller_not_on_the_server(self):
        with FakeSatwatch() as fake:
            with SatwatchClient(fake.url, "run-c", **FAST) as client:
                with self.assertRaises(ValueError):
                    client.log_loss(-1, 2.0)
                with self.assertRaises(ValueError):
                    client.log_loss(1, 2.0, d2_tokens=-5)
                with self.assertRaises(TypeError):
                    client.log_loss(1, "two")
            with self.assertRaises(ValueError):
                SatwatchClient(fake.url, "")
            with self.assertRaises(ValueError):
                SatwatchClient(fake.url, "run-c", cost_per_billion_tokens=-1)

    def test_should_send_the_bearer_token_and_a_json_lines_body(self):
        with FakeSatwatch() as fake:
            with SatwatchClient(fake.url, "run-d", token="s3cret", **FAST) as client:
                client.log_loss(1, 2.0, d2_tokens=1.0)
                fake.set_decision("run-d", GO_ON)
                client.decision()
            post, get = fake.posts()[0], fake.gets()[0]
            self.assertEqual("Bearer s3cret", post.headers["Authorization"])
            self.assertEqual("Bearer s3cret", get.headers["Authorization"])
            self.assertEqual("application/x-ndjson", post.headers["Content-Type"])
            self.assertTrue(post.body.endswith(b"\n"))


class ClientRetryTest(unittest.TestCase):

    def test_should_retry_server_errors_with_backoff_and_deliver_each_event_once(self):
        with FakeSatwatch() as fake:
            fake.answer_next_posts((503, {"error": "streams not running"}), (500, b"oops"))
            with SatwatchClient(fake.url, "run-r", max_attempts=5, **FAST) as client:
                for step in range(5):
                    client.log_loss(step, 2.0, d2_tokens=float(step + 1))
            self.assertEqual(3, len(fake.posts()))
            self.assertEqual(fake.posts()[0].body, fake.posts()[2].body)
            stats = client.stats
            self.assertEqual((6, 2, 0), (stats.sent, stats.retries, stats.lost))

    def test_should_retry_when_the_server_is_not_listening(self):
        # A port with no server: connection refused is retried, then the batch counts as failed and is warned.
        with FakeSatwatch() as fake:
            url = fake.url
        client = SatwatchClient(url, "run-down", max_attempts=3, **FAST)
        client.log_loss(1, 2.0, d2_tokens=1.0)
        with self.assertLogs("satwatch_client", "WARNING") as logs:
            client.close(10)
        self.assertEqual((2, 2, 0), (client.stats.failed, client.stats.retries, client.stats.sent))
        self.assertTrue(any("not delivered after 3 attempt(s)" in m for m in logs.output), logs.output)

    def test_should_not_retry_a_bad_request_and_should_count_it_failed(self):
        with FakeSatwatch() as fake:
            fake.answer_next_posts((401, {"error": "missing bearer token"}))
            client = SatwatchClient(fake.url, "run-401", **FAST)
            client.log_loss(1, 2.0, d2_tokens=1.0)
            with self.assertLogs("satwatch_client", "WARNING") as logs:
                client.close(10)
            self.assertEqual(1, len(fake.posts()))
            self.assertEqual((2, 0), (client.stats.failed, client.stats.retries))
            self.assertTrue(any("missing bearer token" in m for m in logs.output), logs.output)

    def test_should_split_a_batch_the_server_finds_too_large(self):
        with FakeSatwatch() as fake:
            fake.answer_next_posts((413, {"error": "body too large"}))
            with SatwatchClient(fake.url, "run-413", batch_size=8, **FAST) as client:
                for step in range(7):
                    client.log_loss(step, 2.0, d2_tokens=float(step + 1))
            self.assertEqual([8, 4, 4], [len(r.lines) for r in fake.posts()])
            self.assertEqual(8, client.stats.sent)

    def test_should_honour_retry_after(self):
        with FakeSatwatch() as fake:
            fake.answer_next_posts((429, {"error": "slow down"}, {"Retry-After": "0.3"}))
            client = SatwatchClient(fake.url, "run-429", flush_interval=30.0, backoff=0.001, max_backoff=5.0)
            client.log_loss(1, 2.0, d2_tokens=1.0)
            begin = time.monotonic()
            client.close(10)
            # The 1 ms backoff would retry at once; Retry-After holds it back at least 0.3 s.
            self.assertGreaterEqual(time.monotonic() - begin, 0.3)
            self.assertEqual(2, client.stats.sent)

    def test_should_count_and_warn_about_lines_the_server_rejects(self):
        with FakeSatwatch() as fake:
            fake.answer_next_posts((202, {"published": 2, "rejected": [{"line": 2, "reason": "d2_tokens is NaN"}]}))
            client = SatwatchClient(fake.url, "run-rej", **FAST)
            client.log_loss(1, 2.0, d2_tokens=1.0)
            with self.assertLogs("satwatch_client", "WARNING") as logs:
                stats = client.close(10)
            self.assertEqual((1, 1), (stats.sent, stats.rejected))
            self.assertTrue(any("d2_tokens is NaN" in m for m in logs.output), logs.output)


class ClientQueueTest(unittest.TestCase):

    def test_should_not_block_training_when_the_queue_is_full_and_should_count_the_drops(self):
        with FakeSatwatch() as fake:
            fake.gate.clear()  # the server holds every POST: the sender is stuck on its first batch
            client = SatwatchClient(fake.url, "run-q", batch_size=5, max_queue=20, put_timeout=0.01, **FAST)
            begin = time.monotonic()
            with self.assertLogs("satwatch_client", "WARNING") as logs:
                accepted = [client.log_loss(step, 2.0, d2_tokens=float(step + 1)) for step in range(100)]
            elapsed = time.monotonic() - begin
            # 100 calls at most 10 ms each when full: well under 2 s even on a loaded machine.
            self.assertLess(elapsed, 2.0)
            self.assertIn(False, accepted)
            self.assertTrue(any("queue full" in m for m in logs.output), logs.output)
            fake.gate.set()
            with self.assertLogs("satwatch_client", "WARNING") as logs:
                stats = client.close(10)
            self.assertTrue(any("not delivered" in m for m in logs.output), logs.output)
            # Every event is accounted for: sent or dropped, and the dropped ones are exactly the refused calls.
            self.assertEqual(101, stats.sent + stats.dropped)
            self.assertEqual(accepted.count(False), stats.dropped)
            self.assertEqual(0, stats.pending)

    def test_should_count_events_logged_after_close_as_dropped(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "run-closed", **FAST)
            client.close(5)
            with self.assertLogs("satwatch_client", "WARNING"):
                self.assertFalse(client.log_loss(1, 2.0, d2_tokens=1.0))
            self.assertEqual(1, client.stats.dropped)

    def test_should_give_up_on_close_timeout_and_count_what_was_left(self):
        with FakeSatwatch() as fake:
            fake.answer_next_posts(*[(503, {"error": "down"})] * 50)
            client = SatwatchClient(fake.url, "run-slow", batch_size=2, max_attempts=50, flush_interval=30.0,
                                    backoff=0.2, max_backoff=0.2, timeout=5.0)
            for step in range(6):
                client.log_loss(step, 2.0, d2_tokens=float(step + 1))
            begin = time.monotonic()
            with self.assertLogs("satwatch_client", "WARNING"):
                stats = client.close(0.5)
            self.assertLess(time.monotonic() - begin, 5.0)
            self.assertEqual(0, stats.sent)
            self.assertEqual(7, stats.failed + stats.dropped)
            self.assertEqual(0, stats.pending)


class DecisionTest(unittest.TestCase):

    def test_should_read_the_decision_of_a_run_with_an_escaped_id(self):
        with FakeSatwatch() as fake:
            fake.set_decision("team/run 1", STOP)
            with SatwatchClient(fake.url, "team/run 1", **FAST) as client:
                self.assertEqual(STOP, client.decision())
                self.assertTrue(client.should_stop())
                self.assertTrue(client.stopped)
            self.assertEqual("/api/runs/team%2Frun%201/decision", fake.gets()[0].path)

    def test_should_raise_on_an_unknown_run_but_should_stop_answers_false(self):
        with FakeSatwatch() as fake:
            with SatwatchClient(fake.url, "unknown", **FAST) as client:
                with self.assertRaises(SatwatchError) as raised:
                    client.decision()
                self.assertEqual(404, raised.exception.status)
                self.assertIn("no run 'unknown'", str(raised.exception))
                self.assertFalse(client.should_stop())
                self.assertFalse(client.stopped)

    def test_should_answer_false_when_the_server_is_unreachable(self):
        with FakeSatwatch() as fake:
            url = fake.url
        client = SatwatchClient(url, "run-x", **FAST)
        with self.assertLogs("satwatch_client", "WARNING"):
            self.assertFalse(client.should_stop(timeout=2))
        client.close(0.1)

    def test_should_refuse_an_answer_without_a_boolean_stop(self):
        with FakeSatwatch() as fake:
            fake.set_decision("run-y", {"stop": "yes"})
            with SatwatchClient(fake.url, "run-y", **FAST) as client:
                with self.assertRaises(SatwatchError):
                    client.decision()


class WatchLoopTest(unittest.TestCase):

    def test_should_end_the_loop_when_satwatch_recommends_a_stop_and_finish_the_run_as_stopped(self):
        with FakeSatwatch() as fake:
            fake.set_decision("run-w", GO_ON)
            client = SatwatchClient(fake.url, "run-w", **FAST)
            done = []
            with self.assertLogs("satwatch_client", "WARNING") as logs:
                for step in watch_loop(client, range(1000), poll_every_steps=10):
                    client.log_loss(step, 3.0 / (1 + step), d2_tokens=float(step + 1))
                    done.append(step)
                    if step == 24:
                        fake.set_decision("run-w", STOP)
            client.close(5)
            self.assertTrue(any("stopping run run-w after 30 steps" in m for m in logs.output), logs.output)
            # Polls after steps 10, 20 (go on) and 30 (stop): the body ran for steps 0..29.
            self.assertEqual(list(range(30)), done)
            self.assertEqual(3, len(fake.gets()))
            self.assertEqual({"type": "run_finished", "status": "stopped"},
                             {k: fake.events()[-1][k] for k in ("type", "status")})
            self.assertTrue(satwatch_client.should_stop(client))

    def test_should_finish_the_run_as_interrupted_when_the_body_raises(self):
        with FakeSatwatch() as fake:
            client = SatwatchClient(fake.url, "run-f", **FAST)
            with self.assertRaises(RuntimeError):
                for step in watch_loop(client, range(10), poll_every_steps=100):
                    if step == 3:
                        raise RuntimeError("CUDA out of memory")
            client.close(5)
            self.assertEqual("interrupted", fake.events()[-1]["status"])


class StatsTest(unittest.TestCase):

    def test_stats_should_be_an_immutable_value(self):
        with FakeSatwatch() as fake:
            with SatwatchClient(fake.url, "run-s", **FAST) as client:
                stats = client.stats
        with self.assertRaises(AttributeError):
            stats.sent = 3
        self.assertEqual(json.loads(json.dumps(stats.as_dict())), stats.as_dict())


if __name__ == "__main__":
    unittest.main()
