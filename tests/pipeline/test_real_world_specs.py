"""A spec we did not write, shaped like the real ones: it generates every operation on every
surface (normalizing what openapi-python-client cannot take), type-checks, and runs."""

from __future__ import annotations

import json

import pytest
from chaser_codegen.pipeline import generate as pipeline
from chaser_codegen.pipeline.model import iter_operations

from tests.fixtures.realworld.builder import build
from tests.pipeline.packages import exercise, mypy_strict


@pytest.fixture(scope="module")
def real_world(tmp_path_factory):
    root = tmp_path_factory.mktemp("realworld")
    spec = root / "openapi.json"
    document = build()
    spec.write_text(json.dumps(document))
    out = root / "out"
    result = pipeline.generate(
        pipeline.Inputs(spec=spec, overlay=None, exclusions=None, out=out, version="0.0.0")
    )
    return document, out, result


def test_every_operation_is_generated_including_those_without_an_operation_id(real_world):
    document, _, result = real_world
    operations = iter_operations(document)
    assert len(operations) == 144
    assert sum("operationId" not in op for _, _, op in operations) == 72
    assert {op.key for op in result.api.operations} == {f"{m.upper()} {p}" for p, m, _ in operations}


def test_clashing_titles_were_normalized_and_reported(real_world):
    _, _, result = real_world
    dropped = [r for r in result.repairs.repairs if r.rule == "model-title-clash" and r.before == "Item"]
    assert len(dropped) >= 24


def test_every_operation_runs_on_every_surface(real_world):
    _, out, _ = real_world
    report = exercise(out)
    assert report["problems"] == []
    assert len(report["calls"]) == 144
    assert set(report["cli"]) == {0}


def test_the_generated_package_passes_mypy_strict(real_world):
    _, out, _ = real_world
    mypy_strict(out)
