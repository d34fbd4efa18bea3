"""Transports: what carries one prepared request to the API and brings back an `httpx.Response`.

The client core (`_base_client`) builds a `PreparedRequest` (method, absolute URL, headers,
body bytes, timeout) and hands it to its transport; everything above this line (retries,
timeouts, typed errors, logging, parsing) is the same whichever transport carries it:

- `SyncHttpxTransport` / `AsyncHttpxTransport`: an `httpx.Client` / `httpx.AsyncClient`, ours
  or the caller's. The default.
- `AiohttpTransport` (`_aiohttp.py`, extra `aiohttp`): aiohttp, for large async fan-outs.

Every transport admits at most `max_connections` requests at once and makes the rest wait
their turn, first come first served, before they are sent. A request therefore never queues
inside the connection pool, where httpx would fail it with `PoolTimeout` once the pool timeout
passed (and where httpcore's queue costs time quadratic in its length): N concurrent calls get
N answers, however large N is. The wait is not part of the request's timeout, which starts
when the request is sent. A slot is held until the response is read, or, for a streamed
response, until it is closed.
"""

from __future__ import annotations

import queue
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any, NamedTuple

import anyio
import httpx

from ._idempotency import REQUEST_KEY
from ._types import Timeout

__all__ = [
    "AsyncHttpxTransport",
    "AsyncTransport",
    "PreparedRequest",
    "SyncHttpxTransport",
    "SyncTransport",
    "pool_size_of",
]


class PreparedRequest(NamedTuple):
    """One request as it goes on the wire: the same for every attempt and every transport."""

    method: str
    url: str  # absolute, with its query string
    headers: Mapping[str, str]
    content: bytes | None
    timeout: Timeout
    # The idempotency key the call carries (chaser_core._idempotency), shown on the raw response.
    idempotency_key: str | None = None

    @property
    def extensions(self) -> dict[str, Any]:
        """What rides on the httpx request besides what goes on the wire."""
        extensions: dict[str, Any] = {"timeout": httpx.Timeout(self.timeout).as_dict()}
        if self.idempotency_key is not None:
            extensions[REQUEST_KEY] = self.idempotency_key
        return extensions

    def to_httpx(self) -> httpx.Request:
        """The request as httpx sees it (errors and raw responses carry one)."""
        return httpx.Request(
            self.method, self.url, headers=self.headers, content=self.content, extensions=self.extensions
        )


def pool_size_of(http_client: httpx.Client | httpx.AsyncClient) -> int | None:
    """The connection limit of a caller's httpx client, when it uses httpx's own transport.

    httpx does not publish its pool size, so this reads its private attributes, defensively:
    None (no SDK-side limit: the caller's pool queues as it always did) when they are absent.
    """
    pool = getattr(getattr(http_client, "_transport", None), "_pool", None)
    size = getattr(pool, "_max_connections", None)
    return size if isinstance(size, int) and size > 0 else None


# ----------------------------------------------------------------------------------------------
# Releasing a slot when a streamed response closes
# ----------------------------------------------------------------------------------------------


class _ReleasingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that gives its transport slot back when it is closed (once)."""

    def __init__(self, stream: Any, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    def _give_back(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._give_back()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._give_back()

    def __del__(self) -> None:
        # A streamed response dropped without close(): free its slot, or the client would wait
        # for it forever once max_connections of them were dropped.
        self._give_back()


# ----------------------------------------------------------------------------------------------
# The transports
# ----------------------------------------------------------------------------------------------


class _ThreadSlots:
    """A semaphore for threads made of tokens in a queue.SimpleQueue: taking one blocks while
    none is left. SimpleQueue is C code: a call pays a fraction of a microsecond for it, where
    threading.Semaphore (Python code around a Condition) costs several."""

    def __init__(self, size: int) -> None:
        self._tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(size):
            self._tokens.put(None)

    def acquire(self) -> None:
        self._tokens.get()

    def release(self) -> None:
        self._tokens.put(None)

    @property
    def value(self) -> int:
        return self._tokens.qsize()


class SyncTransport:
    """Sends prepared requests, at most `max_connections` at once (None: no limit)."""

    def __init__(self, max_connections: int | None) -> None:
        self.max_connections = max_connections
        self._slots = _ThreadSlots(max_connections) if max_connections else None

    def send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        """The response: read, or with its body still to read when `stream` (close it).

        Raises httpx.RequestError (and its subclasses) when there is no complete response.
        """
        slots = self._slots
        if slots is None:
            return self._send(request, stream=stream)
        slots.acquire()
        try:
            response = self._send(request, stream=stream)
        except BaseException:
            slots.release()
            raise
        if not stream:
            slots.release()
        else:
            response.stream = _ReleasingStream(response.stream, slots.release)
        return response

    def _send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class AsyncTransport:
    """Sends prepared requests, at most `max_connections` at once (None: no limit)."""

    def __init__(self, max_connections: int | None) -> None:
        self.max_connections = max_connections
        self._slots = anyio.Semaphore(max_connections, fast_acquire=True) if max_connections else None

    async def send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        """The response: read, or with its body still to read when `stream` (close it).

        Raises httpx.RequestError (and its subclasses) when there is no complete response.
        """
        slots = self._slots
        if slots is None:
            return await self._send(request, stream=stream)
        await slots.acquire()
        try:
            response = await self._send(request, stream=stream)
        except BaseException:
            slots.release()
            raise
        if not stream:
            slots.release()
        else:
            response.stream = _ReleasingStream(response.stream, slots.release)
        return response

    async def _send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class SyncHttpxTransport(SyncTransport):
    """An httpx.Client: ours (closed with the client), or the caller's (left open)."""

    def __init__(self, http: httpx.Client, *, owned: bool, max_connections: int | None) -> None:
        super().__init__(max_connections)
        self.http = http
        self._owned = owned

    def _send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        built = self.http.build_request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.content,
            timeout=request.timeout,
            extensions=request.extensions,
        )
        return self.http.send(built, stream=stream)

    def close(self) -> None:
        if self._owned:
            self.http.close()


class AsyncHttpxTransport(AsyncTransport):
    """An httpx.AsyncClient: ours (closed with the client), or the caller's (left open)."""

    def __init__(self, http: httpx.AsyncClient, *, owned: bool, max_connections: int | None) -> None:
        super().__init__(max_connections)
        self.http = http
        self._owned = owned

    async def _send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        built = self.http.build_request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.content,
            timeout=request.timeout,
            extensions=request.extensions,
        )
        return await self.http.send(built, stream=stream)

    async def close(self) -> None:
        if self._owned:
            await self.http.aclose()
