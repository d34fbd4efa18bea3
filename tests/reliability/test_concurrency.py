"""Many calls at once through one client: each gets its own answer, and nothing leaks."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
import pytest
from chaser_core import AsyncChaser, Chaser

from tests.conftest import KEY

from .conftest import LocalAPI, reset, respond

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


# -- more calls than connections: the SDK-side in-flight limit (both async transports) ----------

TRANSPORTS = ["httpx", "aiohttp"]
MANY = 2000
FEW_CONNECTIONS = 4


@pytest.mark.anyio
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_many_more_calls_than_connections_all_get_answers_and_never_a_pool_timeout(
    server: LocalAPI, transport: str
) -> None:
    # A pool timeout of 10 ms: waiting for a free connection would exceed it a thousand times
    # over, but the wait happens before the request is sent, outside its timeout.
    timeout = httpx.Timeout(5.0, pool=0.01)
    fds_before = open_fds()
    tasks_before = len(asyncio.all_tasks())
    async with AsyncChaser(
        api_key=KEY,
        base_url=server.base_url,
        timeout=timeout,
        max_connections=FEW_CONNECTIONS,
        transport=transport,  # type: ignore[arg-type]
    ) as client:
        sessions = await asyncio.gather(*(client.sessions.get(f"m-{index}") for index in range(MANY)))
        slots = client._transport._slots
    fds_after = await settle_fds(fds_before + FD_SLACK)

    assert [session.id for session in sessions] == [f"m-{index}" for index in range(MANY)]
    assert server.total_requests == MANY
    assert len(server.connections) <= FEW_CONNECTIONS
    assert slots is not None and slots.value == FEW_CONNECTIONS  # every slot given back
    assert len(asyncio.all_tasks()) == tasks_before
    assert fds_after <= fds_before + FD_SLACK


@pytest.mark.anyio
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_closed_and_dropped_streams_give_their_connection_slot_back(
    server: LocalAPI, transport: str
) -> None:
    server.plan(
        "GET",
        "/v1/sessions/s1/commands/c1/stream",
        respond(200, content=b"data: one\n\n", content_type="text/event-stream"),
    )
    async with AsyncChaser(
        api_key=KEY,
        base_url=server.base_url,
        max_connections=1,
        transport=transport,  # type: ignore[arg-type]
    ) as client:
        slots = client._transport._slots
        with anyio.fail_after(20):  # a slot kept by a finished stream would block the next one
            for _ in range(3):
                async with await client.commands.stream("s1", "c1") as events:
                    assert [event.data async for event in events] == ["one"]
            assert (await client.sessions.get("after")).id == "after"
            assert slots is not None and slots.value == 1
            # Never closed: once collected, the slot comes back (httpx's pool keeps its
            # connection busy until then too, so the next call would wait on httpx's side).
            dropped = await client.commands.stream("s1", "c1")
            assert slots.value == 0
            del dropped
            gc.collect()
            assert slots.value == 1


@pytest.mark.anyio
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_cancelled_calls_waiting_for_a_connection_leave_no_slot_taken(
    server: LocalAPI, transport: str
) -> None:
    async with AsyncChaser(
        api_key=KEY,
        base_url=server.base_url,
        max_connections=2,
        transport=transport,  # type: ignore[arg-type]
    ) as client:
        calls = [asyncio.ensure_future(client.sessions.get(f"c-{index}")) for index in range(50)]
        await asyncio.sleep(0)
        for call in calls:
            call.cancel()
        await asyncio.gather(*calls, return_exceptions=True)
        assert client._transport._slots is not None and client._transport._slots.value == 2
        assert (await client.sessions.get("after")).id == "after"
