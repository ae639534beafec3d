"""A stand-in for satwatch's HTTP API (stdlib http.server) for the client's unit tests.

It implements ``POST /api/events`` and ``GET /api/runs/{id}/decision`` as the issue 4 contract states them, records
every request, and can be scripted: the next POST answers may be queued (status, body, headers), POST handling can be
held at a gate (to fill the client's queue), and the decision is a settable dict.
"""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorded:
    """One request as the server saw it."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    @property
    def lines(self):
        return [line for line in self.body.decode("utf-8").split("\n") if line]

    @property
    def events(self):
        return [json.loads(line) for line in self.lines]


class FakeSatwatch:
    """Start with ``with FakeSatwatch() as fake:``; ``fake.url`` is its base URL. Thread-safe."""

    def __init__(self):
        self._lock = threading.Condition()
        self.requests = []
        self.post_answers = []
        self.decisions = {}
        self.gate = threading.Event()
        self.gate.set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fake._record("POST", self.path, self.headers, body)
                fake.gate.wait(30)
                if self.path != "/api/events":
                    return self._answer(404, {"error": "no route"})
                with fake._lock:
                    scripted = fake.post_answers.pop(0) if fake.post_answers else None
                if scripted is not None:
                    status, payload, headers = scripted
                    return self._answer(status, payload, headers)
                lines = [line for line in body.decode("utf-8").split("\n") if line]
                rejected = []
                for number, line in enumerate(lines, start=1):
                    try:
                        event = json.loads(line)
                    except ValueError:
                        rejected.append({"line": number, "reason": "bad JSON"})
                        continue
                    if not isinstance(event, dict) or not event.get("run_id"):
                        rejected.append({"line": number, "reason": "missing run_id"})
                return self._answer(202, {"published": len(lines), "rejected": rejected})

            def do_GET(self):
                fake._record("GET", self.path, self.headers, b"")
                parts = self.path.split("/")
                # /api/runs/{id}/decision -> ['', 'api', 'runs', id, 'decision']
                if len(parts) == 5 and parts[1:3] == ["api", "runs"] and parts[4] == "decision":
                    run_id = urllib.parse.unquote(parts[3])
                    with fake._lock:
                        decision = fake.decisions.get(run_id)
                    if decision is None:
                        return self._answer(404, {"error": "no run '%s'" % run_id})
                    return self._answer(200, decision)
                return self._answer(404, {"error": "no route"})

            def _answer(self, status, payload, headers=None):
                data = (payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-satwatch", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()
        return False

    def _record(self, method, path, headers, body):
        with self._lock:
            self.requests.append(Recorded(method, path, headers, body))
            self._lock.notify_all()

    def answer_next_posts(self, *answers):
        """Queues answers for the next POSTs: each (status, payload) or (status, payload, headers)."""
        with self._lock:
            for a in answers:
                self.post_answers.append(a if len(a) == 3 else (a[0], a[1], None))

    def set_decision(self, run_id, decision):
        with self._lock:
            self.decisions[run_id] = decision

    def posts(self):
        with self._lock:
            return [r for r in self.requests if r.method == "POST"]

    def gets(self):
        with self._lock:
            return [r for r in self.requests if r.method == "GET"]

    def events(self):
        """Every event of every POST, in arrival order (retried batches appear more than once)."""
        return [e for r in self.posts() for e in r.events]

    def wait_for_posts(self, count, timeout=10.0):
        """Waits until at least ``count`` POSTs arrived; True when they did."""
        with self._lock:
            return self._lock.wait_for(lambda: sum(r.method == "POST" for r in self.requests) >= count, timeout)


STOP = {"stop": True, "reason": "Diminishing returns at 4e9 tokens", "alert_type": "DIMINISHING_RETURNS",
        "tokens_saved": 1.6e10, "since": "2026-11-26T10:00:00Z"}
GO_ON = {"stop": False, "reason": None, "alert_type": None, "tokens_saved": None, "since": None}
