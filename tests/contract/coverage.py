"""Contract coverage, computed when the tests are collected.

Every operation of the spec (enumerated from its paths, independently of the pipeline's model)
must have a contract test on every supported surface. The contract conftest reads the collected
items (each surface test carries `@pytest.mark.surface(name)` and is parametrized by `op`) and
adds one item, "contract coverage", that fails with what is missing: no test has to run last.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
from chaser_codegen.pipeline.model import iter_operations

from tests.conftest import SPEC

# The surfaces every operation is on: the clients, raw responses, the low-level layer, the CLI.
SURFACES = ("sync", "async", "raw", "low-level-sync", "low-level-async", "cli")


def spec_operation_keys(excluded: Iterable[str] = ()) -> set[str]:
    """`METHOD /path` of every operation of the vendored spec, minus the excluded ones."""
    raw = json.loads(SPEC.read_text(encoding="utf-8"))
    return {f"{method.upper()} {path}" for path, method, _ in iter_operations(raw)} - set(excluded)


def coverage_problems(operations: set[str], collected: Iterable[tuple[str, str]]) -> list[str]:
    """What keeps `collected` (operation, surface) pairs from covering operations x SURFACES."""
    collected = set(collected)
    expected = {(key, surface) for key in operations for surface in SURFACES}
    problems = [f"{key}: no {surface} contract test" for key, surface in sorted(expected - collected)]
    problems += [
        f"{key}: a {surface} contract test for an operation the spec does not have"
        for key, surface in sorted(collected - expected)
    ]
    if not operations:
        problems.append("the spec has no operations: the enumeration is broken")
    return problems


class ContractCoverage(pytest.Item):
    """Fails with the problems found at collection time."""

    def __init__(self, *, problems: list[str], pairs: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.problems = problems
        self.pairs = pairs

    def runtest(self) -> None:
        if self.problems:
            raise CoverageGap("\n".join(self.problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None) -> str:
        if isinstance(excinfo.value, CoverageGap):
            shown = self.problems[:20]
            more = len(self.problems) - len(shown)
            return "\n".join(shown + ([f"... {more} more"] if more else []))
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[object, int | None, str]:
        return self.path, None, f"contract coverage ({self.pairs} operation/surface pairs)"


class CoverageGap(Exception):
    pass
