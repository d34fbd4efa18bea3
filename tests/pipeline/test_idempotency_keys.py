"""x-chaser-idempotency-key on any operation: the overlay names the field or header, and the generated
method fills the key once per call (UUID4 unless the caller gives one) and may retry.

A package is generated from tests/fixtures/idempotency (a key in a declared header, in a header the
spec does not declare, and in a body field) and called in a subprocess through its own mock,
which answers every first attempt with 503.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from chaser_codegen.errors import PipelineError
from chaser_codegen.escaping import SpecText
from chaser_codegen.pipeline import generate as pipeline
from chaser_codegen.pipeline.model import Body, Field, FieldLocation
from chaser_codegen.pipeline.model.idempotency import idempotency_key_of

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "idempotency"


def generate(out: Path, overlay: Path) -> pipeline.Result:
    return pipeline.generate(
        pipeline.Inputs(
            spec=FIXTURES / "spec.yaml", overlay=overlay, exclusions=None, out=out, version="0.0.0"
        )
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pipeline.Result]:
    out = tmp_path_factory.mktemp("idempotency") / "out"
    return out, generate(out, FIXTURES / "overlay.yaml")


@pytest.fixture(scope="module")
def report(package: tuple[Path, pipeline.Result]) -> dict[str, Any]:
    out, _ = package
    completed = subprocess.run(
        [sys.executable, str(FIXTURES / "exercise_idempotency.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return result


def test_the_marked_operations_are_retry_safe_and_know_where_their_key_goes(
    package: tuple[Path, Any],
) -> None:
    _, result = package
    keys = {op.name: (op.idempotent, op.idempotency_key) for op in result.api.operations}

    assert {
        name: (safe, key.location, key.wire_name, key.arg_name) for name, (safe, key) in keys.items() if key
    } == {
        "create_order": (True, "header", "Idempotency-Key", "idempotency_key"),
        "create_refund": (True, "header", "X-Refund-Key", None),
        "create_charge": (True, "body", "token", "token"),
    }


@pytest.mark.parametrize("name", ["orders.create_order", "refunds.create_refund", "charges.create_charge"])
def test_each_call_sends_one_fresh_uuid4_on_every_attempt_or_the_callers_key(
    report: dict[str, Any], name: str
) -> None:
    keys = report[name]["keys"]  # sync, raw, async, the caller's: two attempts each (503, then 200)

    assert len(keys) == 8
    pairs = [keys[i : i + 2] for i in range(0, 8, 2)]
    assert all(first == second for first, second in pairs)
    generated = [first for first, _ in pairs[:3]]
    assert len(set(generated)) == 3
    assert all(uuid.UUID(key).version == 4 for key in generated)
    assert pairs[3] == ["mine-1", "mine-1"]
    assert report[name]["raw"] == pairs[1][0] and report[name]["retries"] == 1


def write_overlay(tmp_path: Path, key: dict[str, Any]) -> Path:
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [
            {
                "target": "$.paths['/charges'].post",
                "description": "test",
                "update": {"x-chaser-idempotency-key": key},
            }
        ],
    }
    path = tmp_path / "overlay.yaml"
    path.write_text(yaml.safe_dump(overlay))
    return path


def test_a_key_field_the_body_lacks_fails_generation_naming_the_operation(tmp_path: Path) -> None:
    with pytest.raises(
        PipelineError, match="names the body field 'nonce', which is not a property"
    ) as caught:
        generate(tmp_path / "out", write_overlay(tmp_path, {"in": "body", "name": "nonce"}))

    assert "#/paths/~1charges/post/x-chaser-idempotency-key" in str(caught.value)
    assert not (tmp_path / "out").exists()


def _field(wire: str, annotation: str, location: FieldLocation) -> Field:
    python_name = wire.lower().replace("-", "_")
    return Field(SpecText(wire), python_name, location, annotation, False, None, None, {}, frozenset())


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"in": "body", "name": "amount"}, "not a string field"),
        ({"in": "query", "name": "key"}, "needs in: body or header"),
        ({"in": "header"}, "needs in: body or header, and a name"),
        ({"in": "header", "name": "Bad: Header"}, "not a valid header name"),
    ],
)
def test_a_key_the_operation_cannot_carry_is_refused(key: dict[str, Any], message: str) -> None:
    body = Body(
        "application/json", "json", "X", True, fields=(_field("amount", "int", "body"),), variants=("X",)
    )

    def error(text: str, *pointer: str | int, hint: str | None = None) -> PipelineError:
        return PipelineError("model", text, location="/".join(map(str, pointer)))

    with pytest.raises(PipelineError, match=message):
        idempotency_key_of({"x-chaser-idempotency-key": key}, body, (), error, ("paths", "/charges", "post"))


def test_a_declared_header_is_matched_case_insensitively() -> None:
    header = _field("Idempotency-Key", "str | Unset", "header")

    key = idempotency_key_of(
        {"x-chaser-idempotency-key": {"in": "header", "name": "idempotency-key"}},
        None,
        (header,),
        PipelineError,
        (),
    )

    assert key is not None and (key.wire_name, key.arg_name) == ("idempotency-key", "idempotency_key")
