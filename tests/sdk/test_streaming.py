"""Server-Sent Events: commands.stream yields typed events and owns the response's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    APIConnectionError,
    APIResponse,
    APIResponseValidationError,
    AsyncChaser,
    AsyncStream,
    Chaser,
    NotFoundError,
    ServerSentEvent,
    Stream,
)

from tests.conftest import KEY

from .conftest import collect, is_async, run, sequence

pytestmark = pytest.mark.anyio

STREAM_PATH = "/v1/sessions/s1/commands/c1/stream"
SSE = {"content-type": "text/event-stream; charset=utf-8"}
EVENTS = (
    b'event: output\ndata: {"chunk": "hello"}\nid: 1\n\n'
    b": keep-alive\n\n"
    b'event: output\ndata: {"chunk": "world"}\nid: 2\n\n'
    b'event: exit\ndata: {"code": 0}\nid: 3\n\n'
)


@pytest.fixture
def stream_route(api: respx.MockRouter) -> respx.Route:
    return api.get(STREAM_PATH).respond(200, content=EVENTS, headers=SSE)


async def test_stream_yields_server_sent_events(client: Any, stream_route: respx.Route) -> None:
    stream = await run(client.commands.stream("s1", "c1"))

    events = await collect(stream)

    assert isinstance(stream, AsyncStream if is_async(client) else Stream)
    assert all(isinstance(event, ServerSentEvent) for event in events)
    assert [(event.event, event.id) for event in events] == [("output", "1"), ("output", "2"), ("exit", "3")]
    assert events[0].data == '{"chunk": "hello"}'
    assert [event.json() for event in events] == [{"chunk": "hello"}, {"chunk": "world"}, {"code": 0}]


async def test_keep_alive_comments_and_id_only_blocks_are_not_events(
    client: Any, api: respx.MockRouter
) -> None:
    body = b"id: 7\n\n: keep-alive\n\nretry: 5000\n\ndata: real\n\n: keep-alive\n\nevent: done\ndata: {}\n\n"
    api.get(STREAM_PATH).respond(200, content=body, headers=SSE)

    events = await collect(await run(client.commands.stream("s1", "c1")))

    assert [(event.event, event.data, event.id) for event in events] == [
        ("message", "real", "7"),
        ("done", "{}", "7"),
    ]


async def test_stream_closes_the_response_when_exhausted(client: Any, stream_route: respx.Route) -> None:
    stream = await run(client.commands.stream("s1", "c1"))
    before = stream.response.is_closed

    await collect(stream)

    assert before is False
    assert stream.response.is_closed


async def test_stream_sends_accept_event_stream_and_the_query(client: Any, stream_route: respx.Route) -> None:
    stream = await run(client.commands.stream("s1", "c1", from_=120, interval_ms=250))
    await run(stream.close())

    request = stream_route.calls.last.request
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert dict(request.url.params) == {"from": "120", "interval_ms": "250"}


async def test_sync_stream_closes_at_the_end_of_a_with_block(stream_route: respx.Route) -> None:
    with Chaser(api_key=KEY) as client, client.commands.stream("s1", "c1") as stream:
        first = next(stream)

    assert first.event == "output"
    assert stream.response.is_closed


async def test_async_stream_closes_at_the_end_of_an_async_with_block(stream_route: respx.Route) -> None:
    async with AsyncChaser(api_key=KEY) as client:
        async with await client.commands.stream("s1", "c1") as stream:
            first = await stream.__anext__()
        events = [event.event async for event in await client.commands.stream("s1", "c1")]

    assert first.event == "output"
    assert stream.response.is_closed
    assert events == ["output", "output", "exit"]


async def test_wrong_content_type_raises_validation_error_and_closes_the_response(
    client: Any, api: respx.MockRouter
) -> None:
    api.get(STREAM_PATH).respond(200, json={"output": "not a stream"})

    with pytest.raises(APIResponseValidationError, match="text/event-stream") as caught:
        await run(client.commands.stream("s1", "c1"))

    assert caught.value.response.is_closed
    assert caught.value.status_code == 200


async def test_error_status_raises_the_typed_error(client: Any, api: respx.MockRouter) -> None:
    api.get(STREAM_PATH).respond(404, json={"error": "command_not_found", "message": "no command c1"})

    with pytest.raises(NotFoundError) as caught:
        await run(client.commands.stream("s1", "c1"))

    assert caught.value.message == "no command c1"


async def test_stream_is_retried_before_it_opens(client: Any, api: respx.MockRouter) -> None:
    route = api.get(STREAM_PATH).mock(
        side_effect=sequence(httpx.Response(503), httpx.Response(200, content=EVENTS, headers=SSE))
    )

    events = await collect(await run(client.commands.stream("s1", "c1")))

    assert len(events) == 3
    assert route.call_count == 2


class _Broken(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that sends one event, then fails like a dropped connection."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __iter__(self) -> Iterator[bytes]:
        yield b"event: output\ndata: first\n\n"
        raise self.exc

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"event: output\ndata: first\n\n"
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "message"),
    [(httpx.ReadError("connection reset"), "broke"), (httpx.ReadTimeout("too slow"), "timed out")],
)
async def test_a_stream_that_breaks_raises_a_typed_connection_error(
    client: Any, api: respx.MockRouter, exc: Exception, message: str
) -> None:
    api.get(STREAM_PATH).mock(return_value=httpx.Response(200, headers=SSE, stream=_Broken(exc)))
    stream = await run(client.commands.stream("s1", "c1"))
    iterator = stream.__aiter__() if is_async(client) else iter(stream)

    first = await iterator.__anext__() if is_async(client) else next(iterator)
    with pytest.raises(APIConnectionError, match=message):
        await iterator.__anext__() if is_async(client) else next(iterator)

    assert first.data == "first"
    assert stream.response.is_closed


async def test_raw_stream_response_parses_to_the_stream(client: Any, stream_route: respx.Route) -> None:
    raw = await run(client.commands.with_raw_response.stream("s1", "c1"))

    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("text/event-stream")
    events = await collect(raw.parse())
    assert [event.id for event in events] == ["1", "2", "3"]


async def test_raw_stream_response_counts_the_retries_taken(client: Any, api: respx.MockRouter) -> None:
    api.get(STREAM_PATH).mock(
        side_effect=sequence(httpx.Response(502), httpx.Response(200, content=EVENTS, headers=SSE))
    )

    raw = await run(client.commands.with_raw_response.stream("s1", "c1"))
    await collect(raw.parse())

    assert raw.retries_taken == 1


async def test_stream_url_builds_the_url_with_the_query_without_sending(
    client: Any, api: respx.MockRouter
) -> None:
    url = client.commands.stream_url("s1", "c1", from_=5, interval_ms=100, max_bytes=4096)

    assert (
        url == "https://api.chaser.sh/v1/sessions/s1/commands/c1/stream?from=5&interval_ms=100&max_bytes=4096"
    )
    assert (
        client.commands.stream_url("s 1", "c1")
        == "https://api.chaser.sh/v1/sessions/s%201/commands/c1/stream"
    )
    assert not api.calls
