"""What a user's type checker sees of the package, checked on the built wheel in a fresh venv:

- pyright's type completeness score (`--verifytypes chaser_core --ignoreexternal`: the share of
  public names whose type is declared, not inferred) never falls below the floor in
  pyproject.toml (`[tool.chaser-core] type-completeness-floor`), a floor that only goes up;
- a consumer project using every public surface (tests/typing/consumer.py) passes
  `pyright --strict` and `mypy --strict`, and runs against chaser_core.testing.

pyright is the project's pinned one (dev extra), with the Node its nodejs extra brings: offline.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CONSUMER = ROOT / "tests" / "typing" / "consumer.py"
# The pinned pyright, next to this interpreter (pyright.exe in Scripts on Windows).
PYRIGHT = shutil.which("pyright", path=str(Path(sys.executable).parent))
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check")
MYPY = (sys.executable, "-m", "mypy", "--strict", "--no-error-summary")
FLOOR_KEY = "type-completeness-floor"
# How far the score may run ahead of the floor before the floor must be raised to it.
RATCHET = 0.1


def floor_of(pyproject: str) -> float | None:
    """The type completeness floor a pyproject.toml sets (None: it sets none)."""
    value = tomllib.loads(pyproject).get("tool", {}).get("chaser-core", {}).get(FLOOR_KEY)
    return float(value) if isinstance(value, int | float) else None


class WheelEnvironment:
    """A fresh virtual environment with the built wheel and its extras, as a user installs it."""

    def __init__(self, work: Path) -> None:
        self.work = work
        dist = work / "dist"
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
            check=True,
            capture_output=True,
        )
        self.venv = work / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(self.venv)], check=True)
        self.bin = self.venv / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / ("python.exe" if os.name == "nt" else "python")
        (wheel,) = dist.glob("*.whl")
        subprocess.run(
            [*PIP, "--python", str(self.python), "install", "--quiet", f"{wheel}[testing,cdp,aiohttp]"],
            check=True,
            capture_output=True,
        )

    def pyright(self, *args: str) -> dict[str, Any]:
        """pyright's JSON report, run as in the venv (pyright asks the `python` it finds first)."""
        assert PYRIGHT is not None, "pyright is not installed: scripts/bootstrap installs the dev extra"
        env = {
            **os.environ,
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(self.venv),
            # No look-up of a newer pyright release on PyPI: the check runs offline.
            "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1",
        }
        result = subprocess.run(
            [PYRIGHT, "--outputjson", *args], env=env, cwd=self.work, capture_output=True, text=True
        )
        assert result.stdout.startswith("{"), result.stdout + result.stderr
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def mypy(self, path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *MYPY,
                "--python-executable",
                str(self.python),
                "--cache-dir",
                str(self.work / ".mypy"),
                str(path),
            ],
            cwd=self.work,
            capture_output=True,
            text=True,
        )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> WheelEnvironment:
    return WheelEnvironment(tmp_path_factory.mktemp("wheel"))


def problems(report: dict[str, Any]) -> list[str]:
    """pyright's errors, one line each (the symbol and why, for --verifytypes)."""
    lines = [
        f"{symbol['name']}: {diagnostic['message']}"
        for symbol in report.get("typeCompleteness", {}).get("symbols", [])
        for diagnostic in symbol.get("diagnostics", [])
        if diagnostic.get("severity") == "error"
    ]
    lines += [
        f"{Path(diagnostic.get('file', '?')).name}:{diagnostic['range']['start']['line'] + 1}: {diagnostic['message']}"
        for diagnostic in report.get("generalDiagnostics", [])
        if diagnostic.get("severity") == "error"
    ]
    return lines


def test_the_wheels_type_completeness_is_at_least_the_floor(wheel: WheelEnvironment) -> None:
    report = wheel.pyright("--verifytypes", "chaser_core", "--ignoreexternal")
    completeness = report["typeCompleteness"]
    assert completeness["packageName"] == "chaser_core"
    assert completeness["exportedSymbolCounts"]["withKnownType"] > 500  # the package was found
    score = completeness["completenessScore"] * 100
    floor = floor_of((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert floor is not None, f"pyproject.toml sets no [tool.chaser-core] {FLOOR_KEY}"

    listing = "\n".join(problems(report)[:40])
    assert score >= floor, f"type completeness {score:.1f}% is below the floor {floor}%:\n{listing}"
    assert score < floor + RATCHET, (
        f"type completeness rose to {score:.1f}%: raise {FLOOR_KEY} in pyproject.toml to {int(score * 10) / 10}"
    )


def floors_in_history() -> Iterator[tuple[str, float]]:
    """The floor of the working tree, then of each commit that changed pyproject.toml, newest
    first, back to the commit that introduced it."""
    working_tree = floor_of((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    if working_tree is None:
        return
    yield "the working tree", working_tree
    log = subprocess.run(
        ["git", "log", "--format=%H", "--", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True
    )
    for commit in log.stdout.split():
        shown = subprocess.run(
            ["git", "show", f"{commit}:pyproject.toml"], cwd=ROOT, capture_output=True, text=True
        )
        floor = floor_of(shown.stdout) if shown.returncode == 0 else None
        if floor is None:
            return
        yield commit[:12], floor


def lowerings(history: list[tuple[str, float]]) -> list[str]:
    """Where a floor (newest first) is lower than the one before it."""
    return [
        f"{newer} lowered it from {older_floor} to {newer_floor} (set in {older})"
        for (newer, newer_floor), (older, older_floor) in itertools.pairwise(history)
        if newer_floor < older_floor
    ]


def test_the_type_completeness_floor_was_never_lowered() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no history to compare the floor with")
    history = list(floors_in_history())
    assert history, f"pyproject.toml sets no [tool.chaser-core] {FLOOR_KEY}"
    assert lowerings(history) == [], "the type completeness floor only goes up"


def test_the_floor_history_check_sees_a_lowered_floor_and_accepts_a_raised_one() -> None:
    assert lowerings([("the working tree", 97.0), ("c2", 99.0), ("c1", 98.0)]) == [
        "the working tree lowered it from 99.0 to 97.0 (set in c2)"
    ]
    assert lowerings([("the working tree", 100.0), ("c2", 99.0), ("c1", 99.0)]) == []
    assert floor_of("[tool.chaser-core]\ntype-completeness-floor = 99.5\n") == 99.5
    assert floor_of("[tool.other]\nx = 1\n") is None


def test_a_consumer_project_passes_pyright_strict_and_mypy_strict_and_runs(wheel: WheelEnvironment) -> None:
    report = wheel.pyright(str(CONSUMER))
    assert report["summary"]["filesAnalyzed"] == 1
    assert problems(report) == []
    checked = wheel.mypy(CONSUMER)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = subprocess.run([str(wheel.python), str(CONSUMER)], cwd=wheel.work, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.strip() == "consumer ok"


def test_both_checkers_flag_an_untyped_use_of_the_sdk(wheel: WheelEnvironment) -> None:
    """The consumer check is not vacuous: what a strict user's code may not do fails in both."""
    sloppy = wheel.work / "sloppy.py"
    sloppy.write_text(
        "# pyright: strict\n"
        "from chaser_core import Chaser\n\n\n"
        "def status(client: Chaser, session_id):\n"
        "    return client.sessions.get(session_id).status + 1\n",
        encoding="utf-8",
    )
    assert any("session_id" in line for line in problems(wheel.pyright(str(sloppy))))
    checked = wheel.mypy(sloppy)
    assert checked.returncode == 1
    assert "Function is missing a type annotation" in checked.stdout
