"""Failure scenarios against a real local server: what was sent how often, and what the caller gets."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import gzip
import json
import logging
import socket
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from chaser_core import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncChaser,
    Chaser,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)

from tests.conftest import KEY, session_json

from .conftest import (
    Handler,
    LocalAPI,
    hang_up,
    reset,
    respond,
    run,
    slow_body,
    slow_headers,
    transport_of,
    truncated,
)

pytestmark = pytest.mark.anyio

GET = ("GET", "/v1/sessions/s1")
CREATE = ("POST", "/v1/sessions")
SELF_TEST = ("POST", "/v1/sessions/s1/self-test")
OK = respond(200, session_json())
SHORT = 0.2  # seconds: the timeout of the slow scenarios
STALL = 2.0  # seconds: longer than SHORT; the server lets go as soon as the test ends


async def test_local_http_base_url_does_not_warn(server: LocalAPI) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Chaser(api_key=KEY, base_url=server.base_url):
            pass
        async with AsyncChaser(api_key=KEY, base_url=server.base_url):
            pass


# -- rate limits and server errors ------------------------------------------------------------------


async def test_429_with_retry_after_seconds_is_retried_after_that_delay(
    client: Any, server: LocalAPI, retry_sleeps: list[float]
) -> None:
    server.plan(*GET, respond(429, {"error": "rate_limited"}, headers={"Retry-After": "1"}), OK)

    session = await run(client.sessions.get("s1"))

    assert session.id == "s1"
    assert server.attempts(*GET) == 2
    assert retry_sleeps == [1.0]


async def test_429_with_retry_after_as_an_http_date(
    client: Any, server: LocalAPI, retry_sleeps: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    server.plan(*GET, respond(429, {"error": "rate_limited"}, headers={"Retry-After": when}), OK)

    await run(client.sessions.get("s1"))

    assert server.attempts(*GET) == 2
    assert len(retry_sleeps) == 1
    assert 3.0 < retry_sleeps[0] <= 5.0  # whole seconds in the date, minus elapsed time


async def test_429_with_retry_after_ms(client: Any, server: LocalAPI, retry_sleeps: list[float]) -> None:
    server.plan(*GET, respond(429, {"error": "rate_limited"}, headers={"retry-after-ms": "150"}), OK)

    await run(client.sessions.get("s1"))

    assert server.attempts(*GET) == 2
    assert retry_sleeps == [0.15]


async def test_429_every_time_raises_rate_limit_error_after_three_attempts(
    client: Any, server: LocalAPI, retry_sleeps: list[float]
) -> None:
    server.plan(
        *GET,
        respond(429, {"error": "rate_limited"}, headers={"Retry-After": "2", "X-RateLimit-Remaining": "0"}),
    )

    with pytest.raises(RateLimitError) as caught:
        await run(client.sessions.get("s1"))

    assert server.attempts(*GET) == 3
    assert retry_sleeps == [2.0, 2.0]
    assert caught.value.rate_limit.retry_after == 2.0
    assert caught.value.rate_limit.remaining == 0


async def test_503_then_200_is_retried_once_with_backoff(
    client: Any, server: LocalAPI, retry_sleeps: list[float]
) -> None:
    server.plan(*GET, respond(503, {"error": "unavailable"}), OK)

    session = await run(client.sessions.get("s1"))

    assert session.status == "running"
    assert server.attempts(*GET) == 2
    assert len(retry_sleeps) == 1
    assert 0.375 <= retry_sleeps[0] <= 0.5


async def test_503_every_time_raises_internal_server_error_after_three_attempts(
    client: Any, server: LocalAPI, retry_sleeps: list[float]
) -> None:
    server.plan(*GET, respond(503, {"error": "unavailable", "message": "try later"}))

    with pytest.raises(InternalServerError, match="try later"):
        await run(client.sessions.get("s1"))

    assert server.attempts(*GET) == 3
    assert len(retry_sleeps) == 2


async def test_non_idempotent_post_is_not_resent_after_503(client: Any, server: LocalAPI) -> None:
    server.plan(*CREATE, respond(503, {"error": "unavailable"}), OK)

    with pytest.raises(InternalServerError):
        await run(client.sessions.create(ephemeral=True))

    assert server.attempts(*CREATE) == 1


async def test_non_idempotent_post_is_resent_after_429(client: Any, server: LocalAPI) -> None:
    server.plan(*CREATE, respond(429, {"error": "rate_limited"}, headers={"Retry-After": "0"}), OK)

    session = await run(client.sessions.create(ephemeral=True))

    assert session.id == "s1"
    assert server.attempts(*CREATE) == 2


async def test_post_marked_idempotent_is_resent_after_503(client: Any, server: LocalAPI) -> None:
    result = {"kind": "sandbox", "runtime": {}, "session_id": "s1", "status": "ok"}
    server.plan(*SELF_TEST, respond(503, {"error": "unavailable"}), respond(200, result))

    outcome = await run(client.sessions.self_test("s1"))

    assert outcome.status == "ok"
    assert server.attempts(*SELF_TEST) == 2


# -- dropped connections -------------------------------------------------------------------------


@pytest.mark.parametrize("drop", [reset, hang_up], ids=["rst", "fin"])
async def test_get_is_retried_after_the_connection_drops_before_any_response(
    client: Any, server: LocalAPI, drop: Any
) -> None:
    server.plan(*GET, drop, OK)

    session = await run(client.sessions.get("s1"))

    assert session.id == "s1"
    assert server.attempts(*GET) == 2


@pytest.mark.parametrize("drop", [reset, hang_up], ids=["rst", "fin"])
async def test_get_whose_connection_always_drops_raises_api_connection_error(
    client: Any, server: LocalAPI, drop: Any
) -> None:
    server.plan(*GET, drop)

    with pytest.raises(APIConnectionError) as caught:
        await run(client.sessions.get("s1"))

    assert type(caught.value) is APIConnectionError
    assert server.attempts(*GET) == 3


@pytest.mark.parametrize("drop", [reset, hang_up], ids=["rst", "fin"])
async def test_non_idempotent_post_is_not_resent_after_the_connection_drops(
    client: Any, server: LocalAPI, drop: Any
) -> None:
    server.plan(*CREATE, drop, OK)

    with pytest.raises(APIConnectionError) as caught:
        await run(client.sessions.create(ephemeral=True))

    assert type(caught.value) is APIConnectionError
    assert server.attempts(*CREATE) == 1  # it may have created a session: never sent twice


async def test_refused_connection_is_retried_even_for_a_non_idempotent_post(
    make_client: Any, retry_sleeps: list[float]
) -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}")

    with pytest.raises(APIConnectionError, match="ConnectError"):
        await run(client.sessions.create(ephemeral=True))

    assert len(retry_sleeps) == 2  # three attempts: the request never reached a server


# -- slow responses -----------------------------------------------------------------------------------


async def test_slow_headers_hit_the_timeout(client: Any, server: LocalAPI) -> None:
    server.plan(*GET, slow_headers(STALL, OK))

    with pytest.raises(APITimeoutError):
        await run(client.sessions.get("s1", timeout=SHORT))

    assert server.attempts(*GET) == 3


async def test_slow_body_hits_the_timeout(client: Any, server: LocalAPI) -> None:
    server.plan(*GET, slow_body(STALL, session_json()))

    with pytest.raises(APITimeoutError):
        await run(client.sessions.get("s1", timeout=SHORT))

    assert server.attempts(*GET) == 3


async def test_slow_first_answer_then_a_fast_one_succeeds(client: Any, server: LocalAPI) -> None:
    server.plan(*GET, slow_headers(STALL, OK), OK)

    session = await run(client.sessions.get("s1", timeout=SHORT))

    assert session.id == "s1"
    assert server.attempts(*GET) == 2


async def test_client_timeout_applies_to_every_call(make_client: Any, server: LocalAPI) -> None:
    server.plan(*GET, slow_headers(STALL, OK))
    client = make_client(timeout=SHORT, max_retries=0)

    with pytest.raises(APITimeoutError):
        await run(client.sessions.get("s1"))

    assert server.attempts(*GET) == 1


async def test_non_idempotent_post_that_times_out_is_not_resent(client: Any, server: LocalAPI) -> None:
    server.plan(*CREATE, slow_headers(STALL, OK))

    with pytest.raises(APITimeoutError):
        await run(client.sessions.create(ephemeral=True, timeout=SHORT))

    assert server.attempts(*CREATE) == 1


# -- bodies that do not match ----------------------------------------------------------------------


async def test_malformed_json_raises_validation_error_without_retrying(client: Any, server: LocalAPI) -> None:
    server.plan(*GET, respond(200, content=b'{"id": "s1", "status": '))

    with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
        await run(client.sessions.get("s1"))

    assert caught.value.response.status_code == 200
    assert caught.value.body == '{"id": "s1", "status": '
    assert server.attempts(*GET) == 1


async def test_truncated_body_raises_api_connection_error_after_retries(
    client: Any, server: LocalAPI
) -> None:
    server.plan(*GET, truncated(500, b'{"id": "s1", "sta'))

    with pytest.raises(APIConnectionError) as caught:
        await run(client.sessions.get("s1"))

    assert type(caught.value) is APIConnectionError
    assert server.attempts(*GET) == 3


async def test_wrong_content_type_raises_validation_error(client: Any, server: LocalAPI) -> None:
    server.plan(
        *GET, respond(200, content=b"<html><body>Maintenance</body></html>", content_type="text/html")
    )

    with pytest.raises(APIResponseValidationError, match="text/html") as caught:
        await run(client.sessions.get("s1"))

    assert caught.value.body == "<html><body>Maintenance</body></html>"
    assert server.attempts(*GET) == 1


async def test_body_that_does_not_match_the_schema_raises_validation_error(
    client: Any, server: LocalAPI
) -> None:
    body = {"id": "s1", "status": "running"}  # no created_at, endpoints, session_type
    server.plan(*GET, respond(200, body, headers={"x-request-id": "req_shape"}))

    with pytest.raises(APIResponseValidationError, match="SessionInfo") as caught:
        await run(client.sessions.get("s1"))

    assert caught.value.body == body
    assert caught.value.request_id == "req_shape"
    assert server.attempts(*GET) == 1


# -- streams and downloads over real sockets ----------------------------------------------------------


async def test_event_stream_over_a_real_socket(client: Any, server: LocalAPI) -> None:
    events = (
        b'event: output\ndata: {"chunk": "a"}\nid: 1\n\n: keep-alive\n\nevent: exit\ndata: {"code": 0}\n\n'
    )
    server.plan(
        "GET",
        "/v1/sessions/s1/commands/c1/stream",
        respond(200, content=events, content_type="text/event-stream"),
    )

    stream = await run(client.commands.stream("s1", "c1"))
    if isinstance(client, AsyncChaser):
        received = [(event.event, event.json()) async for event in stream]
    else:
        received = [(event.event, event.json()) for event in stream]

    assert received == [("output", {"chunk": "a"}), ("exit", {"code": 0})]
    assert stream.response.is_closed


async def test_truncated_download_leaves_no_partial_file(
    client: Any, server: LocalAPI, tmp_path: Path
) -> None:
    server.plan(
        "GET",
        "/v1/sessions/s1/download",
        truncated(1_000_000, b"x" * 50_000, content_type="application/octet-stream"),
    )
    target = tmp_path / "download.bin"

    with pytest.raises(APIConnectionError):
        await run(client.files.download_to_file("s1", path="/big", destination=target))

    assert list(tmp_path.iterdir()) == []
    assert server.attempts("GET", "/v1/sessions/s1/download") == 1  # the body broke after the response began


async def test_api_key_is_not_in_debug_logs_of_the_real_transport(
    client: Any, server: LocalAPI, caplog: pytest.LogCaptureFixture
) -> None:
    server.plan(*GET, respond(503, {"error": "unavailable"}), reset, OK)
    caplog.set_level(logging.DEBUG)

    await run(client.sessions.get("s1"))

    if transport_of(client) == "httpx":  # aiohttp's client logs nothing at DEBUG here
        assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert any(record.name == "chaser_core" for record in caplog.records)
    assert KEY not in caplog.text
    assert not [record for record in caplog.records if KEY in record.getMessage()]


# -- what every transport must carry the same way ----------------------------------------------------


def capture(seen: list[Handler], then: Any) -> Any:
    """A step that records the request (headers, body) before answering with `then`."""

    def step(handler: Handler) -> None:
        seen.append(handler)
        then(handler)

    return step


async def test_redirect_to_another_origin_drops_authorization(make_client: Any, server: LocalAPI) -> None:
    other = LocalAPI()
    other.start()
    try:
        seen: list[Handler] = []
        other.plan(*GET, capture(seen, OK))
        server.plan(*GET, respond(307, {}, headers={"Location": f"{other.base_url}/v1/sessions/s1"}))
        client = make_client()

        session = await run(client.sessions.get("s1"))
    finally:
        other.stop()

    assert session.id == "s1"
    assert [handler.headers.get("Authorization") for handler in seen] == [None]
    assert seen[0].headers.get("Accept") == "application/json"


async def test_redirect_within_the_origin_keeps_authorization(make_client: Any, server: LocalAPI) -> None:
    seen: list[Handler] = []
    server.plan("GET", "/v1/sessions/moved", respond(302, {}, headers={"Location": "/v1/sessions/s1"}))
    server.plan(*GET, capture(seen, OK))
    client = make_client()

    session = await run(client.sessions.get("moved"))

    assert session.id == "s1"
    assert [handler.headers.get("Authorization") for handler in seen] == [f"Bearer {KEY}"]


async def test_multipart_upload_arrives_whole(make_client: Any, server: LocalAPI) -> None:
    seen: list[Handler] = []
    server.plan(
        "POST", "/v1/sessions/s1/upload", capture(seen, respond(200, {"path": "/workspace/a.bin", "size": 4}))
    )
    client = make_client()
    payload = bytes(range(256)) * 64

    await run(client.files.upload("s1", file=("a.bin", payload), path="/workspace/a.bin"))

    header = f"Content-Type: {seen[0].headers['Content-Type']}\r\n\r\n".encode()
    message = email.message_from_bytes(header + seen[0].body, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    assert parts["file"].get_filename() == "a.bin"
    assert parts["file"].get_payload(decode=True) == payload
    assert parts["path"].get_payload(decode=True) == b"/workspace/a.bin"
    assert int(seen[0].headers["Content-Length"]) == len(seen[0].body)


async def test_404_raises_not_found_error_with_the_api_s_code_and_request_id(
    make_client: Any, server: LocalAPI
) -> None:
    server.plan(
        *GET,
        respond(404, {"error": "not_found", "message": "no session s1"}, headers={"x-request-id": "req_404"}),
    )
    client = make_client()

    with pytest.raises(NotFoundError) as caught:
        await run(client.sessions.get("s1"))

    assert (caught.value.status_code, caught.value.request_id) == (404, "req_404")
    assert "no session s1" in str(caught.value)
    assert server.attempts(*GET) == 1


async def test_raw_response_carries_status_headers_body_request_and_elapsed(
    make_client: Any, server: LocalAPI
) -> None:
    server.plan(*GET, respond(200, session_json(), headers={"x-request-id": "req_raw"}))
    client = make_client()

    raw = await run(client.sessions.with_raw_response.get("s1"))

    assert (raw.status_code, raw.request_id, raw.method) == (200, "req_raw", "GET")
    assert raw.json() == session_json()
    assert raw.http_response.text == json.dumps(session_json())
    assert str(raw.url) == f"{server.base_url}/v1/sessions/s1"
    assert raw.elapsed.total_seconds() >= 0
    assert raw.parse().id == "s1"


async def test_gzip_body_is_decoded(make_client: Any, server: LocalAPI) -> None:
    server.plan(
        *GET,
        respond(
            200,
            content=gzip.compress(json.dumps(session_json()).encode()),
            headers={"Content-Encoding": "gzip"},
        ),
    )
    client = make_client()

    raw = await run(client.sessions.with_raw_response.get("s1"))

    assert raw.headers["content-encoding"] == "gzip"
    assert raw.parse().id == "s1"
