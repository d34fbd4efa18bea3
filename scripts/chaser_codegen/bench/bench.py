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
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..layout import ROOT
from .client import (
    bench_fanout,
    bench_fanout_memory,
    bench_imports,
    bench_mcp_bridge,
    bench_pagination,
    bench_per_call,
)
from .plan import Context, Plan
from .process import BenchError
from .regen import (
    bench_check,
    bench_regen_chaser,
    bench_regen_openai,
    bench_regen_stripe,
    bench_regen_synthetic,
    bench_scaling,
    bench_scaling_chained,
)
from .report import Row, environment, format_details, format_table
from .workers import WORKERS

RESULTS = ROOT / "bench" / "results.json"


# Every benchmark by its --only name, in the order they run.
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


@contextlib.contextmanager
def busy_core(enabled: bool) -> Iterator[None]:
    """A process that spins on one core while the benchmarks run, then is stopped."""
    if not enabled:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


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
    parser.add_argument(
        "--busy-core",
        action="store_true",
        help="keep one core busy with a spinning process for the whole run (the shared-machine case)",
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

    with busy_core(args.busy_core):
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
