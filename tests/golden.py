"""Golden records: compare output with a committed file, or rewrite it on request.

`scripts/generate --update-golden` sets CHASER_UPDATE_GOLDEN=1 and runs the golden tests, so a
template change shows up as a readable diff of the committed records.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

UPDATE = os.environ.get("CHASER_UPDATE_GOLDEN") == "1"


def assert_golden(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run scripts/generate --update-golden"
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True), str(path), "actual", n=2
            )
        )
        raise AssertionError(
            f"output differs from the golden record (scripts/generate --update-golden):\n{diff[:6000]}"
        )
