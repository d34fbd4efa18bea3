"""The sync and async twins of the runtime say the same thing, line for line.

Each async function or method, with its async spelling turned into the sync one (`await`
dropped, `aclose` -> `close`, `AsyncStream` -> `Stream`, ...), must read exactly like its sync
twin: a fix made to one twin and forgotten in the other fails here. What legitimately differs
(the constructors, which take different clients) is not compared.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from chaser_core import _base_client, _files, _pagination, _streaming, _transport, _waiters

# Async spelling -> sync spelling, applied in this order.
SPELLINGS: list[tuple[str, str]] = [
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\banyio\.sleep\b", "time.sleep"),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\baiter_sse\b", "iter_sse"),
    (r"\basync_write_stream\b", "write_stream"),
    (r"\basync_open_stream\b", "open_stream"),
    (r"\basync_wait\b", "wait"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncAPIClient\b", "SyncAPIClient"),
    (r"\bAsyncHttpxTransport\b", "SyncHttpxTransport"),
    (r"\bAsyncTransport\b", "SyncTransport"),
    (r"\bAsyncPage\b", "SyncPage"),
    (r"\bAsyncStream\b", "Stream"),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"Callable\[\[\], Awaitable\[T\]\]", "Callable[[], T]"),
]

TWINS: list[tuple[Callable[..., Any], Callable[..., Any]]] = [
    (_base_client.SyncAPIClient._share_transport_of, _base_client.AsyncAPIClient._share_transport_of),
    (_base_client.SyncAPIClient.close, _base_client.AsyncAPIClient.close),
    (_base_client.SyncAPIClient.__enter__, _base_client.AsyncAPIClient.__aenter__),
    (_base_client.SyncAPIClient.__exit__, _base_client.AsyncAPIClient.__aexit__),
    (_base_client.SyncAPIClient.send_request, _base_client.AsyncAPIClient.send_request),
    (_base_client.SyncAPIClient.request, _base_client.AsyncAPIClient.request),
    (_base_client.SyncAPIClient.download, _base_client.AsyncAPIClient.download),
    (_transport.SyncTransport.send, _transport.AsyncTransport.send),
    (_transport.SyncTransport._send, _transport.AsyncTransport._send),
    (_transport.SyncTransport.close, _transport.AsyncTransport.close),
    (_transport.SyncHttpxTransport._send, _transport.AsyncHttpxTransport._send),
    (_transport.SyncHttpxTransport.close, _transport.AsyncHttpxTransport.close),
    (_pagination.SyncPage.get_next_page, _pagination.AsyncPage.get_next_page),
    (_streaming.Stream.close, _streaming.AsyncStream.close),
    (_streaming.open_stream, _streaming.async_open_stream),
    (_files.write_stream, _files.async_write_stream),
    (_waiters.wait, _waiters.async_wait),
]


def as_sync(source: str) -> str:
    for pattern, replacement in SPELLINGS:
        source = re.sub(pattern, replacement, source)
    return source


def source_of(function: Callable[..., Any]) -> str:
    """The function's source, dedented and normalized (one line per signature)."""
    source = textwrap.dedent(inspect.getsource(function))
    # A signature that fits on one line in one twin may be wrapped in the other by the formatter.
    return (
        re.sub(r"\s+", " ", source)
        .replace("( ", "(")
        .replace(", )", ")")
        .replace(",)", ")")
        .replace(" )", ")")
    )


@pytest.mark.parametrize(
    ("sync", "async_"), TWINS, ids=[f"{sync.__module__}.{sync.__qualname__}" for sync, _ in TWINS]
)
def test_async_twin_reads_like_the_sync_one(sync: Callable[..., Any], async_: Callable[..., Any]) -> None:
    assert as_sync(source_of(async_)) == source_of(sync)


def test_the_comparison_catches_a_difference() -> None:
    def sync_twin(client: Any) -> Any:
        return client.send_request({}, idempotent=True)

    async def async_twin(client: Any) -> Any:
        return await client.send_request({}, idempotent=False)

    assert as_sync(source_of(async_twin)).replace("async_twin", "sync_twin") != source_of(sync_twin)
