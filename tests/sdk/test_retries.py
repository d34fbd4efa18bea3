"""Retries: what is retried, how often, and how long the client waits in between."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    DEFAULT_MAX_RETRIES,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
)

from tests.conftest import session_json

from .conftest import run, sequence

pytestmark = pytest.mark.anyio

OK = httpx.Response(200, json=session_json())
SELF_TEST = {"kind": "sandbox", "runtime": {}, "session_id": "s1", "status": "ok"}
JOB = {"id": "job_1", "status": "canceled"}


def _failing(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": "try_again"}, headers=headers)


async def test_retries_twice_by_default_then_raises_the_last_error(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    route = api.get("/v1/sessions/s1").respond(500, json={"error": "boom"})

    with pytest.raises(InternalServerError):
        await run(make_client().sessions.get("s1"))

    assert DEFAULT_MAX_RETRIES == 2
    assert route.call_count == 3
    assert len(retry_sleeps) == 2


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_get_is_retried_on_retryable_status_until_it_succeeds(
    make_client: Any, api: respx.MockRouter, status: int
) -> None:
    route = api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(status), _failing(status), OK))

    session = await run(make_client().sessions.get("s1"))

    assert session.id == "s1"
    assert route.call_count == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_other_than_408_and_429_are_not_retried(
    make_client: Any, api: respx.MockRouter, status: int
) -> None:
    route = api.get("/v1/sessions/s1").respond(status, json={"error": "no"})

    with pytest.raises(APIStatusError) as caught:
        await run(make_client().sessions.get("s1"))

    assert caught.value.status_code == status
    assert route.call_count == 1


@pytest.mark.parametrize(
    "exc", [httpx.ConnectError("refused"), httpx.ReadError("reset"), httpx.RemoteProtocolError("closed")]
)
async def test_get_is_retried_on_connection_errors(
    make_client: Any, api: respx.MockRouter, exc: Exception
) -> None:
    route = api.get("/v1/sessions/s1").mock(side_effect=sequence(exc, OK))

    session = await run(make_client().sessions.get("s1"))

    assert session.id == "s1"
    assert route.call_count == 2


async def test_max_retries_set_on_the_client(make_client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").respond(503)

    with pytest.raises(InternalServerError):
        await run(make_client(max_retries=4).sessions.get("s1"))

    assert route.call_count == 5


async def test_max_retries_zero_sends_once(make_client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").respond(503)

    with pytest.raises(InternalServerError):
        await run(make_client(max_retries=0).sessions.get("s1"))

    assert route.call_count == 1


async def test_max_retries_per_call_overrides_the_client(make_client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").respond(503)
    client = make_client(max_retries=5)

    with pytest.raises(InternalServerError):
        await run(client.sessions.get("s1", max_retries=1))

    assert route.call_count == 2


async def test_max_retries_from_with_options(make_client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").respond(503)
    client = make_client()

    with pytest.raises(InternalServerError):
        await run(client.with_options(max_retries=3).sessions.get("s1"))
    with pytest.raises(InternalServerError):
        await run(client.sessions.get("s1"))

    assert route.call_count == 4 + 3


# -- non-idempotent requests --------------------------------------------------------------------------


async def test_non_idempotent_post_is_retried_on_429(make_client: Any, api: respx.MockRouter) -> None:
    route = api.post("/v1/sessions").mock(side_effect=sequence(_failing(429, **{"retry-after": "1"}), OK))

    session = await run(make_client().sessions.create(ephemeral=True))

    assert session.id == "s1"
    assert route.call_count == 2


async def test_non_idempotent_post_is_retried_when_the_connection_was_never_made(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = api.post("/v1/sessions").mock(side_effect=sequence(httpx.ConnectError("refused"), OK))

    session = await run(make_client().sessions.create(ephemeral=True))

    assert session.id == "s1"
    assert route.call_count == 2


@pytest.mark.parametrize("status", [500, 503, 408])
async def test_non_idempotent_post_is_not_retried_on_status(
    make_client: Any, api: respx.MockRouter, status: int
) -> None:
    route = api.post("/v1/sessions").mock(side_effect=sequence(_failing(status), OK))

    with pytest.raises(APIStatusError) as caught:
        await run(make_client().sessions.create(ephemeral=True))

    assert caught.value.status_code == status
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("exc", "error_class"),
    [
        (httpx.ReadError("reset by peer"), APIConnectionError),
        (httpx.RemoteProtocolError("server disconnected"), APIConnectionError),
        (httpx.ReadTimeout("read timed out"), APITimeoutError),
        (httpx.WriteTimeout("write timed out"), APITimeoutError),
    ],
)
async def test_non_idempotent_post_is_not_resent_after_it_may_have_reached_the_server(
    make_client: Any, api: respx.MockRouter, exc: Exception, error_class: type[Exception]
) -> None:
    route = api.post("/v1/sessions").mock(side_effect=sequence(exc, OK))

    with pytest.raises(error_class) as caught:
        await run(make_client().sessions.create(ephemeral=True))

    assert type(caught.value) is error_class
    assert route.call_count == 1


async def test_post_marked_idempotent_is_retried_on_503(make_client: Any, api: respx.MockRouter) -> None:
    self_test = api.post("/v1/sessions/s1/self-test").mock(
        side_effect=sequence(_failing(503), _failing(503), httpx.Response(200, json=SELF_TEST))
    )
    cancel = api.post("/v1/jobs/job_1/cancel").mock(
        side_effect=sequence(_failing(503), httpx.Response(200, json=JOB))
    )
    client = make_client()

    result = await run(client.sessions.self_test("s1"))
    job = await run(client.jobs.cancel("job_1"))

    assert result.status == "ok"
    assert job.status == "canceled"
    assert self_test.call_count == 3
    assert cancel.call_count == 2


async def test_post_marked_idempotent_is_retried_after_a_read_error(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = api.post("/v1/jobs/job_1/cancel").mock(
        side_effect=sequence(httpx.ReadError("reset"), httpx.Response(200, json=JOB))
    )

    job = await run(make_client().jobs.cancel("job_1"))

    assert job.id == "job_1"
    assert route.call_count == 2


# -- delays ---------------------------------------------------------------------------------------------


async def test_retries_429_honouring_retry_after(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(429, **{"Retry-After": "3"}), OK))

    await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [3.0]


async def test_retries_honouring_retry_after_ms(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(503, **{"retry-after-ms": "250"}), OK))

    await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [0.25]


async def test_retry_after_ms_takes_precedence_over_retry_after(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    headers = {"retry-after-ms": "1500", "Retry-After": "9"}
    api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(429, **headers), OK))

    await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [1.5]


async def test_retries_honouring_retry_after_as_an_http_date(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(429, **{"Retry-After": when}), OK))

    await run(make_client().sessions.get("s1"))

    # An HTTP-date has whole seconds: the wait is 30 s minus the sub-second part and test time.
    assert len(retry_sleeps) == 1
    assert 28.0 < retry_sleeps[0] <= 30.0


async def test_retry_after_in_the_past_retries_immediately(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    api.get("/v1/sessions/s1").mock(
        side_effect=sequence(_failing(429, **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), OK)
    )

    await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [0.0]


@pytest.mark.parametrize(("header", "value"), [("Retry-After", "3600"), ("retry-after-ms", "90000")])
async def test_retry_after_is_capped_at_60_seconds(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float], header: str, value: str
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(429, **{header: value}), OK))

    await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [60.0]


async def test_unparseable_retry_after_falls_back_to_backoff(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float], pin_jitter: Callable[[float], None]
) -> None:
    pin_jitter(0.0)
    api.get("/v1/sessions/s1").mock(side_effect=sequence(_failing(429, **{"Retry-After": "later"}), OK))

    await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [0.5]


async def test_backoff_starts_at_half_a_second_and_doubles_up_to_8_seconds(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float], pin_jitter: Callable[[float], None]
) -> None:
    pin_jitter(0.0)
    api.get("/v1/sessions/s1").respond(500)

    with pytest.raises(InternalServerError):
        await run(make_client(max_retries=7).sessions.get("s1"))

    assert retry_sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


async def test_backoff_jitter_shortens_each_delay_by_at_most_25_percent(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float], pin_jitter: Callable[[float], None]
) -> None:
    pin_jitter(1.0)
    api.get("/v1/sessions/s1").respond(500)

    with pytest.raises(InternalServerError):
        await run(make_client(max_retries=6).sessions.get("s1"))

    assert retry_sleeps == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]


async def test_backoff_with_real_jitter_stays_within_the_bounds(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    api.get("/v1/sessions/s1").respond(502)

    with pytest.raises(InternalServerError):
        await run(make_client(max_retries=6).sessions.get("s1"))

    nominal = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert len(retry_sleeps) == len(nominal)
    for delay, ceiling in zip(retry_sleeps, nominal, strict=True):
        assert 0.75 * ceiling <= delay <= ceiling


async def test_connection_error_retries_use_backoff(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float], pin_jitter: Callable[[float], None]
) -> None:
    pin_jitter(0.0)
    api.get("/v1/sessions/s1").mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(APIConnectionError):
        await run(make_client().sessions.get("s1"))

    assert retry_sleeps == [0.5, 1.0]


async def test_rate_limit_error_after_the_last_retry_keeps_retry_after(
    make_client: Any, api: respx.MockRouter, retry_sleeps: list[float]
) -> None:
    route = api.get("/v1/sessions/s1").respond(429, json={"error": "slow_down"}, headers={"Retry-After": "2"})

    with pytest.raises(RateLimitError) as caught:
        await run(make_client().sessions.get("s1"))

    assert route.call_count == 3
    assert retry_sleeps == [2.0, 2.0]
    assert caught.value.rate_limit.retry_after == 2.0
