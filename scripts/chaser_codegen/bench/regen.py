"""The regeneration rows (the Chaser, synthetic, OpenAI and Stripe specs), the scaling fits, and
the no-op `scripts/generate --check`."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..layout import ROOT
from .plan import Context
from .process import PYTHON, VENV_BIN, BenchError, base_env, pipeline_env, run_timed
from .report import Row, ratio_row
from .stats import Spread, fit_power_law, interleave, median

_STAGE = re.compile(r"([a-z][a-z -]*?) (\d+) ms")


def parse_stage_timings(stdout: str) -> dict[str, float]:
    """The per-stage seconds `chaser_codegen generate` prints (empty when it printed none)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("Generated ") and "(" in line:
            inside = line[line.rindex("(") + 1 :].rstrip(")")
            return {name.strip(): int(ms) / 1000 for name, ms in _STAGE.findall(inside)}
    return {}


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
    row = ratio_row(
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
        self.cpu_seconds: list[float] = []

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
        self.cpu_seconds.append(completed.cpu_seconds)
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
    row = ratio_row(
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
    # The same pairs in CPU time: parallel stages (the import check, the model workers) must not
    # buy wall time with more work than the target allows.
    cpu = ratio_row(
        "regen-openai-cpu",
        "the OpenAI spec: CPU seconds (user + system, children included), ours vs bare",
        bare.cpu_seconds[1:],
        ours.cpu_seconds[1:],
        1.5,
        f"ours {median(ours.cpu_seconds[1:]):.1f} s CPU vs bare {median(bare.cpu_seconds[1:]):.1f} s CPU",
    )
    return [row, cpu]


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
    row = ratio_row(
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
