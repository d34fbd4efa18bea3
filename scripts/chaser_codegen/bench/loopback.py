"""The loopback server: a real threaded HTTP/1.1 keep-alive server on 127.0.0.1, scripted.

`server.plan(method, path, step, step, ...)` scripts the answers to one endpoint: each request
takes the next step, and the last step repeats. A step writes to the socket itself, so it can
answer normally, stall, send half a body, or drop the connection without answering. Every
request nothing was planned for takes the server's default step.

The per-call benchmark plans nothing: its default step answers every request with one prebuilt
session, so the server costs both sides of the comparison as little as it can.
`tests/reliability` plans failures, and by default echoes the session asked for.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

# The body the per-call benchmark is answered with: a valid SessionInfo, as GET /v1/sessions/{id}
# returns.
SESSION_INFO: dict[str, Any] = {
    "id": "s1",
    "created_at": "2025-01-01T00:00:00Z",
    "endpoints": {"control": "wss://example.invalid/s1/control", "video": None},
    "session_type": "browser",
    "status": "ready",
    "workspace_id": "ws_1",
    "persistence": False,
    "active_connection_leases": 0,
}
BENCH_API_KEY = "sk_bench_not_a_real_key"

Step = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection serves every request of a client
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between a step's small writes
    server: _Server
    body = b""  # the request's body, read before the step runs

    def setup(self) -> None:
        super().setup()
        self.server.owner.connection_opened(self.client_address)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        step = self.server.owner.record(self.command, urlsplit(self.path).path)
        try:
            step(self)
        except OSError:  # the client gave up (timeout) and closed its end first
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner.errors += 1  # a broken connection is the point of many tests: no traceback


def answer_json(body: bytes) -> Step:
    """A step answering 200 with this JSON body. The status line, the headers and the body go
    out in one write: two small writes would meet Nagle and delayed ACKs on some clients."""
    response = (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: application/json\r\n"
        b"X-Request-Id: req_bench\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body
    )

    def step(handler: Handler) -> None:
        handler.wfile.write(response)

    return step


class LoopbackServer:
    """The scripted server, its address, and what it saw. Use it as a context manager, or
    `start()` and `stop()` it; `default` answers what nothing was planned for (SESSION_INFO)."""

    def __init__(self, default: Step | None = None) -> None:
        self._default = default or answer_json(json.dumps(SESSION_INFO, separators=(",", ":")).encode())
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.owner = self
        self.stopping = threading.Event()
        self.errors = 0
        self._lock = threading.Lock()
        self._plans: dict[tuple[str, str], list[Step]] = {}
        self._seen: Counter[tuple[str, str]] = Counter()
        self.connections: set[tuple[str, int]] = set()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="loopback", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def plan(self, method: str, path: str, *steps: Step) -> None:
        with self._lock:
            self._plans[(method, path)] = list(steps)

    def attempts(self, method: str, path: str) -> int:
        with self._lock:
            return self._seen[(method, path)]

    @property
    def total_requests(self) -> int:
        with self._lock:
            return sum(self._seen.values())

    def record(self, method: str, path: str) -> Step:
        with self._lock:
            self._seen[(method, path)] += 1
            steps = self._plans.get((method, path))
            if steps:
                return steps.pop(0) if len(steps) > 1 else steps[0]
        return self._default

    def connection_opened(self, address: tuple[str, int]) -> None:
        with self._lock:
            self.connections.add(address)

    def wait(self, seconds: float) -> None:
        """Stall a handler, but let it go at once when the server stops."""
        self.stopping.wait(seconds)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
