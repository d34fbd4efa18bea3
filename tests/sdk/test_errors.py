"""Typed errors: one class per status, with the fields a caller needs to react."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ChaserError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    UnprocessableEntityError,
)

from .conftest import run

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (418, APIStatusError),
        (451, APIStatusError),
    ],
)
async def test_maps_each_status_to_its_error_class(
    make_client: Any, api: respx.MockRouter, status: int, error_class: type[APIStatusError]
) -> None:
    api.get("/v1/sessions/s1").respond(status, json={"error": "nope", "message": "It failed"})
    client = make_client(max_retries=0)

    with pytest.raises(APIStatusError) as caught:
        await run(client.sessions.get("s1"))

    assert type(caught.value) is error_class
    assert isinstance(caught.value, APIError)
    assert isinstance(caught.value, ChaserError)
    assert caught.value.status_code == status


async def test_status_error_carries_code_message_body_request_id_and_response(
    make_client: Any, api: respx.MockRouter
) -> None:
    body = {"code": "session_not_found", "message": "No session s1 in this account", "hint": "check the id"}
    api.get("/v1/sessions/s1").respond(404, json=body, headers={"x-request-id": "req_123"})

    with pytest.raises(NotFoundError) as caught:
        await run(make_client().sessions.get("s1"))

    error = caught.value
    assert error.status_code == 404
    assert error.code == "session_not_found"
    assert error.message == "No session s1 in this account"
    assert error.body == body
    assert error.details == body
    assert error.request_id == "req_123"
    assert isinstance(error.response, httpx.Response)
    assert error.response.status_code == 404
    assert error.request is not None
    assert error.request.url == "https://api.chaser.sh/v1/sessions/s1"
    assert str(error) == "404 No session s1 in this account code=session_not_found request_id=req_123"


async def test_code_and_message_fall_back_to_the_error_field(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(403, json={"error": "forbidden"})

    with pytest.raises(PermissionDeniedError) as caught:
        await run(make_client().sessions.get("s1"))

    assert caught.value.code == "forbidden"
    assert caught.value.message == "forbidden"


async def test_message_is_the_text_of_a_non_json_error_body(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(
        502, text="  upstream exploded\n", headers={"content-type": "text/plain"}
    )

    with pytest.raises(InternalServerError) as caught:
        await run(make_client(max_retries=0).sessions.get("s1"))

    assert caught.value.message == "upstream exploded"
    assert caught.value.body == "  upstream exploded\n"
    assert caught.value.code is None
    assert caught.value.request_id is None


async def test_message_of_an_empty_error_body_is_the_reason_phrase(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").respond(409)

    with pytest.raises(ConflictError) as caught:
        await run(make_client().sessions.get("s1"))

    assert caught.value.message == "Conflict"
    assert caught.value.body is None


async def test_rate_limit_error_carries_the_rate_limit_headers(
    make_client: Any, api: respx.MockRouter
) -> None:
    headers = {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1764288000",
        "X-RateLimit-Scope": "account",
        "Retry-After": "7",
        "x-request-id": "req_rl",
    }
    api.get("/v1/sessions/s1").respond(429, json={"error": "rate_limited"}, headers=headers)

    with pytest.raises(RateLimitError) as caught:
        await run(make_client(max_retries=0).sessions.get("s1"))

    assert caught.value.rate_limit == RateLimitInfo(
        limit=100, remaining=0, reset=1764288000, scope="account", retry_after=7.0
    )
    assert caught.value.request_id == "req_rl"


async def test_rate_limit_info_is_empty_without_the_headers(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(400, json={"error": "bad"})

    with pytest.raises(BadRequestError) as caught:
        await run(make_client().sessions.get("s1"))

    assert caught.value.rate_limit == RateLimitInfo()


async def test_non_numeric_rate_limit_headers_are_ignored(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(
        429, json={}, headers={"X-RateLimit-Limit": "lots", "Retry-After": "soon-ish"}
    )

    with pytest.raises(RateLimitError) as caught:
        await run(make_client(max_retries=0).sessions.get("s1"))

    assert caught.value.rate_limit.limit is None
    assert caught.value.rate_limit.retry_after is None


async def test_connection_failure_raises_api_connection_error_with_the_request(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=httpx.ConnectError("connection refused"))

    with pytest.raises(APIConnectionError) as caught:
        await run(make_client(max_retries=0).sessions.get("s1"))

    assert "ConnectError" in str(caught.value)
    assert caught.value.request is not None
    assert caught.value.request.url == "https://api.chaser.sh/v1/sessions/s1"
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_too_many_redirects_raises_a_typed_error_not_an_httpx_one(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").respond(302, headers={"location": "https://api.chaser.sh/v1/sessions/s1"})

    with pytest.raises(APIConnectionError, match="TooManyRedirects"):
        await run(make_client().sessions.get("s1"))
