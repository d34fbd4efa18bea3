"""scripts/sync-spec: take the upstream spec and leave a pull request that is ready to merge.

One command, in this order, so that the nightly workflow only has to call it:

1. fetch: download and validate the upstream spec (scripts/fetch-spec); when it is the vendored
   one byte for byte, stop: nothing is changed and the command says so;
2. spec-diff: classify the changes, and ask the version gate which version they require;
3. bump: write that version to pyproject.toml (a version already high enough is kept);
4. release notes: draft the CHANGELOG section and record spec/released/<version>.json
   (scripts/release-notes --write);
5. generate: regenerate generated/ (atomically) with the new spec and version. A spec change
   that spec-diff saw as no change but that changes generated/ still gets a patch bump;
6. golden records: rewrite those that follow the vendored spec (the CLI's help), listed in the
   body for review;
7. tests: scripts/test, unless --skip-tests;
8. the pull request body: breaking changes, features, documentation, repairs that are new,
   the bump and its reason, the rewritten golden records and the test verdict.

A failure in steps 1-6 puts back every file the command touched and exits 2, so a red nightly
run never leaves a half-synced tree. Failing tests keep the changes (a person has to look) and
exit 1; the workflow then opens the pull request as a draft.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..errors import PipelineError
from ..pipeline.bundle import RefPolicy
from . import repairdiff
from .specdiff import DOCUMENTATION, Change, bump_reason, implied_bump

Log = Callable[[str], None]


@dataclass
class Outcome:
    changed: bool
    current: str
    version: str = ""
    bump: str = "none"
    tests: str = "not run"  # passed | failed | skipped | not run
    title: str = ""
    body: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.tests == "failed" else 0

    def outputs(self) -> dict[str, str]:
        """What the workflow reads (one line each, as $GITHUB_OUTPUT takes them)."""
        return {
            "changed": "true" if self.changed else "false",
            "version": self.version or self.current,
            "bump": self.bump,
            "tests": self.tests,
            "title": self.title,
        }


def sync_spec(
    root: Path,
    source: str,
    *,
    run_tests: bool = True,
    accept_shrink: bool = False,
    log: Log = print,
    client: httpx.Client | None = None,
    refs: RefPolicy | None = None,
) -> Outcome:
    """`refs`: what a multi-file source's `$ref`s may reach (see fetch-spec)."""
    from ..pipeline.load import load_document
    from .fetch import fetch_spec
    from .gate import check_version, released_specs
    from .notes import Drafted, draft_release
    from .specdiff import diff_documents, next_version

    paths = _Paths(root)
    current = read_version(paths.pyproject)
    outcome = Outcome(changed=False, current=current)
    step = _Steps(outcome, log)
    old_document = load_document(paths.spec)
    old_repairs = repairdiff.load_report(paths.repairs)

    with _restored_on_failure(paths, log):
        with step("fetch"):
            changed, _ = fetch_spec(
                source,
                spec_path=paths.spec,
                source_path=paths.source,
                accept_shrink=accept_shrink,
                client=client,
                refs=refs,
            )
        if not changed:
            log(f"spec/openapi.json already matches {source}: nothing to do, nothing was changed.")
            return outcome
        outcome.changed = True

        with step("spec-diff"):
            new_document = load_document(paths.spec)
            overlay = load_document(paths.overlay, stage="overlay")
            changes = diff_documents(old_document, new_document, overlay)
            verdict = check_version(
                current=current, spec=new_document, released_dir=paths.released, overlay=overlay
            )
            if verdict.released is not None and _version_key(current) < _version_key(verdict.released):
                raise PipelineError("sync", verdict.message)
            version = max(current, verdict.required, key=_version_key)
            bump = verdict.bump if version != current else implied_bump(changes)
            log(f"{len(changes)} change(s), bump {bump}: version {current} -> {version}")

        def release(version: str) -> Drafted | None:
            with step("bump"):
                if version != current:
                    write_version(paths.pyproject, version)
            with step("release notes"):
                if version == current and current in released_specs(paths.released):
                    return None  # nothing reaches the SDK: no new release
                drafted = draft_release(root, version, write=True)
                log(f"CHANGELOG.md: section {version} drafted; spec recorded as spec/released/{version}.json")
                return drafted

        drafted = release(version)
        with step("generate"):
            before = _tree(paths.generated)
            _generate(paths, version)
            if drafted is None and _tree(paths.generated) != before:
                # spec-diff names no change, yet the package differs: it must not ship under a
                # version that may already be published.
                marker = Change(
                    DOCUMENTATION, False, "generated/", "generated/ changed, though spec-diff names no change"
                )
                version, bump = next_version(current, [marker]), "docs"
                changes.append(marker)
                drafted = release(version)
                _generate(paths, version)

        refreshed: list[str] = []
        if (root / "tests").is_dir():
            with step("golden records"):
                refreshed = refresh_golden_records(root, log)

    outcome.version, outcome.bump = version, bump
    if version == current and bump != "none":
        reason = f"pyproject.toml already says {current}, which covers these changes."
    else:
        reason = bump_reason(bump, drafted.changes if drafted else changes, current, version)
    test_run = None
    if run_tests:
        with step("tests"):
            test_run = _run_tests(root, log)
        outcome.tests = "passed" if test_run.passed else "failed"
    else:
        outcome.tests = "skipped"
    repairs = repairdiff.compare(old_repairs, repairdiff.load_report(paths.repairs))
    outcome.title = pull_request_title(current, version, bump, failing=outcome.tests == "failed")
    outcome.body = pull_request_body(
        source=source,
        current=current,
        version=version,
        bump=bump,
        reason=reason,
        changes=changes,
        repairs=repairs,
        tests=outcome.tests,
        test_summary=test_run.summary if test_run else "",
        failures=test_run.failures if test_run else [],
        recorded=drafted is not None,
        refreshed=refreshed,
    )
    return outcome


# -- the pull request ---------------------------------------------------------------------------


def pull_request_title(current: str, version: str, bump: str, *, failing: bool) -> str:
    title = f"spec: upstream changes, {current} -> {version} ({bump})"
    return f"[tests failing] {title}" if failing else title


def pull_request_body(
    *,
    source: str,
    current: str,
    version: str,
    bump: str,
    reason: str,
    changes: list[Change],
    repairs: repairdiff.RepairChanges,
    tests: str,
    test_summary: str = "",
    failures: list[str] | None = None,
    recorded: bool = True,
    refreshed: list[str] | None = None,
) -> str:
    """Markdown for reviewers. Every line that carries spec text goes through the changelog's
    escaping: a description is data, never markup (no links, mentions or HTML of its own)."""
    from .notes import MIGRATION, _md

    breaking = [c for c in changes if c.breaking]
    documentation = [c for c in changes if not c.breaking and c.kind == DOCUMENTATION]
    features = [c for c in changes if not c.breaking and c.kind != DOCUMENTATION]
    lines = [
        f"## chaser-core {current} → {version} (`{bump}`)",
        "",
        f"**Bump: `{bump}`.** {reason[:1].upper()}{reason[1:]}",
        "",
        f"The upstream spec changed (`{source}`). This pull request vendors it, regenerates "
        "`generated/`"
        + (
            f", sets the version, drafts the CHANGELOG section and records `spec/released/{version}.json`."
            if recorded
            else "; the version stays, as nothing reaches the SDK."
        ),
    ]

    def section(title: str, group: list[Change], empty: str, hints: bool = False) -> None:
        lines.extend(["", f"### {title} ({len(group)})"])
        if not group:
            lines.append(empty)
        for change in group:
            hint = MIGRATION.get(change.kind) if hints else None
            lines.append(f"- {_md(change.message)}." + (f" Migration: {hint}." if hint else ""))

    section(
        "Breaking", breaking, "None: code written against the previous version keeps working.", hints=True
    )
    section("Features", features, "None.")
    section("Documentation", documentation, "None.")
    lines.extend(["", f"### New repairs ({len(repairs.new)})"])
    if repairs.new:
        lines.append("Upstream defects the pipeline now repairs (`spec/repairs.json`): check each is right.")
        lines.extend(
            f"- `{_md(repair.rule)}` at {_code(repair.pointer)}: {_code(repair.change())}"
            for repair in repairs.new
        )
    else:
        lines.append("None.")
    if repairs.gone:
        lines.append("")
        lines.append(f"Repairs no longer needed ({len(repairs.gone)}), fixed upstream:")
        lines.extend(f"- `{_md(repair.rule)}` at {_code(repair.pointer)}" for repair in repairs.gone)
    verdict = {
        "passed": "passed",
        "failed": "**failed**: this pull request needs a person before it can merge",
        "skipped": "not run here (`--skip-tests`); CI runs them",
        "not run": "not run",
    }[tests]
    lines.extend(
        ["", "### Checks", f"- `scripts/test`: {verdict}" + (f" (`{test_summary}`)" if test_summary else "")]
    )
    if failures:
        lines.extend(f"  - `{failure}`" for failure in failures[:MAX_FAILURES_SHOWN])
        if len(failures) > MAX_FAILURES_SHOWN:
            lines.append(f"  - and {len(failures) - MAX_FAILURES_SHOWN} more")
    if refreshed:
        lines.append(
            f"- golden records rewritten for the new spec ({len(refreshed)}), review their diff: "
            + ", ".join(f"`{name}`" for name in refreshed)
        )
    if recorded:
        lines.extend(
            [
                "",
                "### To release",
                f"Merge, then tag the merge commit `v{version}`: the release workflow checks the build "
                "and publishes it to PyPI by trusted publishing, with attestations.",
            ]
        )
    return "\n".join(lines) + "\n"


# -- the steps ----------------------------------------------------------------------------------


class _Paths:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.spec = root / "spec" / "openapi.json"
        self.source = root / "spec" / "source.json"
        self.overlay = root / "spec" / "overlay.yaml"
        self.exclusions = root / "spec" / "exclusions.yaml"
        self.repairs = repairdiff.report_beside(self.spec)
        self.released = root / "spec" / "released"
        self.pyproject = root / "pyproject.toml"
        self.changelog = root / "CHANGELOG.md"
        self.generated = root / "generated"

    def restorable(self) -> list[Path]:
        return [
            self.spec,
            self.source,
            self.repairs,
            self.pyproject,
            self.changelog,
            *golden_records(self.root),
        ]


class _Steps:
    """Times each step, logs it, and keeps the times on the outcome."""

    def __init__(self, outcome: Outcome, log: Log) -> None:
        self.outcome = outcome
        self.log = log

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.log(f"==> {name}")
        started = time.perf_counter()
        try:
            yield
        finally:
            self.outcome.timings[name] = time.perf_counter() - started
            self.log(f"    {name}: {self.outcome.timings[name]:.1f} s")


def _code(text: str) -> str:
    """Spec text as a Markdown code span that no backtick in it can close early."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"


@contextmanager
def _restored_on_failure(paths: _Paths, log: Log) -> Iterator[None]:
    """On any failure, put back every file the sync may have touched, generated/ included."""
    saved = {path: path.read_bytes() if path.exists() else None for path in paths.restorable()}
    existing = set(paths.released.glob("*")) | set(golden_records(paths.root))
    with tempfile.TemporaryDirectory(prefix="chaser-sync-") as backup:
        generated = Path(backup) / "generated"
        if paths.generated.exists():
            shutil.copytree(paths.generated, generated, symlinks=True)
        try:
            yield
        except BaseException:
            for path, content in saved.items():
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(content)
            for path in (set(paths.released.glob("*")) | set(golden_records(paths.root))) - existing:
                path.unlink()
            if generated.exists() and _tree(generated) != _tree(paths.generated):
                shutil.rmtree(paths.generated)
                shutil.copytree(generated, paths.generated, symlinks=True)
            log("sync failed: every file it touched is as it was.")
            raise


def _generate(paths: _Paths, version: str) -> None:
    from ..pipeline.generate import Inputs, generate

    generate(
        Inputs(
            spec=paths.spec,
            overlay=paths.overlay,
            exclusions=paths.exclusions,
            out=paths.generated,
            version=version,
            report=paths.repairs,
        )
    )


def _tree(root: Path) -> dict[str, bytes]:
    from ..pipeline.check import tree_files

    return tree_files(root)


def golden_records(root: Path) -> list[Path]:
    tests = root / "tests"
    return sorted(path for path in tests.rglob("golden/**/*") if path.is_file()) if tests.is_dir() else []


def refresh_golden_records(root: Path, log: Log) -> list[str]:
    """Rewrite the golden records that depend on the vendored spec (the CLI's help) and return
    the ones that changed, so that they arrive in the pull request for review instead of failing
    its tests. The fixture specs' records do not depend on it: their test skips when updating."""

    def records() -> dict[str, bytes]:
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in golden_records(root)}

    before = records()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "golden", "-p", "no:cacheprovider"],
        cwd=root,
        env={**os.environ, "CHASER_UPDATE_GOLDEN": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        log(completed.stdout[-3000:])
        raise PipelineError("sync", "rewriting the golden records failed (output above)")
    after = records()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    log(f"golden records rewritten: {', '.join(changed) or 'none changed'}")
    return changed


@dataclass(frozen=True)
class TestRun:
    passed: bool
    summary: str  # pytest's closing line
    failures: list[str]  # pytest's FAILED/ERROR lines, for the pull request body


# Enough failing tests for a reviewer to see what broke, not a wall of them.
MAX_FAILURES_SHOWN = 20


def _run_tests(root: Path, log: Log) -> TestRun:
    """scripts/test, its output passed through."""
    tail: collections.deque[str] = collections.deque(maxlen=20)
    failures: list[str] = []
    with subprocess.Popen(
        [str(root / "scripts" / "test"), "-q"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            log(line.rstrip("\n"))
            tail.append(line.strip())
            if line.startswith(("FAILED ", "ERROR ")):
                failures.append(line.strip())
    summary = next((line.strip("= ") for line in reversed(tail) if " in " in line and "passed" in line), "")
    if not summary:
        summary = next((line for line in reversed(tail) if line), "")
    return TestRun(process.returncode == 0, summary, failures)


# -- the version in pyproject.toml --------------------------------------------------------------


def read_version(pyproject: Path) -> str:
    with open(pyproject, "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def write_version(pyproject: Path, version: str) -> None:
    """Set [project] version, touching nothing else in the file (comments, layout)."""
    lines = pyproject.read_text(encoding="utf-8").splitlines(keepends=True)
    table = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            table = stripped
        elif table == "[project]" and stripped.split("=", 1)[0].strip() == "version":
            lines[index] = re.sub(r'=\s*"[^"]*"', f'= "{version}"', line, count=1)
            break
    else:
        raise PipelineError("sync", f"{pyproject} has no version in its [project] table")
    pyproject.write_text("".join(lines), encoding="utf-8")
    if read_version(pyproject) != version:
        raise PipelineError("sync", f"could not set the version in {pyproject}")


def _version_key(version: str) -> tuple[int, ...]:
    from .gate import parse_version

    return parse_version(version)
