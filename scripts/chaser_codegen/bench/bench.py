"""`scripts/bench`: the performance targets of docs/policies.md, each measured in one run.

Every benchmark runs its baseline and its candidate in the same run, interleaved (A B, B A,
A B, ...: drift on a shared, noisy machine hits both alike), for several rounds, and reports
the median of the per-round ratios with their spread (min..max and the interquartile range).
Rows with an absolute target (the no-op drift check) report seconds instead of a ratio.

    scripts/bench                     every benchmark; the table, and bench/results.json
    scripts/bench --quick             fewer rounds (for development; noisier)
    scripts/bench --only NAME         one benchmark (repeatable; --list names them)
    scripts/bench --make-spec N       the synthetic spec with N operations (--out FILE)

Subprocess benchmarks (generation, the check, imports) time the whole command, interpreter
start-up included, for both sides. In-process benchmarks (per-call overhead, pagination
memory) run in a fresh interpreter each, so nothing this process imported or allocated
(the pipeline, a 3,000-schema document) weighs on them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
RESULTS = ROOT / "bench" / "results.json"
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent

# The body the loopback server answers with: a valid SessionInfo, as GET /v1/sessions/{id} returns.
SESSION_INFO: dict[str, Any] = {
    "id": "s1",
    "created_at": "2025-01-01T00:00:00Z",
    "endpoints": {"control": "wss://example.invalid/s1/control", "video": None},
    "session_type": "browser",
    "status": "ready",
    "workspace_id": "ws_1",
    "persistence": False,
    "active_connection_leases": 0,
}
BENCH_API_KEY = "sk_bench_not_a_real_key"


class BenchError(RuntimeError):
    """A benchmark could not run (a command failed): the run stops with its output."""


# ----------------------------------------------------------------------------------------------
# Statistics
# ----------------------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be between 0 and 1")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return quantile(values, 0.5)


@dataclass(frozen=True)
class Spread:
    """The median of some samples and how far they spread."""

    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(
            median=median(values),
            minimum=min(values),
            maximum=max(values),
            q1=quantile(values, 0.25),
            q3=quantile(values, 0.75),
            n=len(values),
        )

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1


def paired_ratios(baseline: Sequence[float], candidate: Sequence[float]) -> list[float]:
    """candidate / baseline, round by round (each pair ran back to back)."""
    if len(baseline) != len(candidate):
        raise ValueError("the baseline and the candidate need the same number of rounds")
    return [c / b for b, c in zip(baseline, candidate, strict=True)]


@dataclass(frozen=True)
class PowerFit:
    """time = coefficient * size ** exponent, fitted by least squares on log(time) vs log(size)."""

    exponent: float
    coefficient: float
    r_squared: float

    def predict(self, size: float) -> float:
        return self.coefficient * math.pow(size, self.exponent)


def fit_power_law(sizes: Sequence[float], times: Sequence[float]) -> PowerFit:
    if len(sizes) != len(times) or len(sizes) < 2:
        raise ValueError("need at least two (size, time) points")
    if min(sizes) <= 0 or min(times) <= 0:
        raise ValueError("sizes and times must be positive")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("need at least two different sizes")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    ss_total = sum((y - mean_y) ** 2 for y in ys)
    ss_residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    r_squared = 1.0 - ss_residual / ss_total if ss_total > 0 else 1.0
    return PowerFit(exponent=slope, coefficient=math.exp(intercept), r_squared=r_squared)


def growth_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """The slope of log(time) against log(size): 1 is linear, 2 quadratic."""
    return fit_power_law(sizes, times).exponent


# ----------------------------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------------------------

Measure = Callable[[], float]


def interleave(
    baseline: Measure, candidate: Measure, *, rounds: int, warmup: int = 0
) -> tuple[list[float], list[float]]:
    """Run both `rounds` times, alternating which goes first; each call returns its seconds."""
    for _ in range(warmup):
        baseline()
        candidate()
    base: list[float] = []
    cand: list[float] = []
    for index in range(rounds):
        if index % 2 == 0:
            base.append(baseline())
            cand.append(candidate())
        else:
            cand.append(candidate())
            base.append(baseline())
    return base, cand


@dataclass
class Completed:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    # The peak resident memory of the process (and of the children it waited for), in bytes.
    max_rss: int = 0


def run_timed(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    check: bool = True,
    timeout: float = 900,
) -> Completed:
    """Run a command to completion and time it (wall clock, start-up included), with its peak
    memory: the output goes to files so that the process can be reaped with wait4, which
    reports the resource use of that one process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=err)
        reaped: list[tuple[int, int, Any]] = []
        reaper = threading.Thread(target=lambda: reaped.append(os.wait4(process.pid, 0)), daemon=True)
        reaper.start()
        reaper.join(timeout)
        seconds = time.perf_counter() - started
        if not reaped:
            process.kill()
            reaper.join()
            raise BenchError(f"`{' '.join(argv)}` took over {timeout:.0f} s")
        _, status, usage = reaped[0]
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if check and process.returncode != 0:
        output = (stdout + stderr).strip()
        raise BenchError(f"`{' '.join(argv)}` exited {process.returncode}:\n{output[-3000:]}")
    return Completed(seconds, process.returncode, stdout, stderr, usage.ru_maxrss * 1024)


def base_env(**extra: str) -> dict[str, str]:
    """The environment of the measured commands: the venv's tools first on PATH (so that
    openapi-python-client finds ruff for its post-hooks), no inherited PYTHONPATH."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def pipeline_env() -> dict[str, str]:
    return base_env(PYTHONPATH=str(ROOT / "scripts"))


_STAGE = re.compile(r"([a-z][a-z -]*?) (\d+) ms")


def parse_stage_timings(stdout: str) -> dict[str, float]:
    """The per-stage seconds `chaser_codegen generate` prints (empty when it printed none)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("Generated ") and "(" in line:
            inside = line[line.rindex("(") + 1 :].rstrip(")")
            return {name.strip(): int(ms) / 1000 for name, ms in _STAGE.findall(inside)}
    return {}


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    what: str
    unit: str  # "x" (a ratio), "s" (seconds) or "exp" (a growth exponent)
    value: float
    target: float | None  # None: informational
    spread: Spread | None = None
    baseline: Spread | None = None  # seconds (or bytes) of the baseline's samples
    candidate: Spread | None = None
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    failure: str = ""  # set when the candidate failed outright (for example, calls that raised)

    @property
    def passed(self) -> bool | None:
        if self.failure:
            return False
        return None if self.target is None else self.value <= self.target

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data


def _number(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:.2f}"


def format_table(rows: Sequence[Row]) -> str:
    header = ("benchmark", "measured", "spread min..max (IQR)", "target", "result", "detail")
    lines = [header]
    for row in rows:
        spread = ""
        if row.spread is not None and row.spread.n > 1:
            s = row.spread
            spread = (
                f"{_number(s.minimum, row.unit)}..{_number(s.maximum, row.unit)} ({_number(s.iqr, row.unit)})"
            )
        target = "info" if row.target is None else f"<= {_number(row.target, row.unit)}"
        result = {True: "PASS", False: "FAIL", None: "-"}[row.passed]
        lines.append((row.name, _number(row.value, row.unit), spread, target, result, row.detail))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for index, line in enumerate(lines):
        cells = [cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=False)]
        out.append("  ".join([*cells, line[-1]]).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# The loopback server (per-call overhead)
# ----------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection serves every request of a client
    disable_nagle_algorithm = True
    server: _CountingServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests += 1
        # One write for the status line, the headers and the body: two small writes would meet
        # Nagle and delayed ACKs and cost tens of milliseconds per call.
        self.wfile.write(self.server.response)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests = 0
        self.connections = 0
        self.response = (
            b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/json\r\n"
            b"X-Request-Id: req_bench\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body
        )


class LoopbackServer:
    """A minimal threaded HTTP/1.1 keep-alive server on 127.0.0.1 answering every GET with
    one fixed JSON body. Use it as a context manager; `url` is its base URL."""

    def __init__(self, body: bytes | None = None) -> None:
        payload = body if body is not None else json.dumps(SESSION_INFO, separators=(",", ":")).encode()
        self._server = _CountingServer(payload)
        self._thread = threading.Thread(target=self._server.serve_forever, name="bench-loopback", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> int:
        return self._server.requests

    @property
    def connections(self) -> int:
        return self._server.connections

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# ----------------------------------------------------------------------------------------------
# Workers: run in a fresh interpreter (`python -m chaser_codegen.bench --worker KIND JSON`)
# ----------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------
# The benchmarks
# ----------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Rounds per benchmark (--quick halves the work or more)."""

    regen_chaser: int = 5
    regen_real: int = 3
    chained: int = 2
    synthetic: dict[int, int] = field(default_factory=lambda: {100: 3, 300: 3, 1000: 2})
    check: int = 7
    imports: int = 30
    per_call_rounds: int = 15
    per_call_calls: int = 200
    pagination_items: tuple[int, int] = (10_000, 100_000)
    fanout_rounds: dict[int, int] = field(default_factory=lambda: {1_000: 5, 10_000: 3})

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            regen_chaser=2,
            regen_real=1,
            chained=1,
            synthetic={100: 1, 300: 1, 1000: 1},
            check=3,
            imports=10,
            per_call_rounds=5,
            per_call_calls=100,
            fanout_rounds={1_000: 2, 10_000: 1},
        )


class Context:
    def __init__(self, plan: Plan, workdir: Path, log: Callable[[str], None]) -> None:
        self.plan = plan
        self.workdir = workdir
        self.log = log
        # (tool, N) -> (seconds samples, stage timings per sample), shared by the synthetic
        # comparison and the scaling fit, so N=300 is generated once per round.
        self.synthetic: dict[tuple[str, int], tuple[list[float], list[dict[str, float]]]] = {}
        self.info: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        return self.workdir / name


def _ours_argv(
    spec: Path, out: Path, overlay: Path | None = None, exclusions: Path | None = None
) -> list[str]:
    argv = [PYTHON, "-m", "chaser_codegen", "generate", "--spec", str(spec), "--out", str(out)]
    if overlay is not None:
        argv += ["--overlay", str(overlay)]
    if exclusions is not None:
        argv += ["--exclusions", str(exclusions)]
    return argv


def _bare_argv(spec: Path, out: Path) -> list[str]:
    tool = VENV_BIN / "openapi-python-client"
    return [
        str(tool),
        "generate",
        "--path",
        str(spec),
        "--meta",
        "none",
        "--output-path",
        str(out),
        "--overwrite",
        "--fail-on-warning",
    ]


class _Generator:
    """One side of a generation comparison: clears its output (untimed), then runs and times."""

    def __init__(self, argv: list[str], out: Path, stages: list[dict[str, float]] | None = None) -> None:
        self.argv = argv
        self.out = out
        self.stages = stages

    def __call__(self) -> float:
        shutil.rmtree(self.out, ignore_errors=True)
        completed = run_timed(self.argv, env=pipeline_env())
        if self.stages is not None:
            self.stages.append(parse_stage_timings(completed.stdout))
        shutil.rmtree(self.out, ignore_errors=True)
        return completed.seconds


def _ratio_row(
    name: str, what: str, base: list[float], cand: list[float], target: float | None, detail: str
) -> Row:
    ratios = paired_ratios(base, cand)
    return Row(
        name=name,
        what=what,
        unit="x",
        value=median(ratios),
        target=target,
        spread=Spread.of(ratios),
        baseline=Spread.of(base),
        candidate=Spread.of(cand),
        detail=detail,
    )


def overlaid_chaser_spec(target: Path) -> Path:
    """spec/openapi.json with spec/overlay.yaml applied, for the bare tool (it reads no overlay)."""
    from ..pipeline.load import load_document
    from ..pipeline.overlay import apply_overlay

    document = load_document(ROOT / "spec" / "openapi.json")
    overlay = load_document(ROOT / "spec" / "overlay.yaml", stage="overlay")
    overlaid, _ = apply_overlay(document, overlay, source="spec/overlay.yaml")
    target.write_text(json.dumps(overlaid, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


def _stage_summary(stages: list[dict[str, float]], wall: float, top: int = 4) -> str:
    """The biggest stages (median seconds), and what the wall time has beyond all stages
    (interpreter start-up, the pipeline's imports, the swap into place)."""
    medians = stage_medians(stages)
    if not medians:
        return ""
    biggest = sorted(medians.items(), key=lambda item: -item[1])[:top]
    shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in biggest)
    return f"; stages: {shown}, outside stages {wall - sum(medians.values()):.2f}"


def bench_regen_chaser(ctx: Context) -> list[Row]:
    """Regenerate the Chaser spec: our pipeline vs bare openapi-python-client (<= 1.5x)."""
    spec = ROOT / "spec" / "openapi.json"
    overlaid = overlaid_chaser_spec(ctx.path("chaser-overlaid.json"))
    stages: list[dict[str, float]] = []
    exclusions = ROOT / "spec" / "exclusions.yaml"
    ours = _Generator(
        _ours_argv(
            spec,
            ctx.path("chaser-ours"),
            ROOT / "spec" / "overlay.yaml",
            exclusions if exclusions.exists() else None,
        ),
        ctx.path("chaser-ours"),
        stages,
    )
    bare = _Generator(_bare_argv(overlaid, ctx.path("chaser-bare")), ctx.path("chaser-bare"))
    base, cand = interleave(bare, ours, rounds=ctx.plan.regen_chaser, warmup=1)
    stages[:] = stages[1:]  # the warm-up run
    row = _ratio_row(
        "regen-chaser",
        "full regeneration of spec/openapi.json + overlay: our pipeline vs bare openapi-python-client",
        base,
        cand,
        1.5,
        f"ours {median(cand):.2f} s vs bare {median(base):.2f} s{_stage_summary(stages, median(cand))}",
    )
    row.extra["stages"] = stages
    return [row]


REAL_SPECS = ROOT / "tests" / "fixtures" / "real-specs"


def real_spec(ctx: Context, name: str) -> Path:
    """A vendored real spec, decompressed into the work directory once."""
    import gzip

    path = ctx.path(f"{name}.json")
    if not path.exists():
        path.write_bytes(gzip.decompress((REAL_SPECS / f"{name}.json.gz").read_bytes()))
    return path


class _Measured(_Generator):
    """A generator that also keeps each run's peak memory and exit code."""

    def __init__(self, argv: list[str], out: Path, stages: list[dict[str, float]] | None = None) -> None:
        super().__init__(argv, out, stages)
        self.max_rss: list[int] = []
        self.returncodes: list[int] = []

    def __call__(self) -> float:
        shutil.rmtree(self.out, ignore_errors=True)
        # Bare openapi-python-client warns about what it drops and may exit non-zero: it still
        # writes what it can, which is what its users get, so its time counts.
        completed = run_timed(self.argv, env=pipeline_env(), check=False)
        if self.stages is not None:
            if completed.returncode != 0:
                raise BenchError(f"our pipeline failed:\n{(completed.stdout + completed.stderr)[-3000:]}")
            self.stages.append(parse_stage_timings(completed.stdout))
        self.max_rss.append(completed.max_rss)
        self.returncodes.append(completed.returncode)
        shutil.rmtree(self.out, ignore_errors=True)
        return completed.seconds


def _mib(values: list[int]) -> str:
    return f"{median([float(v) for v in values]) / 2**20:.0f} MiB"


def _bare_tolerant_argv(spec: Path, out: Path) -> list[str]:
    """Bare openapi-python-client as a user runs it on a real spec: warnings do not stop it."""
    return [arg for arg in _bare_argv(spec, out) if arg != "--fail-on-warning"]


def bench_regen_openai(ctx: Context) -> list[Row]:
    """The OpenAI spec (288 operations): our pipeline, which generates all of them with their
    repairs, vs bare openapi-python-client, which drops 32 (<= 1.5x); peak memory of both."""
    spec = real_spec(ctx, "openai-2026-08")
    stages: list[dict[str, float]] = []
    ours = _Measured(_ours_argv(spec, ctx.path("openai-ours")), ctx.path("openai-ours"), stages)
    bare = _Measured(_bare_tolerant_argv(spec, ctx.path("openai-bare")), ctx.path("openai-bare"))
    base, cand = interleave(bare, ours, rounds=ctx.plan.regen_real, warmup=1)
    stages[:] = stages[1:]
    ctx.info["openai"] = {"ours_max_rss": ours.max_rss[1:], "bare_max_rss": bare.max_rss[1:]}
    row = _ratio_row(
        "regen-openai",
        "the OpenAI spec (288 operations, 3.1): our pipeline, every operation, vs bare openapi-python-client",
        base,
        cand,
        1.5,
        f"ours {median(cand):.1f} s, peak {_mib(ours.max_rss[1:])} vs bare {median(base):.1f} s, "
        f"peak {_mib(bare.max_rss[1:])} (bare exits {bare.returncodes[-1]}, 256 of 288 operations)"
        f"{_stage_summary(stages, median(cand))}",
    )
    row.extra["stages"] = stages
    return [row]


def bench_regen_stripe(ctx: Context) -> list[Row]:
    """The Stripe spec (417 operations, 3.0): our time and peak memory. Bare
    openapi-python-client crashes on it (duplicate enum keys), so there is no ratio (info)."""
    spec = real_spec(ctx, "stripe-2022-04")
    stages: list[dict[str, float]] = []
    ours = _Measured(_ours_argv(spec, ctx.path("stripe-ours")), ctx.path("stripe-ours"), stages)
    seconds = [ours() for _ in range(ctx.plan.regen_real + 1)][1:]
    stages[:] = stages[1:]
    return [
        Row(
            "regen-stripe",
            "the Stripe spec (417 operations, 3.0): our pipeline (bare openapi-python-client crashes on it)",
            "s",
            median(seconds),
            None,
            spread=Spread.of(seconds),
            detail=f"peak {_mib(ours.max_rss[1:])}{_stage_summary(stages, median(seconds))}",
        )
    ]


CHAINED_SIZES = (60, 120, 240)


def bench_scaling_chained(ctx: Context) -> list[Row]:
    """Chained schemas (each main schema refers to the previous one), N = 60, 120, 240: the growth
    exponent of our generation (linear: <= 1.1), with bare openapi-python-client's as context
    (its endpoint deep copies make it quadratic; our pipeline patches them)."""
    from .synthetic import dumps, make_spec

    ours_times, bare_times = [], []
    for n in CHAINED_SIZES:
        spec = ctx.path(f"chained-{n}.json")
        spec.write_text(dumps(make_spec(n, chained=True)), encoding="utf-8")
        ours = _Measured(_ours_argv(spec, ctx.path(f"chained-{n}-ours")), ctx.path(f"chained-{n}-ours"), [])
        bare = _Measured(_bare_argv(spec, ctx.path(f"chained-{n}-bare")), ctx.path(f"chained-{n}-bare"))
        base, cand = interleave(bare, ours, rounds=ctx.plan.chained, warmup=0)
        ours_times.append(median(cand))
        bare_times.append(median(base))
    sizes = [float(n) for n in CHAINED_SIZES]
    ours_fit, bare_fit = fit_power_law(sizes, ours_times), fit_power_law(sizes, bare_times)
    points = ", ".join(
        f"N={n}: {o:.1f} s (bare {b:.1f} s)"
        for n, o, b in zip(CHAINED_SIZES, ours_times, bare_times, strict=True)
    )
    ctx.info["scaling_chained"] = {"sizes": CHAINED_SIZES, "ours": ours_times, "bare": bare_times}
    return [
        Row(
            "scaling-chained",
            "growth exponent of our generation on chained schemas (N=60, 120, 240)",
            "exp",
            ours_fit.exponent,
            1.1,
            detail=points,
        ),
        Row(
            "scaling-chained-bare",
            "the same for bare openapi-python-client (context)",
            "exp",
            bare_fit.exponent,
            None,
            detail=f"fit r2 {bare_fit.r_squared:.3f}",
        ),
    ]


def synthetic_spec(ctx: Context, n: int) -> Path:
    from .synthetic import dumps, make_spec

    path = ctx.path(f"synthetic-{n}.json")
    if not path.exists():
        path.write_text(dumps(make_spec(n)), encoding="utf-8")
    return path


def measure_synthetic(ctx: Context, n: int) -> None:
    """Generate the N-operation spec with both tools (interleaved), adding to ctx.synthetic."""
    rounds = ctx.plan.synthetic.get(n, 1)
    if ("ours", n) in ctx.synthetic:
        return
    spec = synthetic_spec(ctx, n)
    stages: list[dict[str, float]] = []
    ours = _Generator(_ours_argv(spec, ctx.path(f"syn{n}-ours")), ctx.path(f"syn{n}-ours"), stages)
    bare = _Generator(_bare_argv(spec, ctx.path(f"syn{n}-bare")), ctx.path(f"syn{n}-bare"))
    ctx.log(f"    synthetic N={n}: {rounds} round(s) of ours and bare")
    base, cand = interleave(bare, ours, rounds=rounds)
    ctx.synthetic[("ours", n)] = (cand, stages)
    ctx.synthetic[("bare", n)] = (base, [])


def bench_regen_synthetic(ctx: Context) -> list[Row]:
    """The 300-operation synthetic spec: our pipeline vs bare openapi-python-client (<= 1.5x)."""
    from .synthetic import count_operations, count_schemas, make_spec

    n = 300
    document = make_spec(n)
    operations, schemas = count_operations(document), count_schemas(document)
    measure_synthetic(ctx, n)
    cand, stages = ctx.synthetic[("ours", n)]
    base, _ = ctx.synthetic[("bare", n)]
    row = _ratio_row(
        "regen-synthetic",
        f"synthetic spec ({operations} operations, {schemas} schemas): our pipeline vs bare openapi-python-client",
        base,
        cand,
        1.5,
        f"{operations} ops/{schemas} schemas: ours {median(cand):.1f} s vs bare {median(base):.1f} s"
        f"{_stage_summary(stages, median(cand))}",
    )
    row.extra["stages"] = stages
    return [row]


SCALING_SIZES = (100, 300, 1000)


@dataclass
class ScalingPoint:
    operations: int
    schemas: int
    ours_samples: list[float]
    bare_samples: list[float]
    ours_stages: dict[str, float]  # median seconds per pipeline stage

    @property
    def ours_seconds(self) -> float:
        return median(self.ours_samples)

    @property
    def bare_seconds(self) -> float:
        return median(self.bare_samples)

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "ours_seconds": self.ours_seconds,
            "bare_seconds": self.bare_seconds,
            "ours_per_operation": self.ours_seconds / self.operations,
            "bare_per_operation": self.bare_seconds / self.operations,
        }


def stage_medians(stages: list[dict[str, float]]) -> dict[str, float]:
    samples = [sample for sample in stages if sample]
    names = dict.fromkeys(name for sample in samples for name in sample)
    return {name: median([sample.get(name, 0.0) for sample in samples]) for name in names}


def bench_scaling(ctx: Context) -> list[Row]:
    """Generation at N = 100, 300, 1000 operations: seconds per operation, growth exponent (<= 1.1)."""
    from .synthetic import count_schemas, make_spec

    points = []
    for n in SCALING_SIZES:
        measure_synthetic(ctx, n)
        ours, stages = ctx.synthetic[("ours", n)]
        bare, _ = ctx.synthetic[("bare", n)]
        points.append(ScalingPoint(n, count_schemas(make_spec(n)), ours, bare, stage_medians(stages)))
    sizes = [float(p.operations) for p in points]
    ours_fit = fit_power_law(sizes, [p.ours_seconds for p in points])
    bare_fit = fit_power_law(sizes, [p.bare_seconds for p in points])
    stage_exponents = {}
    for name in points[-1].ours_stages:
        times = [p.ours_stages.get(name, 0.0) for p in points]
        if min(times) >= 0.02:  # a few milliseconds are all noise, not a trend
            stage_exponents[name] = fit_power_law(sizes, times).exponent
    ctx.info["scaling"] = {
        "points": [p.as_dict() for p in points],
        "ours_exponent": ours_fit.exponent,
        "ours_r_squared": ours_fit.r_squared,
        "bare_exponent": bare_fit.exponent,
        "bare_r_squared": bare_fit.r_squared,
        "ours_stage_exponents": stage_exponents,
    }

    def per_op(seconds: Callable[[ScalingPoint], float]) -> str:
        return ", ".join(f"N={p.operations}: {seconds(p) / p.operations * 1000:.0f} ms/op" for p in points)

    return [
        Row(
            "scaling",
            "growth exponent of our generation time in the number of operations (N=100, 300, 1000)",
            "exp",
            ours_fit.exponent,
            1.1,
            detail=f"{per_op(lambda p: p.ours_seconds)} (fit r2 {ours_fit.r_squared:.3f})",
        ),
        Row(
            "scaling-bare",
            "the same for bare openapi-python-client (context: what upstream costs)",
            "exp",
            bare_fit.exponent,
            None,
            detail=f"{per_op(lambda p: p.bare_seconds)} (fit r2 {bare_fit.r_squared:.3f})",
        ),
    ]


def bench_check(ctx: Context) -> list[Row]:
    """`scripts/generate --check` with nothing changed (<= 1 s)."""
    command = [str(ROOT / "scripts" / "generate"), "--check"]
    env = base_env()
    first = run_timed(command, env=env, check=False)
    note = "generated/"
    if first.returncode != 0:
        # generated/ is stale (someone is changing the templates right now): measure the
        # same no-op check on a tree freshly generated from the current inputs instead.
        out = ctx.path("check-tree")
        shutil.rmtree(out, ignore_errors=True)
        run_timed(
            [PYTHON, "-m", "chaser_codegen", "generate", "--quiet", "--out", str(out)], env=pipeline_env()
        )
        command += ["--out", str(out)]
        first = run_timed(command, env=env)
        note = "generated/ is stale, so a fresh tree in a temporary directory"
    samples = [run_timed(command, env=env).seconds for _ in range(ctx.plan.check)]
    spread = Spread.of(samples)
    return [
        Row(
            "check-noop",
            "scripts/generate --check with nothing changed (the second run and later; seconds)",
            "s",
            spread.median,
            1.0,
            spread=spread,
            candidate=spread,
            detail=f"first run {first.seconds:.2f} s; checked {note}",
        )
    ]


def _python_c(code: str) -> Measure:
    env = base_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # import as users do, from the bytecode cache
    cwd = Path(tempfile.gettempdir())

    def run() -> float:
        return run_timed([PYTHON, "-c", code], env=env, cwd=cwd).seconds

    return run


def parse_importtime(stderr: str) -> list[tuple[str, int, int]]:
    """(module, self µs, cumulative µs) from `python -X importtime` output."""
    found = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) == 3:
            with contextlib.suppress(ValueError):
                found.append((parts[2].strip(), int(parts[0]), int(parts[1])))
    return found


def bench_imports(ctx: Context) -> list[Row]:
    """`import chaser_core` vs `import httpx` in fresh interpreters (<= 1.25x), and -X importtime."""
    rounds = ctx.plan.imports
    base, cand = interleave(
        _python_c("import httpx"), _python_c("import chaser_core"), rounds=rounds, warmup=2
    )
    rows = [
        _ratio_row(
            "import",
            "`import chaser_core` vs `import httpx`, fresh interpreter each",
            base,
            cand,
            1.25,
            f"chaser_core {median(cand) * 1000:.0f} ms vs httpx {median(base) * 1000:.0f} ms (wall, start-up included)",
        )
    ]
    base2, cand2 = interleave(
        _python_c("import httpx"),
        _python_c("import chaser_core; chaser_core.Chaser"),
        rounds=max(3, rounds // 2),
        warmup=1,
    )
    rows.append(
        _ratio_row(
            "import-client",
            "`import chaser_core; chaser_core.Chaser` (which needs httpx) vs `import httpx`",
            base2,
            cand2,
            None,
            f"{median(cand2) * 1000:.0f} ms vs {median(base2) * 1000:.0f} ms",
        )
    )
    base3, cand3 = interleave(
        _python_c("import httpx"), _python_c("import chaser_core.types"), rounds=max(3, rounds // 2), warmup=1
    )
    rows.append(
        _ratio_row(
            "import-types",
            "`import chaser_core.types` (every model and enum, lazily) vs `import httpx`",
            base3,
            cand3,
            1.25,
            f"{median(cand3) * 1000:.0f} ms vs {median(base3) * 1000:.0f} ms",
        )
    )
    completed = run_timed(
        [PYTHON, "-X", "importtime", "-c", "import chaser_core; chaser_core.Chaser"],
        env=base_env(),
        cwd=Path(tempfile.gettempdir()),
    )
    entries = parse_importtime(completed.stderr)
    by_self = sorted(entries, key=lambda e: -e[1])[:10]
    packages: dict[str, int] = {}
    for module, self_us, _ in entries:
        top = module.split(".")[0]
        packages[top] = packages.get(top, 0) + self_us
    ctx.info["importtime"] = {
        "top_self": [{"module": m, "self_us": s, "cumulative_us": c} for m, s, c in by_self],
        "by_package_us": dict(sorted(packages.items(), key=lambda item: -item[1])[:12]),
        "chaser_core_cumulative_us": next((c for m, _, c in entries if m == "chaser_core._client"), None),
    }
    return rows


def bench_per_call(ctx: Context) -> list[Row]:
    """sessions.get() vs the raw client of its transport, loopback server (<= 1.05x sync, 1.1x async)."""
    with LoopbackServer() as server:
        result = run_worker(
            "per-call",
            {
                "url": server.url,
                "calls": ctx.plan.per_call_calls,
                "rounds": ctx.plan.per_call_rounds,
                "warmup": 1,
            },
        )
        connections, requests = server.connections, server.requests
    rows = []
    # (mode, client, raw client, target): the raw client of the transport in use is the baseline.
    modes = (
        ("sync", "Chaser", "httpx.Client", 1.05),
        ("async", "AsyncChaser", "httpx.AsyncClient", 1.1),
        ("async-aiohttp", "AsyncChaser(transport='aiohttp')", "aiohttp.ClientSession", 1.1),
    )
    for mode, label, raw, target in modes:
        if mode not in result:
            continue
        base, cand = result[mode]["baseline"], result[mode]["candidate"]
        rows.append(
            _ratio_row(
                f"per-call-{mode}",
                f"{label}.sessions.get('s1') vs raw {raw}.get + json.loads, loopback keep-alive server",
                base,
                cand,
                target,
                f"{median(cand) * 1e6:.0f} us vs {median(base) * 1e6:.0f} us per call",
            )
        )
    rows[0].extra["server"] = {"connections": connections, "requests": requests}
    return rows


def bench_pagination(ctx: Context) -> list[Row]:
    """tracemalloc peak iterating 100,000 vs 10,000 paginated items (flat: ~1x)."""
    small, large = ctx.plan.pagination_items
    page_size = 100
    rows = []
    info: dict[str, Any] = {}
    for mode in ("sync", "async"):
        runs = {
            n: run_worker("pagination", {"items": n, "page_size": page_size, "mode": mode})
            for n in (small, large)
        }
        info[mode] = runs
        peak_small, peak_large = runs[small]["peak_bytes"], runs[large]["peak_bytes"]
        rows.append(
            Row(
                f"pagination-{mode}",
                f"tracemalloc peak iterating {large:,} vs {small:,} paginated items ({mode}, pages of {page_size})",
                "x",
                peak_large / peak_small,
                1.25,
                baseline=Spread.of([float(peak_small)]),
                candidate=Spread.of([float(peak_large)]),
                detail=(
                    f"peak {peak_large / 1024:.0f} KiB for {large:,} vs {peak_small / 1024:.0f} KiB for "
                    f"{small:,} items ({runs[large]['seconds']:.1f} s, {runs[large]['pages_served']} pages)"
                ),
            )
        )
    ctx.info["pagination"] = info
    return rows


def bench_mcp_bridge(ctx: Context) -> list[Row]:
    """A tools/call through `chaser-core mcp serve` vs POSTed straight with httpx (info)."""
    from .bench_mcp import bench_mcp_bridge as run

    return run(ctx)


# The connections of the fan-out comparison, for every client alike: the pool of issue 14's table.
FANOUT_POOL = 20
# The clients measured at 10,000 calls (raw httpx queues quadratically there: minutes per run).
FANOUT_10K_CLIENTS = ("aiohttp", "chaser", "chaser-aiohttp")


def _fanout_row(
    name: str,
    what: str,
    runs: dict[str, list[dict[str, Any]]],
    baseline: str,
    candidate: str,
    target: float | None,
) -> Row | None:
    if baseline not in runs or candidate not in runs:
        return None
    base = [run["seconds"] for run in runs[baseline]]
    cand = [run["seconds"] for run in runs[candidate]]
    row = _ratio_row(
        name,
        what,
        base,
        cand,
        target,
        f"{median(cand):.2f} s vs {median(base):.2f} s; p99 latency {_p99(runs[candidate]) * 1000:.0f} ms"
        f" vs {_p99(runs[baseline]) * 1000:.0f} ms{_errors_note(runs[baseline], baseline)}",
    )
    failed = _errors_note(runs[candidate], candidate)
    if failed:
        row.failure = failed.lstrip("; ")
        row.detail += failed
    return row


def _p99(runs: list[dict[str, Any]]) -> float:
    return median([run["p99"] for run in runs])


def _errors_note(runs: list[dict[str, Any]], kind: str) -> str:
    errors: dict[str, int] = {}
    for run in runs:
        for name, count in run["errors"].items():
            errors[name] = errors.get(name, 0) + count
    if not errors:
        return ""
    described = ", ".join(f"{count} {name}" for name, count in sorted(errors.items()))
    return f"; {kind}: {described} over {len(runs)} runs"


def bench_fanout(ctx: Context) -> list[Row]:
    """N concurrent POSTs through AsyncChaser vs raw httpx and raw aiohttp (<= 0.5x, <= 2x)."""
    from .fanout import CLIENTS, FanoutServer

    results: dict[int, dict[str, Any]] = {}
    with FanoutServer() as server:
        for n, rounds in ctx.plan.fanout_rounds.items():
            clients = CLIENTS if n <= 1_000 else FANOUT_10K_CLIENTS
            ctx.log(f"    {n:,} calls: {rounds} round(s) of {', '.join(clients)}")
            results[n] = run_worker(
                "fanout",
                {"url": server.url, "pool": FANOUT_POOL, "n": n, "rounds": rounds, "clients": list(clients)},
                timeout=1800,
            )
    ctx.info["fanout"] = {"pool": FANOUT_POOL, "results": {str(n): r for n, r in results.items()}}
    small, large = sorted(results)
    pool = f"{FANOUT_POOL} connections"
    candidates = [
        _fanout_row(
            f"fanout-{small}",
            f"{small:,} concurrent AsyncChaser calls, default install, vs raw httpx.AsyncClient ({pool} each)",
            results[small]["runs"],
            "httpx",
            "chaser",
            0.5,
        ),
        _fanout_row(
            f"fanout-{small}-aiohttp",
            f"{small:,} concurrent AsyncChaser(transport='aiohttp') calls vs raw aiohttp ({pool} each)",
            results[small]["runs"],
            "aiohttp",
            "chaser-aiohttp",
            2.0,
        ),
        _fanout_row(
            f"fanout-{large}-aiohttp",
            f"{large:,} concurrent AsyncChaser(transport='aiohttp') calls vs raw aiohttp ({pool} each)",
            results[large]["runs"],
            "aiohttp",
            "chaser-aiohttp",
            2.0,
        ),
        _fanout_row(
            f"fanout-{large}",
            f"{large:,} concurrent AsyncChaser calls, default install, vs raw aiohttp ({pool} each; context)",
            results[large]["runs"],
            "aiohttp",
            "chaser",
            None,
        ),
    ]
    return [row for row in candidates if row is not None]


# Memory per call may not grow with the number of calls (linear in total); the resident set is
# measured in pages and arenas, so allow for that much noise.
MEMORY_LINEAR_SLACK = 1.25


def bench_fanout_memory(ctx: Context) -> list[Row]:
    """Resident memory per call at 10,000 vs 1,000 concurrent AsyncChaser calls (linear: <= 1.25x)."""
    from .fanout import FanoutServer, available

    sizes = sorted(ctx.plan.fanout_rounds)
    measured: dict[str, dict[int, dict[str, Any]]] = {}
    with FanoutServer() as server:
        for kind in ("chaser", "chaser-aiohttp", "aiohttp"):
            if not available(kind):
                continue
            measured[kind] = {
                n: run_worker(
                    "fanout-memory",
                    {"client": kind, "url": server.url, "pool": FANOUT_POOL, "n": n},
                    timeout=900,
                )
                for n in sizes
            }
    ctx.info["fanout_memory"] = {
        kind: {str(n): r for n, r in runs.items()} for kind, runs in measured.items()
    }
    small, large = sizes
    rows = []
    for kind in ("chaser", "chaser-aiohttp"):
        if kind not in measured:
            continue
        grown = {n: max(measured[kind][n]["growth_bytes"], 1) for n in sizes}
        reference = measured.get("aiohttp", {}).get(large)
        context = (
            f"; raw aiohttp {reference['growth_bytes'] / large:,.0f} B per call"
            if reference is not None
            else ""
        )
        label = "AsyncChaser" if kind == "chaser" else "AsyncChaser(transport='aiohttp')"
        per_call = {n: grown[n] / n for n in sizes}
        rows.append(
            Row(
                f"fanout-memory{'-aiohttp' if kind != 'chaser' else ''}",
                f"resident memory per call, {large:,} vs {small:,} concurrent {label} calls (1x: linear)",
                "x",
                per_call[large] / per_call[small],
                MEMORY_LINEAR_SLACK,
                baseline=Spread.of([float(grown[small])]),
                candidate=Spread.of([float(grown[large])]),
                detail=(
                    f"{grown[large] / 2**20:.1f} MiB for {large:,} calls ({per_call[large]:,.0f} B per call)"
                    f" vs {grown[small] / 2**20:.1f} MiB for {small:,}{context}"
                ),
            )
        )
    return rows


BENCHMARKS: dict[str, Callable[[Context], list[Row]]] = {
    "regen-chaser": bench_regen_chaser,
    "regen-synthetic": bench_regen_synthetic,
    "regen-openai": bench_regen_openai,
    "regen-stripe": bench_regen_stripe,
    "scaling-chained": bench_scaling_chained,
    "scaling": bench_scaling,
    "check": bench_check,
    "import": bench_imports,
    "per-call": bench_per_call,
    "pagination": bench_pagination,
    "mcp-bridge": bench_mcp_bridge,
    "fanout": bench_fanout,
    "fanout-memory": bench_fanout_memory,
}


# ----------------------------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------------------------


def format_details(info: dict[str, Any]) -> str:
    lines: list[str] = []
    scaling = info.get("scaling")
    if scaling:
        lines.append("Scaling (synthetic specs, median wall seconds, interpreter start-up included):")
        lines.append("       N  schemas    ours s  ours ms/op    bare s  bare ms/op  ours/bare")
        for p in scaling["points"]:
            lines.append(
                f"  {p['operations']:>6}  {p['schemas']:>7}  {p['ours_seconds']:>8.2f}  "
                f"{p['ours_per_operation'] * 1000:>10.1f}  {p['bare_seconds']:>8.2f}  "
                f"{p['bare_per_operation'] * 1000:>10.1f}  {p['ours_seconds'] / p['bare_seconds']:>8.2f}x"
            )
        lines.append(
            f"  growth exponent: ours {scaling['ours_exponent']:.2f} (r2 {scaling['ours_r_squared']:.3f}), "
            f"bare {scaling['bare_exponent']:.2f} (r2 {scaling['bare_r_squared']:.3f})"
        )
        stages = scaling["ours_stage_exponents"]
        if stages:
            last = scaling["points"][-1]["ours_stages"]
            ordered = sorted(stages, key=lambda name: -last.get(name, 0.0))
            lines.append(
                "  our stages at N=1000 (seconds, exponent): "
                + ", ".join(f"{name} {last[name]:.1f} s ({stages[name]:.2f})" for name in ordered)
            )
    importtime = info.get("importtime")
    if importtime:
        lines.append("import chaser_core; chaser_core.Chaser: -X importtime, top modules by self time:")
        for entry in importtime["top_self"]:
            lines.append(
                f"  {entry['self_us'] / 1000:7.1f} ms self {entry['cumulative_us'] / 1000:7.1f} ms cumul.  {entry['module']}"
            )
        lines.append(
            "  by package (self ms): "
            + ", ".join(f"{name} {us / 1000:.1f}" for name, us in importtime["by_package_us"].items())
        )
    fanout = info.get("fanout")
    if fanout:
        lines.extend(format_fanout(fanout))
    pagination = info.get("pagination")
    if pagination:
        for mode, runs in pagination.items():
            described = ", ".join(
                f"{n:,} items: peak {r['peak_bytes'] / 1024:.0f} KiB in {r['seconds']:.2f} s"
                for n, r in sorted(runs.items(), key=lambda item: int(item[0]))
            )
            lines.append(f"Pagination ({mode}): {described}")
    return "\n".join(lines)


FANOUT_LABELS = {
    "httpx": "httpx AsyncClient",
    "httpx+semaphore": "httpx AsyncClient behind asyncio.Semaphore(pool)",
    "httpx2": "httpx2 AsyncClient",
    "httpx-aiohttp": "httpx-aiohttp HttpxAiohttpClient",
    "aiohttp": "aiohttp ClientSession",
    "chaser": "AsyncChaser (default install: httpx)",
    "chaser-aiohttp": "AsyncChaser(transport='aiohttp')",
}


def format_fanout(fanout: dict[str, Any]) -> list[str]:
    """The issue 14 table: every client's median time for N concurrent POSTs, with latencies."""
    lines = []
    for n, result in sorted(fanout["results"].items(), key=lambda item: int(item[0])):
        runs: dict[str, list[dict[str, Any]]] = result["runs"]
        lines.append(
            f"Fan-out: {int(n):,} concurrent POSTs, {fanout['pool']} connections "
            f"(median of {max((len(r) for r in runs.values()), default=0)} runs; latency from the common start):"
        )
        lines.append(f"  {'client':50} {'time':>8} {'p50':>8} {'p99':>8}  server CPU  errors")
        for kind, kind_runs in runs.items():
            seconds = median([run["seconds"] for run in kind_runs])
            busy = median([run["server_cpu"] / run["seconds"] for run in kind_runs])
            errors = _errors_note(kind_runs, "").removeprefix("; : ") or "-"
            lines.append(
                f"  {FANOUT_LABELS.get(kind, kind):50} {seconds:7.2f}s "
                f"{median([r['p50'] for r in kind_runs]) * 1000:6.0f}ms {_p99(kind_runs) * 1000:6.0f}ms"
                f"  {busy:9.0%}  {errors}"
            )
        if result.get("skipped"):
            lines.append(f"  not installed here: {', '.join(result['skipped'])}")
    return lines


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def run_benchmarks(
    names: Sequence[str], plan: Plan, *, quick: bool, log: Callable[[str], None]
) -> dict[str, Any]:
    started = time.perf_counter()
    rows: list[Row] = []
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="chaser-bench-") as temporary:
        ctx = Context(plan, Path(temporary), log)
        for name in names:
            log(f"==> {name}")
            began = time.perf_counter()
            try:
                rows.extend(BENCHMARKS[name](ctx))
            except (BenchError, subprocess.TimeoutExpired) as exc:
                errors[name] = str(exc)
                log(f"    error: {exc}")
            log(f"    {time.perf_counter() - began:.1f} s")
        info = ctx.info
    return {
        "quick": quick,
        "benchmarks": list(names),
        "environment": environment(),
        "seconds": time.perf_counter() - started,
        "rows": [row.as_dict() for row in rows],
        "details": info,
        "errors": errors,
        "_rows": rows,
    }


# ----------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------


def _selected(only: list[str] | None) -> list[str]:
    if not only:
        return list(BENCHMARKS)
    names = [name.strip() for item in only for name in item.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    # Keep the canonical order (regen-synthetic before scaling shares the N=300 runs).
    return [name for name in BENCHMARKS if name in names]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier; for development)")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run this benchmark only (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument(
        "--make-spec", type=int, metavar="N", help="write the synthetic spec with N operations"
    )
    parser.add_argument("--out", type=Path, help="with --make-spec: the file (default: standard output)")
    parser.add_argument("--seed", type=int, help="with --make-spec: another seed")
    parser.add_argument(
        "--chained", action="store_true", help="with --make-spec: link every resource to the previous one"
    )
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        kind, params = args.worker
        print(json.dumps(WORKERS[kind](json.loads(params))))
        return 0
    if args.list:
        for name, func in BENCHMARKS.items():
            print(f"{name:16} {(func.__doc__ or '').strip()}")
        return 0
    if args.make_spec is not None:
        from .synthetic import DEFAULT_SEED, dumps, make_spec

        text = dumps(
            make_spec(
                args.make_spec, args.seed if args.seed is not None else DEFAULT_SEED, chained=args.chained
            )
        )
        if args.out is None:
            sys.stdout.write(text)
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
        return 0

    names = _selected(args.only)
    plan = Plan.quick() if args.quick else Plan()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = run_benchmarks(names, plan, quick=args.quick, log=log)
    rows: list[Row] = report.pop("_rows")
    print()
    print(format_table(rows))
    details = format_details(report["details"])
    if details:
        print()
        print(details)
    for name, error in report["errors"].items():
        print(f"\nerror in {name}: {error}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2, default=_jsonable) + "\n", encoding="utf-8")
    failed = [row.name for row in rows if row.passed is False]
    print(
        f"\n{len(rows)} rows, {len(failed)} over target"
        + (f" ({', '.join(failed)})" if failed else "")
        + f"; {report['seconds']:.0f} s; results in {_display(args.results)}"
    )
    return 1 if report["errors"] else 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
