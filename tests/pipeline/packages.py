"""Checks of a package generated from a test spec, run the way a user would meet it: in a
separate interpreter (the test process has the project's own chaser_core imported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

EXERCISE = ROOT / "tests" / "fixtures" / "hostile" / "exercise.py"


def exercise(out: Path) -> dict[str, Any]:
    """Import every module, call every operation on every client surface, render every --help."""
    completed = subprocess.run(
        [sys.executable, str(EXERCISE), str(out)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return report


def mypy_strict(out: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-error-summary",
        "--cache-dir",
        str(out.parent / ".mypy"),
    ]
    completed = subprocess.run(
        [*command, "chaser_core"], capture_output=True, text=True, check=False, cwd=out
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


def run_generate(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The generate command in a subprocess, with nothing on PATH (no tool may be needed)."""
    return subprocess.run(
        [sys.executable, "-m", "chaser_codegen", "generate", *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "scripts"), "PATH": ""},
    )
