"""`client.X.with_raw_response.method(...)`: the HTTP response, with the typed value one parse() away."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    APIResponse,
    APIResponseValidationError,
    AsyncChaser,
    AsyncPage,
    NotFoundError,
    SyncPage,
)
from chaser_core._api.models.account_member_info import AccountMemberInfo
from chaser_core._api.models.session_info import SessionInfo

from tests.conftest import KEY, session_json

from .conftest import is_async, run, sequence

pytestmark = pytest.mark.anyio


async def test_raw_response_exposes_status_headers_request_id_and_parses_to_the_model(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").respond(
        json=session_json(), headers={"x-request-id": "req_raw", "X-RateLimit-Remaining": "41"}
    )
    client = make_client()

    raw = await run(client.sessions.with_raw_response.get("s1"))
    plain = await run(client.sessions.get("s1"))

    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-ratelimit-remaining"] == "41"
    assert raw.request_id == "req_raw"
    assert raw.retries_taken == 0
    assert raw.method == "GET"
    assert raw.url == "https://api.chaser.sh/v1/sessions/s1"
    assert raw.json() == session_json()
    parsed = raw.parse()
    assert type(parsed) is SessionInfo
    assert parsed == plain
    assert raw.parse() is parsed  # parsed once


async def test_raw_response_counts_the_retries_taken(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").mock(
        side_effect=sequence(
            httpx.Response(503), httpx.Response(429), httpx.Response(200, json=session_json())
        )
    )

    raw = await run(make_client().sessions.with_raw_response.get("s1"))

    assert raw.retries_taken == 2
    assert raw.parse().id == "s1"


async def test_raw_response_of_an_error_status_still_raises_the_typed_error(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").respond(404, json={"error": "not_found"})

    with pytest.raises(NotFoundError):
        await run(make_client().sessions.with_raw_response.get("s1"))


async def test_raw_response_defers_validation_to_parse(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(json={"unexpected": True})

    raw = await run(make_client().sessions.with_raw_response.get("s1"))

    assert raw.status_code == 200
    with pytest.raises(APIResponseValidationError):
        raw.parse()


async def test_raw_mode_does_not_leak_into_later_plain_calls(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(json=session_json())
    client = make_client()

    await run(client.sessions.with_raw_response.get("s1"))
    plain = await run(client.sessions.get("s1"))

    assert type(plain) is SessionInfo


async def test_raw_response_of_a_nested_resource(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/accounts/current/members").respond(json={"members": [{"user_id": "u1"}]})

    raw = await run(make_client().accounts.members.with_raw_response.list())

    assert raw.status_code == 200
    members = raw.parse()
    assert [type(member) for member in members] == [AccountMemberInfo]
    assert members[0].user_id == "u1"


async def test_raw_response_of_a_no_content_operation_parses_to_none(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.delete("/v1/sessions/s1").respond(204, headers={"x-request-id": "req_del"})

    raw = await run(make_client().sessions.with_raw_response.terminate("s1"))

    assert (raw.status_code, raw.request_id) == (204, "req_del")
    assert raw.parse() is None


async def test_raw_response_of_sessions_list_gives_the_first_page(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = api.get("/v1/sessions").respond(
        json={"sessions": [session_json("s1"), session_json("s2")], "total": 5},
        headers={"x-request-id": "r1"},
    )
    client = make_client()

    raw = await run(client.sessions.with_raw_response.list(limit=2))

    assert isinstance(raw, APIResponse)
    assert (raw.status_code, raw.request_id) == (200, "r1")
    page = raw.parse()
    assert isinstance(page, AsyncPage if is_async(client) else SyncPage)
    assert [session.id for session in page.items] == ["s1", "s2"]
    assert page.page.total == 5
    assert page.has_next_page()
    assert route.call_count == 1


async def test_raw_response_of_jobs_list_gives_the_first_page(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = api.get("/v1/jobs").respond(json={"jobs": [{"id": "j1"}], "has_more": False})

    raw = await run(make_client().jobs.with_raw_response.list(status="running"))

    assert route.calls.last.request.url.params["status"] == "running"
    page = raw.parse()
    assert [job.id for job in page.items] == ["j1"]
    assert not page.has_next_page()
    assert route.call_count == 1


async def test_raw_first_page_keeps_paginating_from_parse(make_client: Any, api: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        sessions = [session_json(f"s{i}") for i in range(offset, min(offset + 2, 3))]
        return httpx.Response(200, json={"sessions": sessions, "total": 3})

    route = api.get("/v1/sessions").mock(side_effect=answer)

    raw = await run(make_client().sessions.with_raw_response.list(limit=2))
    page = raw.parse()
    next_page = await run(page.get_next_page())

    assert [session.id for session in next_page.items] == ["s2"]
    assert route.call_count == 2


async def test_a_raw_call_sends_the_callers_extra_headers_and_never_its_raw_flag(
    make_client: Any, api: respx.MockRouter
) -> None:
    get = api.get("/v1/sessions/s1").respond(json=session_json())
    listing = api.get("/v1/sessions").respond(json={"sessions": [session_json()], "total": 1})
    client = make_client()

    await run(client.sessions.with_raw_response.get("s1", extra_headers={"X-Trace": "t1"}))
    await run(client.sessions.with_raw_response.list(extra_headers={"X-Trace": "t2"}))

    for route, trace in ((get, "t1"), (listing, "t2")):
        sent = route.calls.last.request.headers
        assert sent["x-trace"] == trace
        assert [name for name in sent if "raw" in name.lower()] == []


async def test_raw_and_plain_calls_in_flight_together_each_get_their_own_kind_of_answer(
    api: respx.MockRouter,
) -> None:
    api.get("/v1/sessions/s1").respond(json=session_json())

    async with AsyncChaser(api_key=KEY) as client:
        raw, plain = await asyncio.gather(
            client.sessions.with_raw_response.get("s1"), client.sessions.get("s1")
        )

    assert isinstance(raw, APIResponse)
    assert type(plain) is SessionInfo
