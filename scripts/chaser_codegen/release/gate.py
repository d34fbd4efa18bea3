"""The version gate: the package version must carry the bump the spec changes require.

Every release records the spec it was built from as spec/released/<version>.json. The gate
diffs the latest recorded spec against spec/openapi.json (after the overlay, with spec-diff)
and fails when pyproject.toml's version is lower than the version those changes imply:
a spec change shipped under an unchanged version, or a breaking change under a patch bump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..pipeline.load import load_document
from .specdiff import Change, diff_documents, implied_bump, next_version

VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_version(text: str) -> tuple[int, int, int]:
    match = VERSION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a MAJOR.MINOR.PATCH version")
    major, minor, patch = (int(group) for group in match.groups())
    return major, minor, patch


def released_specs(directory: Path) -> dict[str, Path]:
    return {path.stem: path for path in directory.glob("*.json") if VERSION.match(path.stem)}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    released: str | None
    current: str
    required: str
    bump: str
    changes: list[Change]
    message: str


def check_version(
    *, current: str, spec: dict[str, Any], released_dir: Path, overlay: dict[str, Any] | None
) -> Verdict:
    releases = released_specs(released_dir)
    if not releases:
        return Verdict(
            True, None, current, current, "none", [], "no release recorded yet: nothing to compare"
        )
    latest = max(releases, key=parse_version)
    changes = diff_documents(load_document(releases[latest]), spec, overlay)
    bump = implied_bump(changes)
    required = next_version(latest, changes)
    if parse_version(current) < parse_version(latest):
        message = f"version {current} is older than the released {latest}"
        return Verdict(False, latest, current, required, bump, changes, message)
    if parse_version(current) < parse_version(required):
        reason = "breaking changes" if bump == "breaking" else "changes"
        message = (
            f"the spec has {reason} since {latest} ({len(changes)} in all), so the version must be at least "
            f"{required}, but pyproject.toml says {current}: bump it and draft the changelog "
            f"(scripts/release-notes)"
        )
        return Verdict(False, latest, current, required, bump, changes, message)
    return Verdict(
        True, latest, current, required, bump, changes, f"version {current} covers the changes since {latest}"
    )
