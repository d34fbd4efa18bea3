"""Shared fixtures of the SDK behaviour tests: respx-mocked API, both clients, recorded sleeps.

Most tests take `make_client` or `client`, parametrized over `Chaser` and `AsyncChaser`, and
call methods through `run()`, which awaits what needs awaiting: one test body covers both.
"""

from __future__ import annotations

import email
import email.policy
import inspect
import json
import types
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from chaser_core import AsyncChaser, Chaser, _base_client, _retry, _waiters
from chaser_core._env import ENV_VARS

BASE = "https://api.chaser.sh"
KEY = "sk_test_5ecret0f4k3ab12cd34ef56"

AnyClient = Chaser | AsyncChaser


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on the developer's own CHASER_* variables."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the client waited between attempts (recorded, never slept)."""
    delays: list[float] = []

    async def fake_async_sleep(delay: float) -> None:
        delays.append(delay)

    fake_time = types.SimpleNamespace(sleep=delays.append, monotonic=_base_client.time.monotonic)
    monkeypatch.setattr(_base_client, "time", fake_time)
    monkeypatch.setattr(_base_client, "anyio", types.SimpleNamespace(sleep=fake_async_sleep))
    return delays


@pytest.fixture
def pin_jitter(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """pin_jitter(r): random.random() returns r in the retry module (0: no jitter, 1: the most)."""

    def pin(value: float) -> None:
        monkeypatch.setattr(_retry, "random", types.SimpleNamespace(random=lambda: value))

    return pin


class FakeClock:
    """A monotonic clock that only moves when the waiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay

    async def async_sleep(self, delay: float) -> None:
        self.sleep(delay)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(_waiters, "time", types.SimpleNamespace(monotonic=fake.monotonic, sleep=fake.sleep))
    monkeypatch.setattr(_waiters, "anyio", types.SimpleNamespace(sleep=fake.async_sleep))
    return fake


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture(params=["sync", "async"])
async def make_client(
    request: pytest.FixtureRequest, anyio_backend: str
) -> AsyncIterator[Callable[..., Any]]:
    """make_client(**options): a Chaser or an AsyncChaser (the test runs once with each)."""
    cls = Chaser if request.param == "sync" else AsyncChaser
    made: list[AnyClient] = []

    def make(**options: Any) -> Any:
        options.setdefault("api_key", KEY)
        client = cls(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        await run(client.close())


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()


async def run(value: Any) -> Any:
    """The value of a client call: awaited for the async client, as is for the sync one."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(items: Any) -> list[Any]:
    """Every item of a sync or async iterable."""
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def is_async(client: AnyClient) -> bool:
    return isinstance(client, AsyncChaser)


# -- response bodies ------------------------------------------------------------------------------


def session_json(session_id: str = "s1", status: str = "running", **extra: Any) -> dict[str, Any]:
    return {
        "id": session_id,
        "created_at": "2026-11-28T00:00:00Z",
        "endpoints": {"control": f"wss://api.chaser.sh/control/{session_id}"},
        "session_type": "sandbox",
        "status": status,
        **extra,
    }


def account_json(account_id: str = "acc_1", name: str = "Personal") -> dict[str, Any]:
    return {
        "id": account_id,
        "name": name,
        "kind": "personal",
        "personal": True,
        "role": "owner",
        "created_at": "2026-11-28T00:00:00Z",
    }


def sequence(*responses: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect answering with each response in turn, then repeating the last one."""
    remaining = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        item = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(item, Exception):
            raise item
        return item

    return answer


def sent_json(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def multipart_fields(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    """The parts of a multipart/form-data request: name -> (filename, content type, content)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + request.content, policy=email.policy.HTTP)
    fields: dict[str, tuple[str | None, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        assert isinstance(name, str)
        fields[name] = (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
    return fields
