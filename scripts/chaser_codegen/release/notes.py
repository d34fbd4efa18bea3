"""scripts/release-notes: draft the CHANGELOG section of a release from spec-diff.

The section follows Keep a Changelog. Above the drafted block, maintainers write what they
like; the block between the DRAFT markers is the pipeline's and is replaced on every run.
With --write, the release's spec is recorded as spec/released/<version>.json, which the
version gate compares against from then on.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .repairdiff import report_beside
from .specdiff import DOCUMENTATION, Change

BEGIN = "<!-- BEGIN DRAFT: scripts/release-notes writes this block from spec-diff; edit above it -->"
END = "<!-- END DRAFT -->"
HEADER = """# Changelog

All notable changes to chaser-core. The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and the version follows [Semantic Versioning](https://semver.org/) (while 0.x, a breaking change bumps the minor
number). Each release's entries are drafted by `scripts/release-notes` from `scripts/spec-diff`.
"""

MIGRATION = {
    "operation-removed": "remove calls to it; the API no longer serves it",
    "operation-moved": "no code change for SDK users: the method keeps its name and calls the new path",
    "operation-renamed": "rename the method you call",
    "parameter-removed": "stop passing it",
    "parameter-added-required": "pass the new argument",
    "input-now-required": "always pass it now",
    "body-removed": "stop passing body arguments",
    "field-removed": "stop reading or sending this field",
    "field-added-required": "pass the new argument",
    "type-changed": "update the values you pass or expect to the new type",
    "type-widened": "handle the new type where you read the field",
    "enum-narrowed": "stop sending the removed values",
    "success-status-removed": "check how you handle the response",
    "output-now-optional": "handle the field being absent (Unset)",
    "overlay-drift": "regenerate: the SDK name or behaviour the overlay set no longer applies",
    "variant-removed": "stop sending the removed shape",
    "body-media-removed": "send one of the remaining content types",
    "response-media-removed": "expect the remaining content types",
}


def draft_section(version: str, changes: list[Change], *, previous: str | None, date: datetime.date) -> str:
    lines = [f"## [{version}] - {date.isoformat()}", "", BEGIN]
    if previous:
        lines.append(f"Spec changes since {previous}.")
    breaking = [c for c in changes if c.breaking]
    added = [c for c in changes if not c.breaking and c.kind.endswith(("added", "widened"))]
    documentation = [c for c in changes if c.kind == DOCUMENTATION]
    changed = [c for c in changes if not c.breaking and c not in added and c not in documentation]
    groups = (
        ("Breaking", breaking),
        ("Added", added),
        ("Changed", changed),
        ("Documentation", documentation),
    )
    for title, group in groups:
        if not group:
            continue
        lines += ["", f"### {title}"]
        for change in group:
            hint = MIGRATION.get(change.kind)
            suffix = f" Migration: {hint}." if change.breaking and hint else ""
            lines.append(f"- {_md(change.message)}.{suffix}")
    if not changes:
        lines += ["", "No changes to the API surface."]
    lines.append(END)
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Spec names in a changelog line: no HTML, no stray Markdown."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", text).rstrip(".")


def update_changelog(text: str | None, version: str, section: str) -> str:
    """The changelog with `version`'s section inserted, or its drafted block refreshed.

    Text a maintainer wrote between the section's heading and its draft block is kept; so is an
    `## [Unreleased]` section's (changes of the SDK itself), which becomes the version's.
    """
    text = text or HEADER
    heading = re.compile(rf"^## \[{re.escape(version)}\].*$", re.MULTILINE)
    match = heading.search(text) or re.compile(r"^## \[Unreleased\].*$", re.MULTILINE).search(text)
    if match is None:
        first = re.search(r"^## \[", text, re.MULTILINE)
        if first is None:
            return text.rstrip("\n") + "\n\n" + section
        return text[: first.start()] + section + "\n" + text[first.start() :]
    nxt = re.search(r"^## \[", text[match.end() :], re.MULTILINE)
    end = match.end() + nxt.start() if nxt else len(text)
    old_body = text[match.end() : end]
    hand_written = old_body.split(BEGIN, 1)[0] if BEGIN in old_body else old_body
    new_heading, new_body = section.split("\n", 1)
    draft = new_body[new_body.index(BEGIN) :]
    merged = new_heading + hand_written.rstrip("\n") + "\n\n" + draft if hand_written.strip() else section
    rest = text[end:]
    return text[: match.start()] + merged + ("\n" + rest if rest else "")


def record_release(spec_path: Path, released_dir: Path, version: str) -> Path:
    """Record the release's spec, and its repair report when it has one (spec-diff finds it
    beside the recorded spec, so that the repairs new since a release can be listed)."""
    released_dir.mkdir(parents=True, exist_ok=True)
    target = released_dir / f"{version}.json"
    document = json.loads(spec_path.read_text(encoding="utf-8"))
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    repairs = report_beside(spec_path)
    if repairs.exists():
        shutil.copyfile(repairs, report_beside(target))
    return target


@dataclass(frozen=True)
class Drafted:
    version: str
    previous: str | None
    changes: list[Change]
    section: str
    recorded: Path | None


def draft_release(root: Path, version: str, *, write: bool, date: datetime.date | None = None) -> Drafted:
    """What `scripts/release-notes` does for the project at `root`: the CHANGELOG section of
    `version` from the changes since the release before it; with `write`, CHANGELOG.md is
    updated and the spec recorded as spec/released/<version>.json."""
    from ..pipeline.load import load_document
    from .gate import parse_version, released_specs
    from .specdiff import diff_documents

    spec = root / "spec" / "openapi.json"
    released = released_specs(root / "spec" / "released")
    earlier = [v for v in released if parse_version(v) < parse_version(version)]
    previous = max(earlier, key=parse_version) if earlier else None
    overlay = load_document(root / "spec" / "overlay.yaml", stage="overlay")
    old = load_document(released[previous]) if previous else {"openapi": "3.1.0", "paths": {}}
    changes = diff_documents(old, load_document(spec), overlay)
    section = draft_section(version, changes, previous=previous, date=date or datetime.date.today())
    if not write:
        return Drafted(version, previous, changes, section, None)
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else None
    changelog.write_text(update_changelog(text, version, section), encoding="utf-8")
    recorded = record_release(spec, root / "spec" / "released", version)
    return Drafted(version, previous, changes, section, recorded)
