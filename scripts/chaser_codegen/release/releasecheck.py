"""Helpers of scripts/release-check: what the wheel may contain, and the lowest dependencies."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

from ..layout import ROOT

REQUIRED = (
    "chaser_core/__init__.py",
    "chaser_core/py.typed",
    "chaser_core/_cli/__init__.py",
    "chaser_core/testing.py",
)
FORBIDDEN = re.compile(r"(__pycache__|\.pyc$|^tests/|^spec/|^scripts/|^generated/|\.orig$|\.rej$)")


def check_wheel(path: Path) -> list[str]:
    """Problems with the wheel's contents (empty when it holds exactly the package)."""
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        entry_points = next(
            (wheel.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")), ""
        )
    problems = [f"unexpected file: {name}" for name in names if FORBIDDEN.search(name)]
    problems += [
        f"outside the package: {name}"
        for name in names
        if not name.startswith("chaser_core/") and ".dist-info/" not in name
    ]
    problems += [f"missing: {name}" for name in REQUIRED if name not in names]
    if "chaser-core = chaser_core._cli:main" not in entry_points:
        problems.append("the chaser-core console script is not declared")
    return problems


def wheel_summary(path: Path) -> str:
    with zipfile.ZipFile(path) as wheel:
        count = len(wheel.namelist())
    return f"{path.name}: {path.stat().st_size / 1024:.0f} KiB, {count} files"


def lowest_constraints() -> list[str]:
    """name==lower-bound for every runtime and testing dependency: the oldest we claim to support."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"]) + list(project["optional-dependencies"]["testing"])
    pins = []
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9_.-]+)[^>]*>=([0-9][^,;\s]*)", requirement)
        if match is None:
            raise ValueError(f"{requirement!r} has no lower bound")
        pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins
