"""Async fan-out benchmarks: N concurrent calls through `AsyncChaser` and through raw clients.

The server is a separate process (`python -m chaser_codegen.bench.fanout serve`): a bare asyncio
HTTP/1.1 keep-alive server that answers each request with one prebuilt response, so that on a
2-core machine the client under test has a core of its own and the server is never the
bottleneck. Each run reports the server's CPU seconds next to the client's wall time: a
server busy for most of the run would show it.

Every run starts a fresh client (its connections included), starts N tasks at once and
waits for all of them. A run records its wall time, the latency of each call (from the
moment all tasks start, so queueing counts), and the failures by exception type: raw httpx
with N far above its pool queues in httpcore and may end in `httpx.PoolTimeout`.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The answers of the fan-out server: a SandboxExecResponse to POST /v1/sessions/{id}/exec (the
# call of the benchmark), a SessionInfo to any GET, and its own CPU seconds to GET /__cpu.
EXEC_RESULT: dict[str, Any] = {
    "command": "true",
    "exit_code": 0,
    "output": "ok\n",
    "session_id": "s1",
    "status": "completed",
}
SESSION: dict[str, Any] = {
    "id": "s1",
    "created_at": "2025-01-01T00:00:00Z",
    "endpoints": {"control": "wss://example.invalid/s1/control"},
    "session_type": "sandbox",
    "status": "ready",
}
API_KEY = "sk_bench_not_a_real_key"
EXEC_BODY = {"command": "true"}
CPU_PATH = b"/__cpu"


def _response(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req_bench\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii")
        + body
    )


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and Content-Length bodies; requests may arrive in pieces or
    several in one read. Nothing else (no chunked bodies): only benchmark clients talk to it."""

    POST = _response(_compact(EXEC_RESULT))
    GET = _response(_compact(SESSION))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            length = _content_length(head)
            if len(buffer) < end + 4 + length:
                break
            if head.startswith(b"GET " + CPU_PATH + b" "):
                # The CPU probe asks once and reads to the end: answer and close.
                self.transport.write(_response(_compact({"cpu_seconds": time.process_time()})))
                self.transport.close()
                return
            self.transport.write(self.POST if head.startswith(b"POST ") else self.GET)
            buffer = buffer[end + 4 + length :]
        self.buffer = buffer


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    # Ends when the parent closes our standard input (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


class FanoutServer:
    """The fan-out server in a child process; `url` is its base URL."""

    def __init__(self) -> None:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # scripts/, which holds chaser_codegen
        self._process = subprocess.Popen(
            [sys.executable, "-m", "chaser_codegen.bench.fanout", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.strip():
            self.close()
            raise RuntimeError("the fan-out server did not start")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> FanoutServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ----------------------------------------------------------------------------------------------
# Clients: each makes one call of the benchmark, POST /v1/sessions/s1/exec, and returns the body
# ----------------------------------------------------------------------------------------------

Call = Callable[[], Awaitable[Any]]


def _headers() -> dict[str, str]:
    """What AsyncChaser sends, for the raw clients (they add Content-Type for json= themselves)."""
    from chaser_core import __version__

    return {
        "Accept": "application/json",
        "User-Agent": f"chaser-core/{__version__} python/{platform.python_version()}",
        "Authorization": f"Bearer {API_KEY}",
    }


def _sdk_timeout() -> Any:
    """The SDK's default timeout, given to the raw httpx clients too (httpx's own is 5 s)."""
    from chaser_core._constants import DEFAULT_TIMEOUT

    return DEFAULT_TIMEOUT


@contextmanager
def _nothing() -> Iterator[None]:
    yield


class _Client:
    """Opens one client of a kind, returns its call, and closes it."""

    def __init__(self, kind: str, base_url: str, pool: int) -> None:
        self.kind = kind
        self.base_url = base_url
        self.pool = pool
        self.url = f"{base_url}/v1/sessions/s1/exec"
        self._close: Callable[[], Awaitable[Any]] | None = None

    async def open(self) -> Call:
        opener = getattr(self, "_open_" + self.kind.replace("-", "_").replace("+", "_"))
        call: Call = await opener()
        return call

    async def close(self) -> None:
        if self._close is not None:
            await self._close()

    def _posting(self, client: Any) -> Call:
        """The call for a client with httpx's API (httpx, httpx2, httpx-aiohttp), closed with the run."""
        self._close = client.aclose
        url, headers = self.url, _headers()

        async def call() -> Any:
            response = await client.post(url, json=EXEC_BODY, headers=headers)
            return json.loads(response.content)

        return call

    async def _open_httpx(self, limit: bool = False) -> Call:
        import httpx

        client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=self.pool, max_keepalive_connections=self.pool),
            timeout=_sdk_timeout(),
        )
        call = self._posting(client)
        semaphore = asyncio.Semaphore(self.pool)

        async def limited() -> Any:
            async with semaphore:
                return await call()

        return limited if limit else call

    async def _open_httpx_semaphore(self) -> Call:
        return await self._open_httpx(limit=True)

    async def _open_httpx2(self) -> Call:
        import httpx2

        client = httpx2.AsyncClient(
            limits=httpx2.Limits(max_connections=self.pool, max_keepalive_connections=self.pool),
            timeout=httpx2.Timeout(60.0, connect=5.0),
        )
        return self._posting(client)

    async def _open_httpx_aiohttp(self) -> Call:
        import httpx
        from httpx_aiohttp import HttpxAiohttpClient

        client = HttpxAiohttpClient(
            limits=httpx.Limits(max_connections=self.pool, max_keepalive_connections=self.pool),
            timeout=_sdk_timeout(),
        )
        return self._posting(client)

    async def _open_aiohttp(self) -> Call:
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.pool))
        self._close = session.close
        url, headers = self.url, _headers()

        async def call() -> Any:
            async with session.post(url, json=EXEC_BODY, headers=headers) as response:
                return json.loads(await response.read())

        return call

    async def _open_chaser(self, **options: Any) -> Call:
        from chaser_core import AsyncChaser

        client = AsyncChaser(api_key=API_KEY, base_url=self.base_url, max_connections=self.pool, **options)
        self._close = client.close

        async def call() -> Any:
            return await client.exec.in_session("s1", command="true")

        return call

    async def _open_chaser_aiohttp(self) -> Call:
        return await self._open_chaser(transport="aiohttp")


# The clients of the fan-out comparison, in the order of the table.
CLIENTS = ("httpx", "httpx+semaphore", "httpx2", "httpx-aiohttp", "aiohttp", "chaser", "chaser-aiohttp")


def available(kind: str) -> bool:
    """Whether this interpreter can run that client (httpx2 and the aiohttp ones are extras)."""
    import importlib.util

    needs = {"httpx2": ("httpx2",), "httpx-aiohttp": ("httpx_aiohttp",), "aiohttp": ("aiohttp",)}
    needs["chaser-aiohttp"] = ("aiohttp",)
    return all(importlib.util.find_spec(module) is not None for module in needs.get(kind, ()))


async def _server_cpu(base_url: str) -> float:
    """The server's CPU seconds so far (a plain socket: no client library involved)."""
    host, port = base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET " + CPU_PATH + b" HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    seconds: float = json.loads(data.partition(b"\r\n\r\n")[2])["cpu_seconds"]
    return seconds


async def _one_run(kind: str, base_url: str, pool: int, n: int) -> dict[str, Any]:
    client = _Client(kind, base_url, pool)
    call = await client.open()
    latencies: list[float] = []

    async def task() -> Any:
        started = time.perf_counter()
        try:
            return await call()
        finally:
            latencies.append(time.perf_counter() - started)

    cpu_before = await _server_cpu(base_url)
    started = time.perf_counter()
    results = await asyncio.gather(*(task() for _ in range(n)), return_exceptions=True)
    seconds = time.perf_counter() - started
    server_cpu = await _server_cpu(base_url) - cpu_before
    await client.close()
    errors = Counter(type(result).__name__ for result in results if isinstance(result, BaseException))
    latencies.sort()
    return {
        "seconds": seconds,
        "server_cpu": server_cpu,
        "errors": dict(errors),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def worker_fanout(params: dict[str, Any]) -> dict[str, Any]:
    """`rounds` runs of every client in `clients` (in alternating order), N calls each."""
    kinds: list[str] = [kind for kind in params["clients"] if available(kind)]
    base_url, pool, n, rounds = params["url"], int(params["pool"]), int(params["n"]), int(params["rounds"])
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}

    async def main() -> None:
        for kind in kinds:  # warm-up: imports, and the server's first connections
            await _one_run(kind, base_url, pool, min(n, 200))
        for index in range(rounds):
            order = kinds if index % 2 == 0 else kinds[::-1]
            for kind in order:
                runs[kind].append(await _one_run(kind, base_url, pool, n))

    asyncio.run(main())
    return {"runs": runs, "skipped": [kind for kind in params["clients"] if kind not in kinds]}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def worker_memory(params: dict[str, Any]) -> dict[str, Any]:
    """How much the resident set grows while one client makes N concurrent calls (one process
    per measurement: the high-water mark of a process cannot be reset)."""
    kind, base_url, pool, n = params["client"], params["url"], int(params["pool"]), int(params["n"])

    async def main() -> dict[str, Any]:
        await _one_run(kind, base_url, pool, 50)  # imports and first allocations
        before = _rss_bytes()
        run = await _one_run(kind, base_url, pool, n)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # ru_maxrss is in KiB
        return {"growth_bytes": peak - before, "peak_rss_bytes": peak, "run": run}

    return asyncio.run(main())


def main(argv: list[str]) -> int:
    if argv == ["serve"]:
        asyncio.run(_serve())
        return 0
    print("usage: python -m chaser_codegen.bench.fanout serve", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
