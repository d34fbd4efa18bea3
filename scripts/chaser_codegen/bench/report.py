"""The results: one row per measured target, the table they print as, the details below it."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .stats import Spread, median, paired_ratios


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


def ratio_row(
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


def p99(runs: list[dict[str, Any]]) -> float:
    return median([run["p99"] for run in runs])


def errors_note(runs: list[dict[str, Any]], kind: str) -> str:
    errors: dict[str, int] = {}
    for run in runs:
        for name, count in run["errors"].items():
            errors[name] = errors.get(name, 0) + count
    if not errors:
        return ""
    described = ", ".join(f"{count} {name}" for name, count in sorted(errors.items()))
    return f"; {kind}: {described} over {len(runs)} runs"


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
            errors = errors_note(kind_runs, "").removeprefix("; : ") or "-"
            lines.append(
                f"  {FANOUT_LABELS.get(kind, kind):50} {seconds:7.2f}s "
                f"{median([r['p50'] for r in kind_runs]) * 1000:6.0f}ms {p99(kind_runs) * 1000:6.0f}ms"
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
