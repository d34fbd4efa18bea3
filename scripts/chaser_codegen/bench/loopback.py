"""The loopback server of the per-call benchmark: HTTP/1.1 keep-alive on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The body the loopback server answers with: a valid SessionInfo, as GET /v1/sessions/{id} returns.
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection serves every request of a client
    disable_nagle_algorithm = True
    server: _CountingServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests += 1
        # One write for the status line, the headers and the body: two small writes would meet
        # Nagle and delayed ACKs and cost tens of milliseconds per call.
        self.wfile.write(self.server.response)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests = 0
        self.connections = 0
        self.response = (
            b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/json\r\n"
            b"X-Request-Id: req_bench\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body
        )


class LoopbackServer:
    """A minimal threaded HTTP/1.1 keep-alive server on 127.0.0.1 answering every GET with
    one fixed JSON body. Use it as a context manager; `url` is its base URL."""

    def __init__(self, body: bytes | None = None) -> None:
        payload = body if body is not None else json.dumps(SESSION_INFO, separators=(",", ":")).encode()
        self._server = _CountingServer(payload)
        self._thread = threading.Thread(target=self._server.serve_forever, name="bench-loopback", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> int:
        return self._server.requests

    @property
    def connections(self) -> int:
        return self._server.connections

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
