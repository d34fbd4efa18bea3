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

from ._exceptions import APIConnectionError, APIResponseValidationError, APITimeoutError
from ._response import APIResponse, take_raw_flag
from ._types import RequestOptions

if TYPE_CHECKING:
    from typing import Self

    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-store"}


def _is_empty(event: ServerSentEvent) -> bool:
    """A block with neither data nor an event name: a comment (keep-alive) or only id/retry.

    Such a block is not an event (https://html.spec.whatwg.org/multipage/server-sent-events.html
    #dispatchMessage: an empty data buffer dispatches nothing), but httpx-sse 0.4 yields one,
    named "message", for every keep-alive once the stream has sent an id. The cost: a bare
    `data:` line (empty data, default name) is skipped too; it carries nothing.
    """
    return not event.data and event.event == "message"


class Stream:
    """Events of one SSE response, read as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._events = EventSource(response).iter_sse()

    def __iter__(self) -> Iterator[ServerSentEvent]:
        return self

    def __next__(self) -> ServerSentEvent:
        try:
            event = next(self._events)
            while _is_empty(event):
                event = next(self._events)
            return event
        except StopIteration:
            self.close()
            raise
        except SSEError as exc:
            self.close()
            raise APIResponseValidationError(str(exc), response=self.response) from exc
        except httpx.RequestError as exc:
            self.close()
            raise _broken(exc, self.response) from exc

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
            event = await self._events.__anext__()
            while _is_empty(event):
                event = await self._events.__anext__()
            return event
        except StopAsyncIteration:
            await self.close()
            raise
        except SSEError as exc:
            await self.close()
            raise APIResponseValidationError(str(exc), response=self.response) from exc
        except httpx.RequestError as exc:
            await self.close()
            raise _broken(exc, self.response) from exc

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.close()


def _broken(exc: httpx.RequestError, response: httpx.Response) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"the event stream timed out: {type(exc).__name__}", request=response.request)
    return APIConnectionError(f"the event stream broke: {type(exc).__name__}", request=response.request)


def _not_an_event_stream(response: httpx.Response) -> APIResponseValidationError | None:
    """Checked when the stream opens, so the caller's own call fails, not a later next()."""
    content_type = response.headers.get("content-type", "")
    if content_type.partition(";")[0].strip().lower() == "text/event-stream":
        return None
    return APIResponseValidationError(
        f"expected a text/event-stream response, got {content_type or 'no content type'}", response=response
    )


def open_stream(client: SyncAPIClient, kwargs: Mapping[str, Any], options: RequestOptions) -> Stream:
    """Send an SSE request; for a raw call, return its APIResponse (parse() gives the Stream)."""
    raw, options = take_raw_flag(options)
    options = options._replace(extra_headers={**SSE_HEADERS, **(options.extra_headers or {})})
    response, retries = client.send_request(kwargs, options, idempotent=True, stream=True)
    error = _not_an_event_stream(response)
    if error is not None:
        response.close()
        raise error
    if raw:
        return APIResponse(response, lambda: Stream(response), retries_taken=retries)  # type: ignore[return-value]
    return Stream(response)


async def async_open_stream(
    client: AsyncAPIClient, kwargs: Mapping[str, Any], options: RequestOptions
) -> AsyncStream:
    """Send an SSE request; for a raw call, return its APIResponse (parse() gives the Stream)."""
    raw, options = take_raw_flag(options)
    options = options._replace(extra_headers={**SSE_HEADERS, **(options.extra_headers or {})})
    response, retries = await client.send_request(kwargs, options, idempotent=True, stream=True)
    error = _not_an_event_stream(response)
    if error is not None:
        await response.aclose()
        raise error
    if raw:
        return APIResponse(response, lambda: AsyncStream(response), retries_taken=retries)  # type: ignore[return-value]
    return AsyncStream(response)
