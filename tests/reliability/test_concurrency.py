"""Many calls at once through one client: each gets its own answer, and nothing leaks."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
import pytest
from chaser_core import AsyncChaser, Chaser

from .conftest import KEY, LocalAPI, reset, respond

CALLS = 1000
MAX_CONNECTIONS = 20
FD_SLACK = 3


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def settle_fds(ceiling: int, deadline: float = 2.0) -> int:
    """The open fd count, once the server's handler threads have closed their sockets."""
    stop = time.monotonic() + deadline
    count = open_fds()
    while count > ceiling and time.monotonic() < stop:
        await anyio.sleep(0.01)
        count = open_fds()
    return count


@pytest.mark.anyio
async def test_async_client_serves_1000_concurrent_calls_on_bounded_connections_without_leaks(
    server: LocalAPI,
) -> None:
    fds_before = open_fds()
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
    async with AsyncChaser(api_key=KEY, base_url=server.base_url, http_client=http) as client:
        started = time.monotonic()
        raws = await asyncio.gather(
            *(client.sessions.with_raw_response.get(f"s-{index}") for index in range(CALLS))
        )
        elapsed = time.monotonic() - started
    await http.aclose()
    ids = [raw.parse().id for raw in raws]
    request_ids = [raw.request_id for raw in raws]
    fds_after = await settle_fds(fds_before + FD_SLACK)

    assert ids == [f"s-{index}" for index in range(CALLS)]
    assert request_ids == [f"req-s-{index}" for index in range(CALLS)]
    assert server.total_requests == CALLS
    assert len(server.connections) <= MAX_CONNECTIONS
    assert fds_after <= fds_before + FD_SLACK
    print(
        f"\n{CALLS} concurrent calls in {elapsed:.2f} s over {len(server.connections)} connections; "
        f"open fds before {fds_before}, after {fds_after}"
    )


@pytest.mark.anyio
async def test_sync_client_shared_across_8_threads(server: LocalAPI) -> None:
    fds_before = open_fds()
    per_thread = 25
    errors: list[BaseException] = []
    thread_names: set[str] = set()
    # ThreadPoolExecutor reuses an idle thread rather than start a new one: without the barrier,
    # a worker that finished before the next submit() left fewer than 8 threads in play.
    all_started = threading.Barrier(8, timeout=30)

    def work(client: Chaser, worker: int) -> list[tuple[str, str]]:
        all_started.wait()
        pairs = []
        for index in range(per_thread):
            wanted = f"t{worker}-{index}"
            pairs.append((wanted, client.sessions.get(wanted).id))
        thread_names.add(threading.current_thread().name)
        return pairs

    with Chaser(api_key=KEY, base_url=server.base_url) as client, ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(work, client, worker) for worker in range(8)]
        results = []
        for future in futures:
            try:
                results.extend(future.result(timeout=30))
            except BaseException as exc:  # pragma: no cover - reported by the assertion below
                errors.append(exc)
    fds_after = await settle_fds(fds_before + FD_SLACK)

    assert errors == []
    assert len(thread_names) == 8
    assert len(results) == 8 * per_thread
    assert all(wanted == got for wanted, got in results)
    assert server.total_requests == 8 * per_thread
    assert fds_after <= fds_before + FD_SLACK


@pytest.mark.anyio
async def test_failing_calls_do_not_leak_connections(server: LocalAPI) -> None:
    server.plan("GET", "/v1/sessions/bad", respond(500, {"error": "boom"}), reset)
    fds_before = open_fds()
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
    async with AsyncChaser(api_key=KEY, base_url=server.base_url, http_client=http, max_retries=0) as client:
        outcomes = await asyncio.gather(
            *(client.sessions.get("bad" if index % 2 else f"ok-{index}") for index in range(200)),
            return_exceptions=True,
        )
    await http.aclose()
    fds_after = await settle_fds(fds_before + FD_SLACK)

    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(failures) == 100
    assert fds_after <= fds_before + FD_SLACK
