"""Golden records of the fixture specs: every construct, generated and committed for review."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from chaser_codegen.pipeline import golden

from tests.conftest import ROOT
from tests.golden import UPDATE

SPECS = golden.fixture_specs()
OVERRIDES = ROOT / "templates" / "openapi-python-client"
# What each template override emits, so the golden records prove every override is exercised.
OVERRIDE_MARKERS = {
    "literal_enum.py.jinja": "# A value this version of the spec does not list: keep it rather than fail.",
    "property_templates/union_property.py.jinja": "pass  # an optional body left unset: nothing to send",
    "models_init.py.jinja": "Contains all the data models used in inputs/outputs, each imported when first used.",
    "property_templates/boolean_property.py.jinja": 'b"true" if self.overwrite else b"false", "text/plain"',
}


@pytest.mark.golden
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generated_output_matches_the_golden_record(spec: Path) -> None:
    if UPDATE:
        pytest.skip("records were just rewritten by scripts/generate --update-golden")
    expected, actual = golden.committed_tree(spec), golden.golden_tree(spec)
    assert expected, f"no golden record for {spec.name}: run scripts/generate --update-golden"
    problems = [f"missing from the record: {name}" for name in sorted(actual.keys() - expected.keys())]
    problems += [
        f"in the record but no longer generated: {name}" for name in sorted(expected.keys() - actual.keys())
    ]
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            diff = difflib.unified_diff(
                expected[name].decode().splitlines(keepends=True),
                actual[name].decode().splitlines(keepends=True),
                f"golden/{spec.stem}/{name}",
                "generated",
                n=2,
            )
            problems.append("".join(diff)[:3000])
    assert not problems, "generated output differs (scripts/generate --update-golden):\n" + "\n".join(
        problems[:8]
    )


def test_there_is_a_fixture_spec_for_each_construct() -> None:
    assert {spec.stem for spec in SPECS} >= {
        "reserved-names",
        "odd-enums",
        "nullable-unions",
        "discriminators",
        "recursive",
        "binary",
        "sse",
        "pagination",
        "deprecated",
    }


def test_every_template_override_is_covered_by_a_golden_record() -> None:
    overrides = sorted(p.relative_to(OVERRIDES).as_posix() for p in OVERRIDES.rglob("*.jinja"))
    assert overrides == sorted(OVERRIDE_MARKERS), "each override needs a marker in OVERRIDE_MARKERS"
    records = "\n".join(
        content.decode("utf-8") for spec in SPECS for content in golden.committed_tree(spec).values()
    )
    for override, marker in OVERRIDE_MARKERS.items():
        assert marker in records, f"no golden record exercises {override}"
