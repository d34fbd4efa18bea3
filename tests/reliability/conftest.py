"""A real HTTP server on 127.0.0.1 that misbehaves on request, and clients pointed at it.

`server.plan(method, path, step, step, ...)` scripts the answers to one endpoint: each request
takes the next step, and the last step repeats. A step writes to the socket itself, so it can
answer normally, stall, send half a body, or drop the connection without answering. Unplanned
`GET /v1/sessions/{id}` requests echo the id back in a valid session, for the concurrency tests.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import types
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from chaser_core import AsyncChaser, Chaser, _base_client
from chaser_core._env import ENV_VARS

KEY = "sk_test_re1iab1l1ty0123456789"

Step = Callable[["Handler"], None]


def session_json(session_id: str = "s1", status: str = "running") -> dict[str, Any]:
    return {
        "id": session_id,
        "created_at": "2026-11-28T00:00:00Z",
        "endpoints": {"control": f"wss://api.chaser.sh/control/{session_id}"},
        "session_type": "sandbox",
        "status": status,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection pooling is real
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner.connection_opened(self.client_address)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        step = self.server.owner.record(self.command, path)
        try:
            step(self)
        except OSError:  # the client gave up (timeout) and closed its end first
            self.close_connection = True

    do_GET = do_POST = do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalAPI

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner.errors += 1  # a broken connection is the point of many tests: no traceback


class LocalAPI:
    """The scripted server, its address, and what it saw."""

    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.owner = self
        self.stopping = threading.Event()
        self.errors = 0
        self._lock = threading.Lock()
        self._plans: dict[tuple[str, str], list[Step]] = {}
        self._seen: Counter[tuple[str, str]] = Counter()
        self.connections: set[tuple[str, int]] = set()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

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
        return _echo_session

    def connection_opened(self, address: tuple[str, int]) -> None:
        with self._lock:
            self.connections.add(address)

    def wait(self, seconds: float) -> None:
        """Stall a handler, but let it go at once when the test ends."""
        self.stopping.wait(seconds)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


# -- steps ----------------------------------------------------------------------------------------


def respond(
    status: int = 200,
    body: Any = None,
    *,
    content: bytes | None = None,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Step:
    payload = content if content is not None else json.dumps(body).encode()

    def step(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    return step


def reset(handler: Handler) -> None:
    """Drop the connection without answering, with a TCP RST (SO_LINGER 0)."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def hang_up(handler: Handler) -> None:
    """Close the connection without answering (a plain FIN)."""
    handler.close_connection = True


def slow_headers(seconds: float, then: Step) -> Step:
    def step(handler: Handler) -> None:
        handler.server.owner.wait(seconds)
        then(handler)

    return step


def slow_body(seconds: float, body: Any) -> Step:
    payload = json.dumps(body).encode()

    def step(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload[:10])
        handler.wfile.flush()
        handler.server.owner.wait(seconds)
        handler.wfile.write(payload[10:])

    return step


def truncated(declared: int, sent: bytes, content_type: str = "application/json") -> Step:
    """Promise `declared` bytes in Content-Length, send fewer, then close."""

    def step(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(sent)
        handler.close_connection = True

    return step


def _echo_session(handler: Handler) -> None:
    path = urlsplit(handler.path).path
    if handler.command == "GET" and path.startswith("/v1/sessions/"):
        session_id = path.rsplit("/", 1)[1]
        respond(200, session_json(session_id), headers={"x-request-id": f"req-{session_id}"})(handler)
    else:
        respond(404, {"error": "not_found", "message": f"nothing planned for {handler.command} {path}"})(
            handler
        )


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the client chose between attempts (recorded; the retry happens at once)."""
    delays: list[float] = []

    async def fake_async_sleep(delay: float) -> None:
        delays.append(delay)

    fake_time = types.SimpleNamespace(sleep=delays.append, monotonic=_base_client.time.monotonic)
    monkeypatch.setattr(_base_client, "time", fake_time)
    monkeypatch.setattr(_base_client, "anyio", types.SimpleNamespace(sleep=fake_async_sleep))
    return delays


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    api = LocalAPI()
    api.start()
    yield api
    api.stop()


# Every reliability test runs on each client and transport: the runtime above the transport is
# shared, so what the server sees and what the caller gets must not depend on the transport.
CLIENTS = ["sync", "async", "async-aiohttp"]


@pytest.fixture(params=CLIENTS)
async def make_client(
    request: pytest.FixtureRequest, server: LocalAPI, anyio_backend: str
) -> AsyncIterator[Callable[..., Any]]:
    """make_client(**options): a Chaser, an AsyncChaser, or an AsyncChaser on aiohttp, on the
    local server (the test runs with each)."""
    cls = Chaser if request.param == "sync" else AsyncChaser
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("api_key", KEY)
        options.setdefault("base_url", server.base_url)
        options.setdefault("timeout", 5.0)
        if request.param == "async-aiohttp":
            options.setdefault("transport", "aiohttp")
        client = cls(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        closing = client.close()
        if closing is not None:
            await closing


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()


def transport_of(client: Any) -> str:
    """ "httpx" or "aiohttp": what carries this client's requests."""
    return "aiohttp" if type(client._transport).__name__ == "AiohttpTransport" else "httpx"


async def run(value: Any) -> Any:
    """The value of a client call: awaited for the async client, as is for the sync one."""
    if hasattr(value, "__await__"):
        return await value
    return value
