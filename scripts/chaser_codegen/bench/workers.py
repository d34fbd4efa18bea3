"""Workers: what runs in a fresh interpreter (`python -m chaser_codegen.bench --worker KIND JSON`),
so that nothing the benchmark process imported or allocated weighs on it, and how to start one."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import platform
import time
from collections.abc import Callable
from typing import Any

from .loopback import BENCH_API_KEY, SESSION_INFO
from .process import PYTHON, BenchError, pipeline_env, run_timed
from .stats import interleave


def _chaser_headers() -> dict[str, str]:
    """The headers Chaser sends by default, for the raw httpx baseline."""
    from chaser_core import __version__

    return {
        "Accept": "application/json",
        "User-Agent": f"chaser-core/{__version__} python/{platform.python_version()}",
        "Authorization": f"Bearer {BENCH_API_KEY}",
    }


def worker_per_call(params: dict[str, Any]) -> dict[str, Any]:
    """Seconds per call of the SDK and of raw httpx, sync then async, interleaved per round."""
    import httpx
    from chaser_core import AsyncChaser, Chaser

    base = str(params["url"])
    calls, rounds, warmup = int(params["calls"]), int(params["rounds"]), int(params["warmup"])
    url = f"{base}/v1/sessions/s1"
    headers = _chaser_headers()
    results: dict[str, Any] = {}

    with Chaser(api_key=BENCH_API_KEY, base_url=base) as client, httpx.Client() as http:
        # Check once that both really fetch the session (and warm the lazy imports).
        assert client.sessions.get("s1").id == "s1"
        assert json.loads(http.get(url, headers=headers).content)["id"] == "s1"

        def sdk() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                client.sessions.get("s1")
            return (time.perf_counter() - started) / calls

        def raw() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                json.loads(http.get(url, headers=headers).content)
            return (time.perf_counter() - started) / calls

        base_samples, sdk_samples = interleave(raw, sdk, rounds=rounds, warmup=warmup)
        results["sync"] = {"baseline": base_samples, "candidate": sdk_samples}

    async def interleave_async(
        raw_call: Callable[[], Any], sdk_call: Callable[[], Any]
    ) -> dict[str, list[float]]:
        async def timed(call: Callable[[], Any]) -> float:
            started = time.perf_counter()
            for _ in range(calls):
                await call()
            return (time.perf_counter() - started) / calls

        for _ in range(warmup):
            await timed(raw_call)
            await timed(sdk_call)
        base_samples: list[float] = []
        sdk_samples: list[float] = []
        for index in range(rounds):
            if index % 2 == 0:
                base_samples.append(await timed(raw_call))
                sdk_samples.append(await timed(sdk_call))
            else:
                sdk_samples.append(await timed(sdk_call))
                base_samples.append(await timed(raw_call))
        return {"baseline": base_samples, "candidate": sdk_samples}

    async def run_async() -> dict[str, list[float]]:
        async with AsyncChaser(api_key=BENCH_API_KEY, base_url=base) as client, httpx.AsyncClient() as http:
            assert (await client.sessions.get("s1")).id == "s1"

            async def raw() -> Any:
                return json.loads((await http.get(url, headers=headers)).content)

            return await interleave_async(raw, lambda: client.sessions.get("s1"))

    async def run_aiohttp() -> dict[str, list[float]]:
        import aiohttp

        async with (
            AsyncChaser(api_key=BENCH_API_KEY, base_url=base, transport="aiohttp") as client,
            aiohttp.ClientSession() as session,
        ):
            assert (await client.sessions.get("s1")).id == "s1"

            async def raw() -> Any:
                async with session.get(url, headers=headers) as response:
                    return json.loads(await response.read())

            return await interleave_async(raw, lambda: client.sessions.get("s1"))

    results["async"] = asyncio.run(run_async())
    if importlib.util.find_spec("aiohttp") is not None:
        results["async-aiohttp"] = asyncio.run(run_aiohttp())
    return results


def page_body(count: int, total: int, start: int = 0) -> bytes:
    """One page of ListSessionsResponse JSON with `count` sessions."""
    sessions = [{**SESSION_INFO, "id": f"s{start + index}"} for index in range(count)]
    return json.dumps({"sessions": sessions, "total": total}, separators=(",", ":")).encode()


def paginated_handler(total: int, page_size: int) -> tuple[Callable[[Any], Any], dict[str, int]]:
    """An httpx.MockTransport handler for GET /v1/sessions serving `total` items in all.

    Full pages are served from one prebuilt body, so the mock itself allocates (almost)
    nothing per page and the memory measured is the SDK's.
    """
    import httpx

    full = page_body(page_size, total)
    served = {"pages": 0, "items": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        limit = int(request.url.params.get("limit", str(page_size)))
        count = max(0, min(limit, total - offset))
        body = full if count == page_size else page_body(count, total, offset)
        served["pages"] += 1
        served["items"] += count
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return handler, served


PAGINATION_WARMUP_ITEMS = 30_000


def worker_pagination(params: dict[str, Any]) -> dict[str, Any]:
    """The tracemalloc peak while iterating `items` paginated sessions (sync or async).

    A warm-up iteration of PAGINATION_WARMUP_ITEMS first imports what the SDK imports lazily
    and fills the bounded caches a request touches (urllib.parse keeps the last 128 URLs, and
    each page has a URL of its own), so that the measured peak is what iterating costs.
    """
    import tracemalloc

    import httpx
    from chaser_core import AsyncChaser, Chaser

    total, page_size, mode = params["items"], params["page_size"], params["mode"]
    warmup_handler, _ = paginated_handler(params.get("warmup_items", PAGINATION_WARMUP_ITEMS), page_size)
    handler, served = paginated_handler(total, page_size)
    base = "https://api.chaser.sh"
    if mode == "sync":

        def iterate(handler: Callable[[Any], Any], traced: bool) -> tuple[int, float, int, int]:
            http = httpx.Client(transport=httpx.MockTransport(handler))
            with Chaser(api_key=BENCH_API_KEY, base_url=base, http_client=http) as client:
                if traced:
                    tracemalloc.start()
                started = time.perf_counter()
                count = 0
                for _ in client.sessions.list(limit=page_size):
                    count += 1
                elapsed = time.perf_counter() - started
                current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            http.close()
            return count, elapsed, current, peak

        iterate(warmup_handler, False)
        count, elapsed, current, peak = iterate(handler, True)
    else:

        async def iterate_async(handler: Callable[[Any], Any], traced: bool) -> tuple[int, float, int, int]:
            http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            async with AsyncChaser(api_key=BENCH_API_KEY, base_url=base, http_client=http) as client:
                if traced:
                    tracemalloc.start()
                started = time.perf_counter()
                count = 0
                async for _ in client.sessions.list(limit=page_size):
                    count += 1
                elapsed = time.perf_counter() - started
                current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            await http.aclose()
            return count, elapsed, current, peak

        async def run() -> tuple[int, float, int, int]:
            await iterate_async(warmup_handler, False)
            return await iterate_async(handler, True)

        count, elapsed, current, peak = asyncio.run(run())
    if count != total:
        raise BenchError(f"iterated {count} items, expected {total}")
    return {
        "items": count,
        "peak_bytes": peak,
        "retained_bytes": current,
        "seconds": elapsed,
        "pages_served": served["pages"],
    }


def _fanout_worker(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def run(params: dict[str, Any]) -> dict[str, Any]:
        from . import fanout

        result: dict[str, Any] = getattr(fanout, name)(params)
        return result

    return run


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "per-call": worker_per_call,
    "pagination": worker_pagination,
    "fanout": _fanout_worker("worker_fanout"),
    "fanout-memory": _fanout_worker("worker_memory"),
}


def run_worker(kind: str, params: dict[str, Any], *, timeout: float = 600) -> dict[str, Any]:
    completed = run_timed(
        [PYTHON, "-m", "chaser_codegen.bench", "--worker", kind, json.dumps(params)],
        env=pipeline_env(),
        timeout=timeout,
    )
    try:
        result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise BenchError(f"worker {kind} printed no result:\n{completed.stdout[-2000:]}") from exc
    return result
