"""Command-line entry points behind scripts/generate, scripts/fetch-spec and scripts/spec-diff."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .errors import PipelineError


def _generate_inputs(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .generate import ROOT, Inputs, project_version

    if args.spec is None:
        inputs = Inputs.default()
        if args.out is not None:
            inputs.out = Path(args.out).resolve()
        if args.overlay is not None:
            inputs.overlay = Path(args.overlay).resolve()
        return inputs
    if args.out is None:
        raise PipelineError("usage", "--spec needs --out DIR (generated/ belongs to the vendored spec)")
    out = Path(args.out).resolve()
    if out == (ROOT / "generated").resolve():
        raise PipelineError("usage", "--out must not be generated/ when --spec is given")
    return Inputs(
        spec=Path(args.spec).resolve(),
        overlay=Path(args.overlay).resolve() if args.overlay else None,
        exclusions=Path(args.exclusions).resolve() if args.exclusions else None,
        out=out,
        version=project_version(),
    )


def cmd_generate(args: argparse.Namespace) -> int:
    inputs = _generate_inputs(args)
    if args.check:
        return _check(inputs, quiet=args.quiet)
    from .generate import generate

    started = time.perf_counter()
    result = generate(inputs)
    api = result.api
    if not args.quiet:
        for note in result.notes:
            print(f"note: {note.location}: {note.change}")
        stages = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.timings.items())
        print(
            f"Generated {len(api.operations)} operations in {len(api.all_resources())} resources into "
            f"{inputs.out} in {time.perf_counter() - started:.2f} s ({stages})"
        )
    return 0


def _check(inputs, *, quiet: bool) -> int:  # type: ignore[no-untyped-def]
    from . import check

    started = time.perf_counter()
    inputs_hash = check.input_hash(inputs.spec, inputs.overlay, inputs.exclusions, inputs.version)
    outputs_hash = check.output_hash(inputs.out)
    if check.cached_verdict_is_clean(inputs_hash, outputs_hash):
        if not quiet:
            print(f"{inputs.out.name}/ is up to date (inputs and outputs unchanged; {time.perf_counter() - started:.2f} s)")
        return 0
    from .generate import build

    with tempfile.TemporaryDirectory(prefix="chaser-check-") as temporary:
        expected = Path(temporary) / inputs.out.name
        build(inputs, expected)
        diff = check.compare_trees(expected, inputs.out)
    if not diff.clean:
        print(diff.report(inputs.out.name), file=sys.stderr)
        return 1
    check.remember_clean(inputs_hash, outputs_hash)
    if not quiet:
        print(f"{inputs.out.name}/ is up to date ({time.perf_counter() - started:.2f} s, full comparison)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chaser_codegen")
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="regenerate generated/ from spec/")
    gen.add_argument("--check", action="store_true", help="fail, listing files, when generated/ differs")
    gen.add_argument("--spec", help="generate from this OpenAPI document instead of spec/openapi.json")
    gen.add_argument("--overlay", help="apply this overlay (default: spec/overlay.yaml for the vendored spec only)")
    gen.add_argument("--exclusions", help="exclusions file for --spec")
    gen.add_argument("--out", help="output directory (required with --spec)")
    gen.add_argument("--quiet", action="store_true")
    gen.set_defaults(func=cmd_generate)

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("generated/ was left unchanged." if args.command == "generate" else "", file=sys.stderr, end="")
        print(file=sys.stderr)
        return 2
