"""The collection-time coverage check of the contract suite (tests/contract/coverage.py)."""

from __future__ import annotations

from tests.contract.coverage import SURFACES, coverage_problems, spec_operation_keys


def every_pair(operations: set[str]) -> set[tuple[str, str]]:
    return {(key, surface) for key in operations for surface in SURFACES}


def test_full_coverage_has_no_problem() -> None:
    operations = {"GET /a", "POST /a"}
    assert coverage_problems(operations, every_pair(operations)) == []


def test_an_operation_missing_on_one_surface_is_named() -> None:
    operations = {"GET /a", "POST /a"}
    collected = every_pair(operations) - {("POST /a", "cli")}
    assert coverage_problems(operations, collected) == ["POST /a: no cli contract test"]


def test_an_operation_the_spec_does_not_have_is_reported() -> None:
    collected = every_pair({"GET /a"}) | {("GET /gone", "sync")}
    assert coverage_problems({"GET /a"}, collected) == [
        "GET /gone: a sync contract test for an operation the spec does not have"
    ]


def test_an_empty_enumeration_is_a_problem_not_a_pass() -> None:
    assert coverage_problems(set(), []) == ["the spec has no operations: the enumeration is broken"]


def test_the_spec_enumeration_reads_every_path_and_method_and_drops_exclusions() -> None:
    keys = spec_operation_keys()
    assert "GET /v1/sessions" in keys and "POST /v1/sessions" in keys
    assert spec_operation_keys(["GET /v1/sessions"]) == keys - {"GET /v1/sessions"}
