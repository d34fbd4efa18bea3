"""`scripts/generate --check`: is generated/ exactly what the pipeline produces?

A full check regenerates into a temporary directory and compares the trees byte for byte. A
fast path skips that work when nothing can have changed: the check records a hash of every
input (spec, overlay, exclusions, templates, pipeline code, tool versions, package version)
and of the output tree after each full check that passed; when both hashes still match, the
answer is known. Any change to an input or to a generated file misses the record and runs the
full comparison, so the fast path can never hide a difference.

A multi-file spec's inputs are every file its bundle read. The record lists them, and the next
check hashes that list: a change that makes the bundle read another file is a change to one of
the files it read already (the one whose `$ref` now points elsewhere), so the list can never be
stale while the hash still matches. A spec that read a URL is never vouched for: what a server
sends can change with no local file changing, so it always gets the full comparison.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ..layout import ROOT

CACHE_DIR = ROOT / ".cache"
TOOLS = (
    "openapi-python-client",
    "ruff",
    "jinja2",
    "jsonpath-rfc9535",
    "openapi-spec-validator",
    "jsonschema-rs",
    "pyyaml",
)


# The most lines of unified diff `--check` prints; the rest is counted, as ruff counts what it
# leaves out, so a large regeneration cannot bury the summary.
DIFF_LINE_LIMIT = 200


@dataclass(frozen=True)
class TreeDiff:
    changed: list[str]
    added: list[str]
    removed: list[str]
    # The contents compared: the fresh generation and the committed tree.
    expected: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    actual: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.removed)

    def report(self, out_name: str, *, limit: int = DIFF_LINE_LIMIT) -> str:
        lines = []
        for label, names in (("changed", self.changed), ("added", self.added), ("removed", self.removed)):
            for name in names:
                lines.append(f"  {label}: {out_name}/{name}")
        diff = self.unified(out_name, limit=limit)
        if diff:
            lines.append(diff)
        total = len(self.changed) + len(self.added) + len(self.removed)
        lines.append(f"{total} file(s) differ from what the pipeline generates; run scripts/generate")
        return "\n".join(lines)

    def unified(self, out_name: str, *, limit: int = DIFF_LINE_LIMIT) -> str:
        """What regenerating would change, as a unified diff (a/ committed, b/ generated), cut
        after `limit` lines with a count of what was left out."""
        shown: list[str] = []
        omitted_lines = omitted_files = 0
        for name in [*self.changed, *self.added, *self.removed]:
            file_lines = _file_diff(out_name, name, self.actual.get(name), self.expected.get(name))
            room = limit - len(shown)
            if room <= 0:
                omitted_lines += len(file_lines)
                omitted_files += 1
                continue
            shown.extend(file_lines[:room])
            omitted_lines += max(0, len(file_lines) - room)
        if omitted_lines:
            files = f" (and {omitted_files} more file(s))" if omitted_files else ""
            shown.append(f"... {omitted_lines} more diff line(s) omitted{files}")
        return "\n".join(shown)


def _file_diff(out_name: str, name: str, committed: bytes | None, generated: bytes | None) -> list[str]:
    before = f"a/{out_name}/{name}" if committed is not None else "/dev/null"
    after = f"b/{out_name}/{name}" if generated is not None else "/dev/null"
    try:
        old = (committed or b"").decode("utf-8").splitlines()
        new = (generated or b"").decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return [f"Binary files {before} and {after} differ"]
    return list(difflib.unified_diff(old, new, fromfile=before, tofile=after, lineterm=""))


def tree_files(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def compare_trees(expected_root: Path, actual_root: Path, *, ignore: Collection[str] = ()) -> TreeDiff:
    """What differs in actual_root (the committed tree) from expected_root (a fresh generation)."""
    expected, actual = tree_files(expected_root), tree_files(actual_root)
    for name in ignore:
        expected.pop(name, None)
        actual.pop(name, None)
    return TreeDiff(
        changed=sorted(name for name in expected.keys() & actual.keys() if expected[name] != actual[name]),
        added=sorted(actual.keys() - expected.keys()),  # files someone added by hand
        removed=sorted(expected.keys() - actual.keys()),  # generated files missing from the tree
        expected=expected,
        actual=actual,
    )


def _hash_paths(digest: hashlib._Hash, paths: list[Path], root: Path) -> None:
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")


def input_hash(
    spec: Path,
    overlay: Path | None,
    exclusions: Path | None,
    version: str,
    *,
    spec_files: Sequence[str] = (),
    refs: Any = None,
) -> str:
    """`spec_files`: the files a multi-file spec's bundle read, as `Bundle.files` names them
    (relative to the spec's folder, or absolute); `refs`: the RefPolicy it was read with."""
    digest = hashlib.sha256()
    for path in (spec, overlay, exclusions):
        digest.update(path.read_bytes() if path is not None and path.exists() else b"<none>")
        digest.update(b"\0")
    for name in spec_files:
        path = spec.parent / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<none>")
        digest.update(b"\0")
    digest.update(repr(refs).encode())
    for folder in (ROOT / "templates", ROOT / "scripts" / "chaser_codegen"):
        files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        _hash_paths(digest, files, ROOT)
    digest.update(version.encode())
    digest.update(sys.version.encode())
    for tool in TOOLS:
        try:
            digest.update(f"{tool}=={metadata.version(tool)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{tool}:missing".encode())
    return digest.hexdigest()


def output_hash(out: Path, report: Path) -> str:
    digest = hashlib.sha256()
    files = (
        sorted(p for p in out.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        if out.exists()
        else []
    )
    _hash_paths(digest, files, out)
    digest.update(report.read_bytes() if report.exists() else b"<no report>")
    return digest.hexdigest()


def report_is_stale(report: Path, expected: str) -> bool:
    """The committed repair report differs from the one this generation writes."""
    try:
        return report.read_text(encoding="utf-8") != expected
    except OSError:
        return True


def _record(out: Path) -> Path:
    """One record per output directory, so checking one tree never vouches for another."""
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return CACHE_DIR / f"generate-check-{key}.json"


def _read_record(out: Path) -> dict[str, Any]:
    try:
        record = json.loads(_record(out).read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def cached_verdict_is_clean(out: Path, inputs_hash: str, outputs_hash: str) -> bool:
    record = _read_record(out)
    return bool(record and record.get("inputs") == inputs_hash and record.get("outputs") == outputs_hash)


def recorded_spec_files(out: Path) -> list[str]:
    """The files the spec's bundle read at the last full check that passed (none recorded: [])."""
    files = _read_record(out).get("spec_files")
    return [name for name in files if isinstance(name, str)] if isinstance(files, list) else []


def spec_files_read(bundle: Any) -> list[str] | None:
    """What the record keeps of a bundle: the files it read, or None when it fetched a URL."""
    files: list[str] = list(bundle.files) if bundle is not None else []
    if any(name.startswith(("http://", "https://")) for name in files):
        return None
    return files


def remember_clean(out: Path, inputs_hash: str, outputs_hash: str, *, spec_files: Sequence[str] = ()) -> None:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    record = {"inputs": inputs_hash, "outputs": outputs_hash, "spec_files": list(spec_files)}
    _record(out).write_text(json.dumps(record))
