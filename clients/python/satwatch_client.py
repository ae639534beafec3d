"""satwatch client for training jobs: send loss events over HTTP and act on the early-stop recommendation.

Standard library only (urllib, json, threading); Python 3.8+.

Three ways to use it:

* :class:`SatwatchClient` for any loop::

      client = SatwatchClient("http://127.0.0.1:8080", "cpt-code-1b", setting="cpt-code",
                              d1_tokens=3e11, target_d2_tokens=5e10, tokens_per_step=4194304)
      client.run_started()
      for step in range(max_steps):
          loss = train_step()
          client.log_loss(step, loss, split="train", lr=lr)
          if step % 500 == 0 and client.should_stop():
              break
      client.run_finished("stopped" if client.stopped else "completed")
      client.close()

* :func:`watch_loop` wraps the step iterable and ends it when satwatch recommends a stop.
* :class:`SatwatchCallback` for the Hugging Face ``Trainer`` (``transformers`` is never imported by this module).

Events follow satwatch DESIGN §3 (``run_started``, ``loss``, ``run_finished``); they are batched by a background
thread and POSTed as JSON lines to ``/api/events``. The recommendation comes from ``GET /api/runs/{id}/decision``.

Delivery guarantees: ``log_loss`` never blocks the training loop for more than ``put_timeout`` seconds. Nothing is
lost silently: an event that cannot be queued (queue full), that the server rejects, or whose batch still fails
after ``max_attempts`` tries is counted in :attr:`SatwatchClient.stats` and reported with a ``logging`` warning
(logger ``satwatch_client``). Retries use exponential backoff with jitter and honour ``Retry-After``. Events of a
run are sent in order, one batch at a time, so the server sees them in the order they were logged.
"""

import json
import logging
import math
import queue
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

__all__ = [
    "ClientStats",
    "SatwatchCallback",
    "SatwatchClient",
    "SatwatchError",
    "should_stop",
    "watch_loop",
]

__version__ = "0.1.0"

log = logging.getLogger("satwatch_client")

# Statuses worth another try: the server or a proxy is overloaded or restarting. Every other 4xx means the request
# itself is wrong and would fail the same way again.
_RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

_EVAL_SPLIT = re.compile(r"^eval_(.+)_loss$")


class SatwatchError(Exception):
    """A request to satwatch failed. ``status`` is the HTTP status, or None when no response arrived."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class ClientStats:
    """A snapshot of a client's event counters (immutable).

    ``queued``: events accepted by :meth:`SatwatchClient.log_loss` and friends; ``sent``: events the server
    published; ``rejected``: events the server answered as invalid (it still dead-letters them); ``dropped``: events
    never queued because the queue was full, or still queued when :meth:`SatwatchClient.close` gave up; ``failed``:
    events whose batch failed after every retry (or with a non-retryable status); ``retries``: repeated POSTs;
    ``pending``: events queued or in flight now.
    """

    __slots__ = ("queued", "sent", "rejected", "dropped", "failed", "retries", "pending")

    def __init__(self, queued, sent, rejected, dropped, failed, retries, pending):
        for name, value in zip(self.__slots__, (queued, sent, rejected, dropped, failed, retries, pending)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("ClientStats is immutable")

    @property
    def lost(self):
        """Events that did not reach satwatch's topic as valid events: rejected + dropped + failed."""
        return self.rejected + self.dropped + self.failed

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __eq__(self, other):
        return isinstance(other, ClientStats) and self.as_dict() == other.as_dict()

    def __hash__(self):
        return hash(tuple(self.as_dict().values()))

    def __repr__(self):
        return "ClientStats(" + ", ".join("%s=%d" % kv for kv in self.as_dict().items()) + ")"


def _now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value, name):
    """``value`` as a float (accepts ints, numpy scalars, 0-d tensors); None stays None."""
    if value is None:
        return None
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError("%s must be a number, not %r" % (name, value)) from None


def _tokens(value, name):
    number = _number(value, name)
    if number is not None and (math.isnan(number) or math.isinf(number) or number < 0):
        raise ValueError("%s must be a finite non-negative number of tokens, got %r" % (name, value))
    return number


class SatwatchClient:
    """Sends one run's events to satwatch and reads its early-stop recommendation.

    The recommendation (computed by the server): satwatch bounds the share of the final loss the run gives up by
    stopping now and cooling down instead of training to its target, and recommends a stop while that upper 95 %
    bound is at most ``detect.stop.max.loss.given.up`` (a ``DIMINISHING_RETURNS`` alert is open for the run).

    Args:
        base_url: satwatch HTTP address, e.g. ``http://127.0.0.1:8080``.
        run_id: the run's id (the Kafka key: every event of the run carries it).
        setting: the run's setting (runs of one setting share a reuse law).
        d1_tokens: tokens the base model was pretrained on (raw tokens, not billions).
        target_d2_tokens: the second-stage token budget (raw tokens).
        token: bearer token, when the server has ``http.token`` set.
        batch_size: most events per POST.
        flush_interval: seconds an event may wait for a fuller batch before it is sent.
        base_model, params, tokens_per_step: optional run metadata (``tokens_per_step`` lets the server derive
            ``d2_tokens`` from ``step`` when an event has none).
        cost_per_billion_tokens: what a billion of this run's tokens cost (any currency); the server then prices
            the tokens a stop saves (``cost_saved``) at this rate instead of its configured default.
        max_queue: most events waiting to be sent; beyond it new events are dropped (counted and warned).
        put_timeout: longest a ``log_*`` call waits for room in a full queue, in seconds.
        max_attempts: tries per batch (the first POST included) before its events count as failed.
        backoff: first retry delay in seconds; it doubles per retry (with ±50 % jitter) up to ``max_backoff``.
        timeout: socket timeout of each request, in seconds.

    Thread safety: every public method may be called from any thread. One background daemon thread sends the
    batches; :meth:`close` (or leaving a ``with`` block) flushes and stops it.
    """

    def __init__(
        self,
        base_url,
        run_id,
        setting=None,
        d1_tokens=None,
        target_d2_tokens=None,
        token=None,
        batch_size=64,
        flush_interval=2.0,
        *,
        base_model=None,
        params=None,
        tokens_per_step=None,
        cost_per_billion_tokens=None,
        max_queue=10000,
        put_timeout=0.05,
        max_attempts=5,
        backoff=0.5,
        max_backoff=30.0,
        timeout=10.0,
    ):
        if not run_id or not isinstance(run_id, str):
            raise ValueError("run_id must be a non-empty string")
        if batch_size < 1 or max_queue < 1 or max_attempts < 1:
            raise ValueError("batch_size, max_queue and max_attempts must be at least 1")
        if flush_interval <= 0 or timeout <= 0 or backoff < 0 or put_timeout < 0:
            raise ValueError("flush_interval and timeout must be positive, backoff and put_timeout non-negative")
        self.base_url = base_url.rstrip("/")
        self.run_id = run_id
        self.setting = setting
        self.d1_tokens = _tokens(d1_tokens, "d1_tokens")
        self.target_d2_tokens = _tokens(target_d2_tokens, "target_d2_tokens")
        self.base_model = base_model
        self.params = _tokens(params, "params")
        self.tokens_per_step = None if tokens_per_step is None else int(tokens_per_step)
        self.cost_per_billion_tokens = _number(cost_per_billion_tokens, "cost_per_billion_tokens")
        cost = self.cost_per_billion_tokens
        if cost is not None and (math.isnan(cost) or math.isinf(cost) or cost < 0):
            raise ValueError("cost_per_billion_tokens must be a finite non-negative number, got %r" % (cost,))
        self.batch_size = int(batch_size)
        self.flush_interval = float(flush_interval)
        self.put_timeout = float(put_timeout)
        self.max_attempts = int(max_attempts)
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.timeout = float(timeout)
        self._token = token
        self._queue = queue.Queue(maxsize=int(max_queue))
        self._lock = threading.Condition()
        self._counts = dict.fromkeys(ClientStats.__slots__, 0)
        self._flush_requested = threading.Event()
        self._closing = threading.Event()
        self._abandon = threading.Event()
        self._detached = False
        self._started = False
        self._finished = False
        self._warned_at = {}
        self._random = random.Random()
        self._decision = None
        self._sender = threading.Thread(target=self._run_sender, name="satwatch-sender-" + run_id, daemon=True)
        self._sender.start()

    # ---- events --------------------------------------------------------------------------------------------------

    def run_started(self, ts=None):
        """Queues the ``run_started`` event with the run's metadata. Sent at most once (later calls do nothing).

        :meth:`log_loss` calls it on the first point when it was not called, so the metadata always arrives first.
        """
        with self._lock:
            if self._started:
                return
            self._started = True
        event = self._head("run_started", ts)
        for name in (
            "setting",
            "base_model",
            "d1_tokens",
            "params",
            "target_d2_tokens",
            "tokens_per_step",
            "cost_per_billion_tokens",
        ):
            value = getattr(self, name)
            if value is not None:
                event[name] = value
        self._put(event)

    def log_loss(self, step, loss, d2_tokens=None, split="val", lr=None, ts=None):
        """Queues one loss point.

        Args:
            step: optimizer step (non-negative integer).
            loss: the loss (nats/token). NaN or infinity is sent as such: satwatch reads it as a divergence.
            d2_tokens: second-stage tokens seen so far (raw tokens). When None, the server uses
                ``step × tokens_per_step`` (give ``tokens_per_step`` to the constructor).
            split: ``val`` (preferred for fitting), ``train``, or a named eval set.
            lr: the learning rate at this point (lets satwatch leave warmup and anneal points out of the fit).
            ts: event time (ISO-8601 string, datetime, or epoch seconds); now when None.

        Returns:
            True when queued; False when the queue stayed full for ``put_timeout`` (counted in ``stats.dropped``).
        """
        if step is None or int(step) < 0:
            raise ValueError("step must be a non-negative integer, got %r" % (step,))
        if not self._closing.is_set():
            self.run_started()
        event = self._head("loss", ts)
        event["step"] = int(step)
        tokens = _tokens(d2_tokens, "d2_tokens")
        if tokens is not None:
            event["d2_tokens"] = tokens
        loss = _number(loss, "loss")
        if loss is None:
            raise ValueError("loss is required (use float('nan') for a diverged loss)")
        event["loss"] = loss
        event["split"] = str(split)
        lr = _number(lr, "lr")
        if lr is not None and math.isfinite(lr):
            event["lr"] = lr
        return self._put(event)

    def run_finished(self, status="completed", ts=None):
        """Queues the ``run_finished`` event (at most once) and flushes. ``status`` is free-form."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
        event = self._head("run_finished", ts)
        event["status"] = str(status)
        self._put(event)
        self.flush()

    def _head(self, kind, ts):
        if ts is None:
            ts = _now_iso()
        elif isinstance(ts, datetime):
            ts = (ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)).isoformat()
        return {"type": kind, "run_id": self.run_id, "ts": ts}

    def _put(self, event):
        if self._closing.is_set():
            dropped = self._add("dropped", 1)
            self._warn("closed", "satwatch: client of run %s is closed; %s event dropped (%d dropped so far)",
                       self.run_id, event["type"], dropped)
            return False
        line = json.dumps(event, separators=(",", ":"), allow_nan=True)
        self._add("pending", 1)
        try:
            if self.put_timeout > 0:
                self._queue.put(line, timeout=self.put_timeout)
            else:
                self._queue.put_nowait(line)
        except queue.Full:
            self._add("pending", -1)
            dropped = self._add("dropped", 1)
            self._warn("full", "satwatch: event queue full (%d events); %d events dropped so far; is the server "
                       "reachable at %s?", self._queue.maxsize, dropped, self.base_url)
            return False
        self._add("queued", 1)
        return True

    # ---- flushing and closing ------------------------------------------------------------------------------------

    def flush(self, timeout=None):
        """Sends queued events now and waits until every one is sent, rejected or failed.

        Args:
            timeout: most seconds to wait; None waits as long as retries take.

        Returns:
            True when nothing is pending any more.
        """
        self._flush_requested.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while self._counts["pending"] > 0:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                if not self._sender.is_alive():
                    return False
                self._lock.wait(0.5 if remaining is None else min(remaining, 0.5))
            return True

    def close(self, timeout=30.0):
        """Flushes (up to ``timeout`` seconds), stops the sender thread and warns about any lost events.

        When the flush times out, the sender stops retrying: the batch in flight counts as failed and events still
        queued count as dropped. Events logged after close are dropped (and counted). Idempotent.

        Returns:
            the final :class:`ClientStats`.
        """
        if self._closing.is_set():
            return self.stats
        flushed = self.flush(timeout)
        self._closing.set()
        if not flushed:
            self._abandon.set()
        self._flush_requested.set()
        # The request in flight, if any, ends within its socket timeout.
        self._sender.join(timeout=self.timeout + 2.0)
        with self._lock:
            if self._sender.is_alive():
                # Stuck beyond its timeout: whatever it still holds is lost, and it must not count it twice.
                self._detached = True
                self._counts["dropped"] += self._counts["pending"]
                self._counts["pending"] = 0
        stats = self.stats
        if stats.lost:
            log.warning("satwatch: run %s closed with %d of %d events not delivered (rejected %d, dropped %d, "
                        "failed %d)", self.run_id, stats.lost, stats.queued + stats.dropped, stats.rejected,
                        stats.dropped, stats.failed)
        return stats

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    @property
    def stats(self):
        """The current :class:`ClientStats`."""
        with self._lock:
            return ClientStats(**self._counts)

    # ---- recommendation ------------------------------------------------------------------------------------------

    def decision(self, timeout=None):
        """The server's early-stop recommendation for this run.

        Returns:
            a dict ``{"stop": bool, "reason": str|None, "alert_type": str|None, "tokens_saved": float|None,
            "since": str|None, "loss_given_up": float|None, "loss_given_up_upper": float|None,
            "cost_saved": float|None}`` (the relative loss given up, its upper bound, and the tokens and cost a
            stop saves net of the cooldown).

        Raises:
            SatwatchError: the request failed, or the server answered an error (404 while it has not seen the
                run yet).
        """
        url = "%s/api/runs/%s/decision" % (self.base_url, urllib.parse.quote(self.run_id, safe=""))
        request = urllib.request.Request(url, headers=self._headers({"Accept": "application/json"}), method="GET")
        status, body, _ = self._send(request, self.timeout if timeout is None else timeout)
        if status != 200:
            raise SatwatchError("GET %s answered %d: %s" % (url, status, _error_text(body)), status)
        try:
            answer = json.loads(body.decode("utf-8"))
        except ValueError as e:
            raise SatwatchError("GET %s answered invalid JSON: %s" % (url, e), status) from None
        if not isinstance(answer, dict) or not isinstance(answer.get("stop"), bool):
            raise SatwatchError("GET %s answered no boolean 'stop': %r" % (url, answer), status)
        with self._lock:
            self._decision = answer
        return answer

    def should_stop(self, timeout=5.0):
        """True when satwatch recommends stopping this run now. Never raises: a failed request logs and answers
        False (training goes on when satwatch is unreachable or has not seen the run yet)."""
        try:
            answer = self.decision(timeout)
        except SatwatchError as e:
            if e.status == 404:
                # Normal early in a run: the server has not processed its first events yet.
                log.debug("satwatch: no decision for run %s yet: %s", self.run_id, e)
            else:
                self._warn("decision", "satwatch: no decision for run %s (training goes on): %s", self.run_id, e)
            return False
        return answer["stop"]

    @property
    def stopped(self):
        """True when the last decision read recommended a stop."""
        with self._lock:
            return bool(self._decision and self._decision.get("stop"))

    @property
    def last_decision(self):
        """The last decision read (a dict), or None."""
        with self._lock:
            return None if self._decision is None else dict(self._decision)

    # ---- sender thread -------------------------------------------------------------------------------------------

    def _run_sender(self):
        while True:
            if self._abandon.is_set():
                self._drain_as_dropped()
                return
            batch = self._next_batch()
            if batch:
                self._deliver(batch)
                self._add("pending", -len(batch))
            elif self._closing.is_set() and self._queue.empty():
                return

    def _drain_as_dropped(self):
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return
            self._add("pending", -1)
            self._add("dropped", 1)

    def _next_batch(self):
        """Blocks for the first event, then gathers up to ``batch_size`` until ``flush_interval`` after it."""
        batch = []
        try:
            batch.append(self._queue.get(timeout=0.2))
        except queue.Empty:
            if self._flush_requested.is_set() and self._queue.empty():
                self._flush_requested.clear()
            return batch
        deadline = time.monotonic() + self.flush_interval
        while len(batch) < self.batch_size:
            try:
                batch.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            if self._flush_requested.is_set() or self._closing.is_set():
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=min(remaining, 0.1)))
            except queue.Empty:
                pass
        return batch

    def _deliver(self, batch):
        """POSTs a batch with retries; splits it on 413. Counts every event as sent, rejected or failed."""
        body = ("\n".join(batch) + "\n").encode("utf-8")
        url = self.base_url + "/api/events"
        attempt = 0
        while True:
            attempt += 1
            request = urllib.request.Request(
                url, data=body, method="POST",
                headers=self._headers({"Content-Type": "application/x-ndjson", "Accept": "application/json"}))
            try:
                status, answer, headers = self._send(request, self.timeout)
                reason = "HTTP %d: %s" % (status, _error_text(answer))
            except SatwatchError as e:
                status, answer, headers, reason = None, b"", None, str(e)
            if status is not None and 200 <= status < 300:
                self._accepted(batch, answer)
                return
            if status == 413 and len(batch) > 1:
                half = len(batch) // 2
                self._deliver(batch[:half])
                self._deliver(batch[half:])
                return
            retryable = status is None or status in _RETRYABLE_STATUSES
            if not retryable or attempt >= self.max_attempts or self._abandon.is_set():
                break
            self._add("retries", 1)
            delay = self._retry_delay(attempt, headers)
            log.debug("satwatch: POST %s failed (%s); retry %d in %.2fs", url, reason, attempt, delay)
            # Waits on the abandon flag, so that a close() whose flush timed out does not sit out the backoff.
            if self._abandon.wait(delay):
                break
        failed = self._add("failed", len(batch))
        self._warn("failed", "satwatch: %d events of run %s not delivered after %d attempt(s) (%s); %d failed so far",
                   len(batch), self.run_id, attempt, reason, failed)

    def _accepted(self, batch, answer):
        rejected = []
        try:
            parsed = json.loads(answer.decode("utf-8")) if answer else {}
            if isinstance(parsed, dict) and isinstance(parsed.get("rejected"), list):
                rejected = parsed["rejected"]
        except ValueError:
            log.debug("satwatch: /api/events answered non-JSON; counting the batch as sent")
        self._add("sent", len(batch) - len(rejected))
        if rejected:
            total = self._add("rejected", len(rejected))
            first = rejected[0] if isinstance(rejected[0], dict) else {}
            self._warn("rejected", "satwatch: server rejected %d of %d events (first: line %s, %s); %d rejected so "
                       "far", len(rejected), len(batch), first.get("line"), first.get("reason"), total)

    def _retry_delay(self, attempt, headers=None):
        retry_after = None
        if headers is not None:
            value = headers.get("Retry-After")
            try:
                retry_after = float(value) if value is not None else None
            except ValueError:
                retry_after = None
        delay = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        delay *= 0.5 + self._random.random()
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff))
        return delay

    @staticmethod
    def _send(request, timeout):
        """One HTTP exchange: (status, body, headers) for any HTTP answer; SatwatchError when none arrived."""
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as e:
            try:
                body = e.read()
            except OSError:
                body = b""
            return e.code, body, e.headers
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise SatwatchError("%s %s failed: %s" % (request.get_method(), request.full_url, reason)) from None

    def _headers(self, extra):
        headers = {"User-Agent": "satwatch-python/%s" % __version__}
        headers.update(extra)
        if self._token:
            headers["Authorization"] = "Bearer " + self._token
        return headers

    def _add(self, name, n):
        """Adds ``n`` to a counter and returns its new value; wakes flush() waiters."""
        with self._lock:
            if not self._detached:
                self._counts[name] += n
                self._lock.notify_all()
            return self._counts[name]

    def _warn(self, kind, message, *args):
        """Warns at once the first time, then at most every 10 s per kind, so a dead server does not flood logs."""
        now = time.monotonic()
        with self._lock:
            last = self._warned_at.get(kind)
            if last is not None and now - last < 10.0:
                return
            self._warned_at[kind] = now
        log.warning(message, *args)


def _error_text(body):
    if not body:
        return "(empty body)"
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and "error" in parsed:
            return str(parsed["error"])
    except ValueError:
        pass
    return text[:200]


# ---- custom loops -----------------------------------------------------------------------------------------------


def should_stop(client, timeout=5.0):
    """Plain-function form of :meth:`SatwatchClient.should_stop`."""
    return client.should_stop(timeout)


def watch_loop(client, steps, poll_every_steps=100, poll_every_seconds=None, finish=True):
    """Yields from ``steps`` until satwatch recommends a stop (or ``steps`` ends).

    Sends ``run_started`` before the first step; polls the decision every ``poll_every_steps`` steps and/or every
    ``poll_every_seconds`` seconds (whichever comes first; at least one must be set). When ``finish`` is true it
    sends ``run_finished`` and flushes at the end: status ``stopped`` after a recommended stop, ``completed`` when
    ``steps`` ran out, ``interrupted`` when the caller left the loop (``break`` or an exception in its body). Log
    losses with ``client.log_loss`` in the body::

        for step in watch_loop(client, range(max_steps), poll_every_steps=50):
            client.log_loss(step, train_step(), split="train")
        if client.stopped:
            print("stopped early:", client.last_decision["reason"])
    """
    if poll_every_steps is None and poll_every_seconds is None:
        raise ValueError("set poll_every_steps or poll_every_seconds")
    client.run_started()
    poller = _Poller(poll_every_steps, poll_every_seconds)
    status = "completed"
    try:
        for count, step in enumerate(steps, start=1):
            yield step
            if poller.due(count) and client.should_stop():
                status = "stopped"
                log.warning("satwatch: stopping run %s after %d steps: %s", client.run_id, count,
                            (client.last_decision or {}).get("reason"))
                return
    except GeneratorExit:
        # The caller's loop ended before the iterable did; a generator cannot tell a break from an exception.
        status = "interrupted"
        raise
    finally:
        if finish:
            client.run_finished(status)


class _Poller:
    """When to poll: every ``every_steps`` steps or ``every_seconds`` seconds, whichever comes first."""

    def __init__(self, every_steps, every_seconds):
        if every_steps is not None and every_steps < 1:
            raise ValueError("poll_every_steps must be at least 1")
        if every_seconds is not None and every_seconds <= 0:
            raise ValueError("poll_every_seconds must be positive")
        self.every_steps = every_steps
        self.every_seconds = every_seconds
        self.last_step = 0
        self.last_time = time.monotonic()

    def due(self, step):
        now = time.monotonic()
        by_steps = self.every_steps is not None and step - self.last_step >= self.every_steps
        by_time = self.every_seconds is not None and now - self.last_time >= self.every_seconds
        if by_steps or by_time:
            self.last_step = step
            self.last_time = now
            return True
        return False


# ---- Hugging Face Trainer ---------------------------------------------------------------------------------------


def _callback_base():
    """``transformers.TrainerCallback`` when transformers is already imported, else ``object``.

    This module never imports transformers itself (it is slow to import and often absent). The Trainer calls
    callbacks by method name, so the plain class works with it too; it answers every other ``on_*`` event with a
    no-op, as TrainerCallback does.
    """
    module = sys.modules.get("transformers")
    base = getattr(module, "TrainerCallback", None) if module is not None else None
    return base if isinstance(base, type) else object


class SatwatchCallback(_callback_base()):
    """Hugging Face ``Trainer`` callback: sends train and eval losses to satwatch and, when asked, stops training
    when satwatch recommends it.

    * ``on_log``: the train ``loss`` (split ``train``) with ``learning_rate`` as ``lr``.
    * ``on_evaluate``: ``eval_loss`` (split ``val``) and every ``eval_<name>_loss`` (split ``<name>``).
    * Tokens: ``state.num_input_tokens_seen`` when the Trainer counts them
      (``TrainingArguments(include_num_input_tokens_seen=True)``), else ``global_step × tokens_per_step``, else
      none (the server then needs ``tokens_per_step`` from ``run_started``).
    * With ``stop_on_recommendation=True``: on ``on_step_end`` polls the decision every ``poll_every_steps`` steps
      or ``poll_every_seconds`` seconds, and sets ``control.should_training_stop = True`` when it says stop, logging
      the reason (logger ``satwatch_client``). A failed poll never stops training.
    * ``on_train_end``: ``run_finished`` (``stopped`` after a recommended stop, else ``completed``) and flush; the
      client is closed when the callback created it.

    Give either a ready ``client`` or the :class:`SatwatchClient` arguments as keywords (``url`` for
    ``base_url``). Not thread-safe: the Trainer calls it from its training thread.
    """

    def __init__(self, client=None, *, url=None, run_id=None, tokens_per_step=None, stop_on_recommendation=False,
                 poll_every_steps=50, poll_every_seconds=60.0, **client_kwargs):
        if client is None:
            if url is None or run_id is None:
                raise ValueError("give a SatwatchClient or url= and run_id=")
            client = SatwatchClient(url, run_id, tokens_per_step=tokens_per_step, **client_kwargs)
            self._owns_client = True
        else:
            if url is not None or run_id is not None or client_kwargs:
                raise ValueError("give either a SatwatchClient or its arguments, not both")
            self._owns_client = False
        self.client = client
        self.tokens_per_step = tokens_per_step if tokens_per_step is not None else client.tokens_per_step
        self.stop_on_recommendation = bool(stop_on_recommendation)
        self._poller = _Poller(poll_every_steps, poll_every_seconds)
        self.stop_decision = None
        self.stop_step = None

    def __getattr__(self, name):
        # Trainer events this class does not handle (and ones newer transformers versions add) are no-ops.
        if name.startswith("on_"):
            return _ignore_event
        raise AttributeError(name)

    def _d2_tokens(self, state):
        seen = getattr(state, "num_input_tokens_seen", None)
        if seen:
            return float(seen)
        step = getattr(state, "global_step", None)
        if self.tokens_per_step and step is not None:
            return float(step) * self.tokens_per_step
        return None

    def on_train_begin(self, args, state, control, **kwargs):
        self.client.run_started()
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs and logs["loss"] is not None:
            self.client.log_loss(state.global_step, logs["loss"], d2_tokens=self._d2_tokens(state), split="train",
                                 lr=logs.get("learning_rate"))
        return control

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        for key, value in sorted((metrics or {}).items()):
            if value is None:
                continue
            if key == "eval_loss":
                split = "val"
            else:
                match = _EVAL_SPLIT.match(key)
                if not match:
                    continue
                split = match.group(1)
            self.client.log_loss(state.global_step, value, d2_tokens=self._d2_tokens(state), split=split)
        return control

    def on_step_end(self, args, state, control, **kwargs):
        if self.stop_on_recommendation and self.stop_decision is None and self._poller.due(state.global_step):
            if self.client.should_stop():
                self.stop_decision = self.client.last_decision
                self.stop_step = state.global_step
                control.should_training_stop = True
                log.warning("satwatch: stopping run %s at step %d (%s): %s", self.client.run_id, state.global_step,
                            self.stop_decision.get("alert_type"), self.stop_decision.get("reason"))
        return control

    def on_train_end(self, args, state, control, **kwargs):
        self.client.run_finished("stopped" if self.stop_decision is not None else "completed")
        if self._owns_client:
            self.client.close()
        return control


def _ignore_event(*args, **kwargs):
    return None
