"""Server-Sent Events (text/event-stream) as iterators of typed events.

`client.commands.stream(session_id, command_id)` returns a `Stream` of `ServerSentEvent`
(event, data, id, retry; `.json()` decodes data). The SSE wire format is decoded by the
httpx-sse library; this module owns the response's lifetime: the stream closes when it is
exhausted, when the `with` block ends, or on `close()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
from httpx_sse import EventSource, ServerSentEvent, SSEError

from ._exceptions import APIConnectionError, APIResponseValidationError
from ._response import APIResponse, raw_response_mode

if TYPE_CHECKING:
    from typing import Self

    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-store"}


class Stream:
    """Events of one SSE response, read as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._events = EventSource(response).iter_sse()

    def __iter__(self) -> Iterator[ServerSentEvent]:
        return self

    def __next__(self) -> ServerSentEvent:
        try:
            return next(self._events)
        except StopIteration:
            self.close()
            raise
        except SSEError as exc:
            self.close()
            raise APIResponseValidationError(str(exc), response=self.response) from exc
        except httpx.TransportError as exc:
            self.close()
            raise APIConnectionError(f"the event stream broke: {type(exc).__name__}", request=self.response.request) from exc

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class AsyncStream:
    """The async twin of Stream: `async for event in await client.commands.stream(...)`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._events = EventSource(response).aiter_sse()

    def __aiter__(self) -> AsyncIterator[ServerSentEvent]:
        return self

    async def __anext__(self) -> ServerSentEvent:
        try:
            return await self._events.__anext__()
        except StopAsyncIteration:
            await self.close()
            raise
        except SSEError as exc:
            await self.close()
            raise APIResponseValidationError(str(exc), response=self.response) from exc
        except httpx.TransportError as exc:
            await self.close()
            raise APIConnectionError(f"the event stream broke: {type(exc).__name__}", request=self.response.request) from exc

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.close()


def open_stream(client: SyncAPIClient, kwargs: Mapping[str, Any], options: Mapping[str, Any]) -> Stream:
    """Send an SSE request; in raw-response mode, return its APIResponse (parse() gives the Stream)."""
    headers = {**SSE_HEADERS, **(options.get("extra_headers") or {})}
    response = client.stream_response(kwargs, idempotent=True, **{**options, "extra_headers": headers})
    if raw_response_mode.get():
        return APIResponse(response, lambda: Stream(response))  # type: ignore[return-value]
    return Stream(response)


async def async_open_stream(client: AsyncAPIClient, kwargs: Mapping[str, Any], options: Mapping[str, Any]) -> AsyncStream:
    headers = {**SSE_HEADERS, **(options.get("extra_headers") or {})}
    response = await client.stream_response(kwargs, idempotent=True, **{**options, "extra_headers": headers})
    if raw_response_mode.get():
        return APIResponse(response, lambda: AsyncStream(response))  # type: ignore[return-value]
    return AsyncStream(response)
