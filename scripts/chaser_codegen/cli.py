"""Command-line entry points behind scripts/generate, fetch-spec, spec-diff, sync-spec, release-notes."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .errors import PipelineError


def _generate_inputs(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .layout import ROOT
    from .pipeline.generate import Inputs, project_version

    if args.spec is None:
        inputs = Inputs.default()
        if args.out is not None:
            inputs.out = Path(args.out).resolve()
            inputs.report = None  # beside that output, not over the vendored spec's report
        if args.overlay is not None:
            inputs.overlay = Path(args.overlay).resolve()
        inputs.strict = args.strict
        if args.report is not None:
            inputs.report = Path(args.report).resolve()
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
        report=Path(args.report).resolve() if args.report else None,
        strict=args.strict,
        refs=_ref_policy(args),
    )


def _ref_policy(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .pipeline.bundle import RefPolicy

    return RefPolicy(outside_folder=args.allow_refs_outside, urls=args.allow_url_refs)


def _add_ref_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-refs-outside",
        action="store_true",
        help="let a multi-file spec's $refs read files outside the spec's own folder",
    )
    parser.add_argument(
        "--allow-url-refs", action="store_true", help="let a multi-file spec's $refs fetch http(s) URLs"
    )


def cmd_generate(args: argparse.Namespace) -> int:
    if args.update_golden:
        return _update_golden()
    inputs = _generate_inputs(args)
    if args.check:
        return _check(inputs, quiet=args.quiet)
    from .pipeline.generate import generate

    started = time.perf_counter()
    result = generate(inputs)
    api = result.api
    if result.bundle is not None and len(result.bundle.files) > 1:
        print(result.bundle.summary(), file=sys.stderr)
    # The repair summary goes to stderr even with --quiet: a repair is never silent.
    print(
        f"{result.repairs.summary_line()}; the full list is in {_shown(inputs.report_path)}", file=sys.stderr
    )
    if not args.quiet:
        for line in result.repairs.grouped_lines():
            print(line, file=sys.stderr)
        for note in result.notes:
            text = f"note: {note.location}: {note.change}"
            print(text if len(text) <= 240 else text[:239] + "…")
        stages = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.timings.items())
        print(
            f"Generated {len(api.operations)} operations in {len(api.all_resources())} resources into "
            f"{inputs.out} in {time.perf_counter() - started:.2f} s ({stages})"
        )
    return 0


def _shown(path: Path) -> str:
    from .layout import ROOT

    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _update_golden() -> int:
    """Rewrite the golden records: fixture-spec outputs, then the tests' own records (CLI help)."""
    import os
    import subprocess

    from .layout import ROOT
    from .pipeline import golden

    for line in golden.update_all():
        print(f"golden: {line}")
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "golden", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "CHASER_UPDATE_GOLDEN": "1"},
        check=False,
    )
    return completed.returncode


def _check(inputs, *, quiet: bool) -> int:  # type: ignore[no-untyped-def]
    from .pipeline import check

    started = time.perf_counter()

    def inputs_hash_of(spec_files: list[str]) -> str:
        return check.input_hash(
            inputs.spec,
            inputs.overlay,
            inputs.exclusions,
            inputs.version,
            spec_files=spec_files,
            refs=inputs.refs,
        )

    # A multi-file spec: the files its bundle read last time (see check.py on why that suffices).
    recorded_files = check.recorded_spec_files(inputs.out)
    inputs_hash = inputs_hash_of(recorded_files)
    outputs_hash = check.output_hash(inputs.out, inputs.report_path)
    if check.cached_verdict_is_clean(inputs.out, inputs_hash, outputs_hash):
        if not quiet:
            print(
                f"{inputs.out.name}/ is up to date (inputs and outputs unchanged; {time.perf_counter() - started:.2f} s)"
            )
        return 0
    from .pipeline.generate import build

    with tempfile.TemporaryDirectory(prefix="chaser-check-") as temporary:
        expected = Path(temporary) / inputs.out.name
        result = build(inputs, expected)
        report = inputs.report_path
        inside = [report.relative_to(inputs.out).as_posix()] if report.is_relative_to(inputs.out) else []
        diff = check.compare_trees(expected, inputs.out, ignore=inside)
    stale_report = check.report_is_stale(inputs.report_path, result.repairs.dumps())
    if not diff.clean or stale_report:
        if stale_report:
            print(f"  changed: {_shown(inputs.report_path)} (the repair report)", file=sys.stderr)
        print(diff.report(inputs.out.name), file=sys.stderr)
        return 1
    read = check.spec_files_read(result.bundle)
    if read is not None:  # None: the spec read a URL, which no hash of ours covers
        if read != recorded_files:
            inputs_hash = inputs_hash_of(read)
        check.remember_clean(inputs.out, inputs_hash, outputs_hash, spec_files=read)
    if not quiet:
        print(f"{inputs.out.name}/ is up to date ({time.perf_counter() - started:.2f} s, full comparison)")
    return 0


def cmd_fetch_spec(args: argparse.Namespace) -> int:
    from .layout import ROOT
    from .release.fetch import DEFAULT_URL, fetch_spec

    source = args.source or DEFAULT_URL
    changed, report = fetch_spec(
        source,
        spec_path=ROOT / "spec" / "openapi.json",
        source_path=ROOT / "spec" / "source.json",
        check=args.check,
        accept_shrink=args.accept_shrink,
        refs=_ref_policy(args),
    )
    for line in report:
        print(line)
    if args.check:
        if changed:
            print("upstream has drifted from spec/openapi.json; run scripts/fetch-spec", file=sys.stderr)
            return 1
        print("spec/openapi.json matches upstream")
        return 0
    print(
        "spec/openapi.json updated; next: scripts/generate, then scripts/test"
        if changed
        else "spec/openapi.json is current"
    )
    return 0


def cmd_spec_diff(args: argparse.Namespace) -> int:
    import json

    from .layout import ROOT
    from .pipeline.generate import project_version
    from .pipeline.load import load_document
    from .release import repairdiff
    from .release.specdiff import bump_reason, diff_documents, implied_bump, next_version, render_text

    overlay = None
    if not args.no_overlay:
        overlay = load_document(
            Path(args.overlay) if args.overlay else ROOT / "spec" / "overlay.yaml", stage="overlay"
        )
    old_path, new_path = Path(args.old), Path(args.new)
    changes = diff_documents(load_document(old_path), load_document(new_path), overlay)
    old_report, new_report = (
        (Path(args.repairs[0]), Path(args.repairs[1]))
        if args.repairs
        else (repairdiff.report_beside(old_path), repairdiff.report_beside(new_path))
    )
    repairs = repairdiff.compare(repairdiff.load_report(old_report), repairdiff.load_report(new_report))
    version = args.version or project_version()
    bump, suggested = implied_bump(changes), next_version(version, changes)
    reason = bump_reason(bump, changes, version, suggested)
    if args.json:
        print(
            json.dumps(
                {
                    "changes": [c.as_dict() for c in changes],
                    "bump": bump,
                    "current": version,
                    "next": suggested,
                    "reason": reason,
                    "repairs": repairs.as_dict(),
                },
                indent=2,
            )
        )
    else:
        for line in render_text(changes) + repairdiff.render_text(repairs):
            print(line)
        print(f"Implied bump: {bump} ({version} -> {suggested}): {reason}")
    return 0


def cmd_version_gate(args: argparse.Namespace) -> int:
    from .layout import ROOT
    from .pipeline.generate import project_version
    from .pipeline.load import load_document
    from .release.gate import check_version

    verdict = check_version(
        current=args.version or project_version(),
        spec=load_document(ROOT / "spec" / "openapi.json"),
        released_dir=ROOT / "spec" / "released",
        overlay=load_document(ROOT / "spec" / "overlay.yaml", stage="overlay"),
    )
    print(
        ("ok: " if verdict.ok else "error: ") + verdict.message, file=sys.stdout if verdict.ok else sys.stderr
    )
    return 0 if verdict.ok else 1


def cmd_release_notes(args: argparse.Namespace) -> int:
    from .layout import ROOT
    from .pipeline.generate import project_version
    from .release.notes import draft_release

    drafted = draft_release(ROOT, args.version or project_version(), write=args.write)
    if drafted.recorded is None:
        print(drafted.section, end="")
    else:
        where = drafted.recorded.relative_to(ROOT)
        print(f"CHANGELOG.md: section {drafted.version} drafted; spec recorded as {where}")
    return 0


def cmd_sync_spec(args: argparse.Namespace) -> int:
    from .layout import ROOT
    from .release.fetch import DEFAULT_URL
    from .release.sync import sync_spec

    outcome = sync_spec(
        ROOT,
        args.source or DEFAULT_URL,
        run_tests=not args.skip_tests,
        accept_shrink=args.accept_shrink,
        log=print,
        refs=_ref_policy(args),
    )
    if args.body:
        if outcome.changed:
            Path(args.body).write_text(outcome.body, encoding="utf-8")
        else:
            Path(args.body).unlink(missing_ok=True)
    if args.outputs:
        with open(args.outputs, "a", encoding="utf-8") as outputs:
            for key, value in outcome.outputs().items():
                outputs.write(f"{key}={value}\n")
    return outcome.exit_code


def cmd_repairs(args: argparse.Namespace) -> int:
    from .pipeline.repair.rule import catalogue

    print(catalogue(), end="")
    return 0


def cmd_check_wheel(args: argparse.Namespace) -> int:
    from .release.releasecheck import check_wheel, wheel_summary

    path = Path(args.wheel)
    problems = check_wheel(path)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(wheel_summary(path))
    return 1 if problems else 0


def cmd_lowest_constraints(args: argparse.Namespace) -> int:
    from .release.releasecheck import lowest_constraints

    print("\n".join(lowest_constraints()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chaser_codegen")
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="regenerate generated/ from spec/")
    gen.add_argument("--check", action="store_true", help="fail, listing files, when generated/ differs")
    gen.add_argument("--spec", help="generate from this OpenAPI document instead of spec/openapi.json")
    gen.add_argument(
        "--overlay", help="apply this overlay (default: spec/overlay.yaml for the vendored spec only)"
    )
    gen.add_argument("--exclusions", help="exclusions file for --spec")
    gen.add_argument("--out", help="output directory (required with --spec)")
    gen.add_argument("--quiet", action="store_true")
    gen.add_argument("--strict", action="store_true", help="fail when the spec needs any repair")
    gen.add_argument(
        "--report",
        help="write the repair report here (default: spec/repairs.json, or OUT/repairs.json with --out)",
    )
    gen.add_argument(
        "--update-golden", action="store_true", help="rewrite the golden records of tests/fixtures/"
    )
    _add_ref_flags(gen)
    gen.set_defaults(func=cmd_generate)

    fetch = commands.add_parser("fetch-spec", help="download the upstream spec and vendor it if it is valid")
    fetch.add_argument(
        "--from",
        dest="source",
        help="URL or file; a file may be the root of a multi-file spec (default: the upstream URL)",
    )
    fetch.add_argument("--check", action="store_true", help="exit 1 when upstream differs; change nothing")
    fetch.add_argument(
        "--accept-shrink", action="store_true", help="take a spec that lost most of its operations"
    )
    _add_ref_flags(fetch)
    fetch.set_defaults(func=cmd_fetch_spec)

    diff = commands.add_parser("spec-diff", help="classify the changes between two specs")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--json", action="store_true")
    diff.add_argument("--overlay", help="overlay applied to both (default: spec/overlay.yaml)")
    diff.add_argument("--no-overlay", action="store_true")
    diff.add_argument("--version", help="current version (default: pyproject.toml)")
    diff.add_argument(
        "--repairs",
        nargs=2,
        metavar=("OLD_REPORT", "NEW_REPORT"),
        help="the two specs' repair reports (default: found beside them; a missing report means none)",
    )
    diff.set_defaults(func=cmd_spec_diff)

    sync = commands.add_parser(
        "sync-spec",
        help="take the upstream spec: fetch, regenerate, bump, draft the changelog, test, write the PR body",
    )
    sync.add_argument(
        "--from",
        dest="source",
        help="URL or file; a file may be the root of a multi-file spec (default: the upstream URL)",
    )
    sync.add_argument("--skip-tests", action="store_true", help="do not run scripts/test at the end")
    sync.add_argument("--accept-shrink", action="store_true", help="take a spec that lost most operations")
    sync.add_argument("--body", help="write the pull request body here (removed when nothing changed)")
    sync.add_argument(
        "--outputs", help="append changed=, title=, version=, bump=, tests= lines (e.g. $GITHUB_OUTPUT)"
    )
    _add_ref_flags(sync)
    sync.set_defaults(func=cmd_sync_spec)

    gate = commands.add_parser(
        "version-gate", help="fail when the version lacks the bump the spec changes need"
    )
    gate.add_argument("--version", help="version to check (default: pyproject.toml)")
    gate.set_defaults(func=cmd_version_gate)

    notes = commands.add_parser(
        "release-notes", help="draft the CHANGELOG section of this version from spec-diff"
    )
    notes.add_argument("--version", help="release version (default: pyproject.toml)")
    notes.add_argument(
        "--write", action="store_true", help="update CHANGELOG.md and record spec/released/<version>.json"
    )
    notes.set_defaults(func=cmd_release_notes)

    repairs = commands.add_parser("repairs", help="print the catalogue of repair rules (docs/repairs.md)")
    repairs.set_defaults(func=cmd_repairs)

    wheel = commands.add_parser("check-wheel", help="fail unless the wheel holds exactly the package")
    wheel.add_argument("wheel")
    wheel.set_defaults(func=cmd_check_wheel)

    lowest = commands.add_parser("lowest-constraints", help="print name==lower-bound for each dependency")
    lowest.set_defaults(func=cmd_lowest_constraints)

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.command == "generate" and not args.check:
            print(f"{args.out or 'generated/'} was left unchanged.", file=sys.stderr)
        elif args.command == "fetch-spec":
            print("spec/openapi.json was left unchanged.", file=sys.stderr)
        elif args.command == "sync-spec":
            print(
                "Nothing was changed: the spec, pyproject.toml and generated/ are as they were.",
                file=sys.stderr,
            )
        return 2
