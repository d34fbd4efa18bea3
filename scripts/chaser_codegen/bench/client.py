"""The rows of the generated client: import time, per-call overhead, pagination memory, the MCP
bridge, and the concurrent fan-out (time and memory)."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from .loopback import LoopbackServer
from .plan import Context
from .process import PYTHON, base_env, run_timed
from .report import Row, errors_note, p99, ratio_row
from .stats import Measure, Spread, interleave, median
from .workers import run_worker


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
        ratio_row(
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
        ratio_row(
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
        ratio_row(
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
                "url": server.base_url,
                "calls": ctx.plan.per_call_calls,
                "rounds": ctx.plan.per_call_rounds,
                "warmup": 1,
            },
        )
        connections, requests = len(server.connections), server.total_requests
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
            ratio_row(
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
    row = ratio_row(
        name,
        what,
        base,
        cand,
        target,
        f"{median(cand):.2f} s vs {median(base):.2f} s; p99 latency {p99(runs[candidate]) * 1000:.0f} ms"
        f" vs {p99(runs[baseline]) * 1000:.0f} ms{errors_note(runs[baseline], baseline)}",
    )
    failed = errors_note(runs[candidate], candidate)
    if failed:
        row.failure = failed.lstrip("; ")
        row.detail += failed
    return row


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
