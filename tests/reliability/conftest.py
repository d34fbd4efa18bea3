"""A real HTTP server on 127.0.0.1 that misbehaves on request, and clients pointed at it.

The server is the benchmarks' loopback server (`chaser_codegen.bench.loopback`): `server.plan(method,
path, step, step, ...)` scripts the answers to one endpoint, each request taking the next step (the
last repeats). The steps below answer normally, stall, send half a body, or drop the connection
without answering. Unplanned `GET /v1/sessions/{id}` requests echo the id back in a valid session,
for the concurrency tests.
"""

from __future__ import annotations

import json
import socket
import struct
import types
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from chaser_codegen.bench.loopback import Handler, LoopbackServer, Step
from chaser_core import AsyncChaser, Chaser, _base_client

from tests.conftest import KEY, session_json


class LocalAPI(LoopbackServer):
    """The shared loopback server; unplanned `GET /v1/sessions/{id}` echo the id back."""

    def __init__(self) -> None:
        super().__init__(default=_echo_session)


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
