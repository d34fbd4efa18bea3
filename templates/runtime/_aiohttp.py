"""The aiohttp transport of `AsyncChaser(transport="aiohttp")` (extra: chaser-core[aiohttp]).

It carries the same `PreparedRequest` as the httpx transport and returns the same
`httpx.Response`, so retries, timeouts, typed errors, streaming, logging and raw responses
are the client core's, unchanged. What it must translate, it translates to what httpx does:

- aiohttp's exceptions become the httpx exceptions httpx raises in the same situation, since
  the retry policy tells "never sent" (`ConnectError`, `ConnectTimeout`: safe to resend any
  request) from "maybe acted on" (read errors, a server that hung up). A dropped connection
  after the request went out is `RemoteProtocolError` or `ReadError`, never a connect error.
- timeouts: connect -> `sock_connect`, read -> `sock_read` (both per operation, as in httpx).
  aiohttp has no write timeout, and the pool timeout has nothing to time: requests wait for a
  connection in the transport, before they are sent (see `_transport`).
- aiohttp retries an idempotent request once on its own when a reused connection turns out
  closed; httpx does not. That retry is switched off, so the server sees the same attempts.
- redirects are followed by aiohttp (at most 20, as httpx), which drops Authorization when
  the origin changes (it also does so on an http -> https upgrade of the same host, where
  httpx keeps it).
- bodies are decoded by httpx.Response from Content-Encoding, as with httpx.
- TLS uses httpx's context (certifi, or SSL_CERT_FILE), and proxies come from the
  environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), as with httpx.

aiohttp runs on asyncio only (httpx also runs on trio).
"""

from __future__ import annotations

import datetime
import time
import urllib.request
from typing import Any

import aiohttp
import httpx
from yarl import URL

from ._transport import AsyncTransport, PreparedRequest
from ._types import Timeout

__all__ = ["AiohttpTransport"]

MAX_REDIRECTS = 20  # httpx's default
_CHUNK = 64 * 1024


class AiohttpTransport(AsyncTransport):
    """An aiohttp.ClientSession of our own, opened on first use inside the running event loop."""

    def __init__(self, *, max_connections: int, keepalive_expiry: float | None) -> None:
        super().__init__(max_connections)
        self._keepalive_expiry = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.max_connections or 0,
            keepalive_timeout=self._keepalive_expiry if self._keepalive_expiry is not None else 15.0,
            ssl=httpx.create_ssl_context(),
        )
        # auto_decompress=False: httpx.Response decodes the body from Content-Encoding, as with httpx.
        # trust_env only when the environment names a proxy: with it, aiohttp looks the proxy up
        # (and reads ~/.netrc) in a worker thread on every request, which costs more than the call.
        session = aiohttp.ClientSession(
            connector=connector, trust_env=_environment_names_a_proxy(), auto_decompress=False
        )
        # The transparent retry of aiohttp (see the module docstring). A private attribute: if a
        # release renames it, tests/reliability counts the attempts and fails.
        session._retry_connection = False
        self._session = session
        return session

    def _timeout(self, timeout: Timeout) -> aiohttp.ClientTimeout:
        limits = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        key = (limits.connect, limits.read)
        found = self._timeouts.get(key)
        if found is None:
            found = self._timeouts[key] = aiohttp.ClientTimeout(
                total=None, connect=None, sock_connect=limits.connect, sock_read=limits.read
            )
        return found

    async def _send(self, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        session = self._session or self._open()
        started = time.monotonic()
        try:
            response = await session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=request.headers,
                data=request.content,
                timeout=self._timeout(request.timeout),
                max_redirects=MAX_REDIRECTS,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise to_httpx_error(exc, request) from exc
        if stream:
            body = _Body(response, request, started)
            streamed = _Response(response.status, response.raw_headers, request, response, stream=body)
            body.owner = streamed
            return streamed
        try:
            content = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise to_httpx_error(exc, request) from exc
        finally:
            response.release()
        read = _Response(response.status, response.raw_headers, request, response, stream=_Read(content))
        if "content-encoding" in read.headers:
            await read.aread()  # httpx decodes it, exactly as with the httpx transport
        else:
            # What aread() would leave, without passing the bytes through httpx's decoder chain
            # (~30 us a call, the largest cost of this path): httpx keeps a read body in _content.
            read._content = content
            read.is_stream_consumed = read.is_closed = True
        read._elapsed = datetime.timedelta(seconds=time.monotonic() - started)
        return read

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _environment_names_a_proxy() -> bool:
    proxies = urllib.request.getproxies()
    return any(scheme in proxies for scheme in ("http", "https", "all"))


class _Response(httpx.Response):
    """An httpx.Response whose `request` is built only when asked for (errors, raw responses):
    the plain path never pays for parsing the URL again."""

    def __init__(
        self,
        status: int,
        headers: Any,
        request: PreparedRequest,
        response: aiohttp.ClientResponse,
        **body: Any,
    ) -> None:
        super().__init__(status, headers=headers, extensions={"http_version": b"HTTP/1.1"}, **body)
        self._prepared = request
        if response.history:  # redirected: the request that got this response
            request = PreparedRequest(response.method, str(response.url), {}, None, request.timeout)
            self._prepared = request

    @property
    def request(self) -> httpx.Request:
        if self._request is None:
            self._request = self._prepared.to_httpx()
        return self._request

    @request.setter
    def request(self, value: httpx.Request) -> None:
        self._request = value


class _Read(httpx.AsyncByteStream):
    """A body aiohttp has read already."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    async def __aiter__(self) -> Any:
        yield self._content


class _Body(httpx.AsyncByteStream):
    """A streamed body, read from aiohttp as it arrives; aiohttp's errors become httpx's."""

    owner: httpx.Response | None = None

    def __init__(self, response: aiohttp.ClientResponse, request: PreparedRequest, started: float) -> None:
        self._response = response
        self._request = request
        self._started = started

    async def __aiter__(self) -> Any:
        try:
            async for chunk in self._response.content.iter_chunked(_CHUNK):
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise to_httpx_error(exc, self._request) from exc

    async def aclose(self) -> None:
        self._response.release()
        if self.owner is not None:  # as httpx does: the time until the body was done with
            self.owner._elapsed = datetime.timedelta(seconds=time.monotonic() - self._started)


def to_httpx_error(exc: BaseException, request: PreparedRequest) -> httpx.RequestError:
    """The httpx exception for an aiohttp failure (see the module docstring)."""
    message = str(exc) or type(exc).__name__
    httpx_request = request.to_httpx()
    kind: type[httpx.RequestError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, TimeoutError):  # SocketTimeoutError, and any other read that took too long
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        kind = httpx.ProxyError
    elif isinstance(exc, aiohttp.ClientConnectorError):  # refused, DNS, TLS handshake
        kind = httpx.ConnectError
    elif isinstance(exc, aiohttp.TooManyRedirects):
        kind = httpx.TooManyRedirects
    elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        kind = httpx.UnsupportedProtocol
    elif isinstance(
        exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError
    ):
        kind = httpx.RemoteProtocolError  # hung up before or during the response, or sent garbage
    else:  # ClientOSError and the like: reset or broken after the request went out
        kind = httpx.ReadError
    return kind(message, request=httpx_request)
