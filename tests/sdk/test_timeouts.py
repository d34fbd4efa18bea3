"""Timeouts: the client's, a call's and a bring-your-own httpx client's reach the request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from chaser_core import DEFAULT_TIMEOUT, APIConnectionError, APITimeoutError, AsyncChaser, Chaser

from tests.conftest import KEY, session_json

from .conftest import run, sequence

pytestmark = pytest.mark.anyio


def _timeouts(route: respx.Route, index: int = -1) -> dict[str, float | None]:
    timeout: dict[str, float | None] = route.calls[index].request.extensions["timeout"]
    return timeout


def _all(value: float | None) -> dict[str, float | None]:
    return {"connect": value, "read": value, "write": value, "pool": value}


@pytest.fixture
def route(api: respx.MockRouter) -> respx.Route:
    return api.get("/v1/sessions/s1").respond(json=session_json())


async def test_default_timeout_is_60_seconds_with_a_5_second_connect(
    make_client: Any, route: respx.Route
) -> None:
    await run(make_client().sessions.get("s1"))

    assert httpx.Timeout(60.0, connect=5.0) == DEFAULT_TIMEOUT
    assert _timeouts(route) == {"connect": 5.0, "read": 60.0, "write": 60.0, "pool": 60.0}


async def test_client_timeout_reaches_the_request(make_client: Any, route: respx.Route) -> None:
    await run(make_client(timeout=7.5).sessions.get("s1"))

    assert _timeouts(route) == _all(7.5)


async def test_per_call_timeout_overrides_the_client_timeout(make_client: Any, route: respx.Route) -> None:
    client = make_client(timeout=7.5)

    await run(client.sessions.get("s1", timeout=httpx.Timeout(2.0, connect=0.5)))
    await run(client.sessions.get("s1"))

    assert _timeouts(route, 0) == {"connect": 0.5, "read": 2.0, "write": 2.0, "pool": 2.0}
    assert _timeouts(route, 1) == _all(7.5)


async def test_per_call_timeout_none_disables_the_timeout(make_client: Any, route: respx.Route) -> None:
    await run(make_client().sessions.get("s1", timeout=None))

    assert _timeouts(route) == _all(None)


async def test_with_options_timeout_applies_to_the_copy_only(make_client: Any, route: respx.Route) -> None:
    client = make_client()

    await run(client.with_options(timeout=3.0).sessions.get("s1"))
    await run(client.sessions.get("s1"))

    assert _timeouts(route, 0) == _all(3.0)
    assert _timeouts(route, 1)["read"] == 60.0


async def test_timeout_set_on_a_bring_your_own_http_client_is_honoured(route: respx.Route) -> None:
    sync_http = httpx.Client(timeout=12.0)
    async_http = httpx.AsyncClient(timeout=httpx.Timeout(13.0, connect=1.0))

    with Chaser(api_key=KEY, http_client=sync_http) as client:
        client.sessions.get("s1")
    async with AsyncChaser(api_key=KEY, http_client=async_http) as async_client:
        await async_client.sessions.get("s1")
    sync_http.close()
    await async_http.aclose()

    assert _timeouts(route, 0) == _all(12.0)
    assert _timeouts(route, 1) == {"connect": 1.0, "read": 13.0, "write": 13.0, "pool": 13.0}


async def test_bring_your_own_http_client_at_httpx_default_timeout_gets_the_sdk_default(
    route: respx.Route,
) -> None:
    http = httpx.Client()

    with Chaser(api_key=KEY, http_client=http) as client:
        client.sessions.get("s1")
    with Chaser(api_key=KEY, http_client=http, timeout=4.0) as explicit:
        explicit.sessions.get("s1")
    http.close()

    assert _timeouts(route, 0)["read"] == 60.0
    assert _timeouts(route, 1) == _all(4.0)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("read"),
        httpx.ConnectTimeout("connect"),
        httpx.PoolTimeout("pool"),
        httpx.WriteTimeout("w"),
    ],
)
async def test_httpx_timeout_becomes_api_timeout_error(
    make_client: Any, api: respx.MockRouter, exc: Exception
) -> None:
    route = api.get("/v1/sessions/s1").mock(side_effect=exc)

    with pytest.raises(APITimeoutError) as caught:
        await run(make_client().sessions.get("s1"))

    assert isinstance(caught.value, APIConnectionError)
    assert "timed out" in str(caught.value)
    assert caught.value.request is not None
    assert route.call_count == 3  # a GET is retried after a timeout


async def test_a_timeout_then_a_success_returns_the_result(make_client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").mock(
        side_effect=sequence(httpx.ReadTimeout("slow"), httpx.Response(200, json=session_json()))
    )

    session = await run(make_client().sessions.get("s1"))

    assert session.id == "s1"
    assert route.call_count == 2
