"""Choosing the transport and the connection limit; aiohttp's failures in httpx's terms."""

from __future__ import annotations

import aiohttp
import httpx
import pytest
from chaser_core import AsyncChaser, Chaser, ConfigurationError, _retry
from chaser_core._aiohttp import AiohttpTransport, to_httpx_error
from chaser_core._transport import AsyncHttpxTransport, PreparedRequest, SyncHttpxTransport

from tests.conftest import KEY

REQUEST = PreparedRequest("POST", "http://127.0.0.1:9/v1/sessions", {}, b"{}", 5.0)


def test_the_default_pool_and_the_in_flight_limit_are_the_same_size() -> None:
    client = AsyncChaser(api_key=KEY, max_connections=7)
    assert isinstance(client._transport, AsyncHttpxTransport)
    assert client._transport.max_connections == 7
    assert client._transport.http._transport._pool._max_connections == 7  # type: ignore[attr-defined]
    assert Chaser(api_key=KEY)._transport.max_connections == 100


def test_a_callers_httpx_client_keeps_its_pool_and_sets_the_limit() -> None:
    http = httpx.Client(limits=httpx.Limits(max_connections=3))
    client = Chaser(api_key=KEY, http_client=http)
    assert isinstance(client._transport, SyncHttpxTransport)
    assert client._transport.http is http
    assert client._transport.max_connections == 3
    assert Chaser(api_key=KEY, http_client=http, max_connections=2)._transport.max_connections == 2
    # A client whose pool we cannot see gets no SDK-side limit rather than a wrong one.
    custom = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    assert Chaser(api_key=KEY, http_client=custom)._transport.max_connections is None


def test_aiohttp_is_chosen_by_name_and_takes_no_httpx_client() -> None:
    client = AsyncChaser(api_key=KEY, transport="aiohttp", max_connections=5)
    assert isinstance(client._transport, AiohttpTransport)
    assert client._transport.max_connections == 5
    assert client.with_options(max_retries=0)._transport is client._transport
    with pytest.raises(ConfigurationError, match="no http_client"):
        AsyncChaser(api_key=KEY, transport="aiohttp", http_client=httpx.AsyncClient())
    with pytest.raises(ConfigurationError, match="'httpx' or 'aiohttp'"):
        AsyncChaser(api_key=KEY, transport="curl")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="max_connections"):
        AsyncChaser(api_key=KEY, max_connections=0)


def _connector_error() -> aiohttp.ClientConnectorError:
    from aiohttp.client_reqrep import ConnectionKey

    key = ConnectionKey("127.0.0.1", 9, False, True, None, None, None)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))


@pytest.mark.parametrize(
    ("error", "expected", "never_sent"),
    [
        (_connector_error(), httpx.ConnectError, True),
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout, True),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout, False),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError, False),
        (aiohttp.ClientPayloadError("truncated"), httpx.RemoteProtocolError, False),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError, False),
    ],
    ids=["refused", "connect-timeout", "read-timeout", "disconnected", "truncated", "reset"],
)
def test_aiohttp_failures_become_the_httpx_errors_the_retry_policy_reads(
    error: Exception, expected: type[httpx.RequestError], never_sent: bool
) -> None:
    mapped = to_httpx_error(error, REQUEST)

    assert type(mapped) is expected
    assert mapped.request.url == httpx.URL(REQUEST.url)
    # A non-idempotent POST is resent only when it provably never left: not after a hang-up.
    assert _retry.should_retry_exception(mapped, idempotent=False) is never_sent
