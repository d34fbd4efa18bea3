"""Malformed specs: a clear error naming the stage and location, a non-zero exit, and
neither the output tree nor the input touched."""

from __future__ import annotations

import json
import shutil

import pytest
from chaser_codegen.pipeline.check import tree_files
from chaser_codegen.pipeline.load import MAX_DEPTH

from tests.conftest import ROOT
from tests.pipeline.packages import run_generate

VALID = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def nested(depth: int) -> dict:
    node: dict = {"type": "string"}
    for _ in range(depth):
        node = {"type": "object", "properties": {"x": node}}
    return {**VALID, "components": {"schemas": {"Deep": node}}}


def op(**extra) -> dict:
    return {"responses": {"200": {"description": "ok"}}, **extra}


CASES = {
    "invalid-json": ("spec.json", b'{"openapi": "3.1.0", "paths": {', "load", "invalid JSON"),
    "invalid-yaml": ("spec.yaml", b"openapi: 3.1.0\npaths:\n  - [unclosed\n", "load", "invalid YAML"),
    "not-utf8": ("spec.json", b'{"openapi": "\xff\xfe"}', "load", "not UTF-8"),
    "top-level-list": ("spec.json", b"[1, 2]", "load", "not an object"),
    "duplicate-keys": ("spec.json", b'{"openapi": "3.1.0", "openapi": "3.0.0"}', "load", "duplicate key"),
    "yaml-billion-laughs": (
        "spec.yaml",
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            )
        ).encode(),
        "load",
        "expands to more than",
    ),
    "swagger-2": (
        "spec.json",
        json.dumps({"swagger": "2.0", "paths": {}}).encode(),
        "validate",
        "Swagger 2.0",
    ),
    "wrong-version": (
        "spec.json",
        json.dumps({**VALID, "openapi": "4.0.0"}).encode(),
        "validate",
        "unsupported OpenAPI version",
    ),
    "missing-paths": (
        "spec.json",
        json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}).encode(),
        "validate",
        "no paths",
    ),
    "deep-nesting": ("spec.json", json.dumps(nested(MAX_DEPTH)).encode(), "load", "nesting deeper than"),
    "html-page": (
        "spec.json",
        b"<!doctype html><html><body>502 Bad Gateway</body></html>",
        "load",
        "HTML or XML page",
    ),
}


# A reference that points at nothing, in one response of one operation: a local defect.
UNRESOLVABLE_REF = (
    "spec.json",
    json.dumps(
        {
            **VALID,
            "paths": {
                "/a": {
                    "get": op(
                        responses={
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}
                                },
                            }
                        }
                    )
                }
            },
        }
    ).encode(),
    "validate",
    "'#/components/schemas/Gone' points at nothing",
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_malformed_spec_fails_clearly_and_changes_nothing(case, tmp_path):
    name, content, stage, message = CASES[case]
    spec = tmp_path / name
    spec.write_bytes(content)
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    before = tree_files(out)
    completed = run_generate("--spec", str(spec), "--out", str(out))
    assert completed.returncode == 2
    assert completed.stderr.startswith(f"error: [{stage}]"), completed.stderr
    assert message in completed.stderr
    assert str(spec) in completed.stderr, "the error names the document"
    assert "Traceback" not in completed.stderr
    assert "was left unchanged" in completed.stderr
    assert tree_files(out) == before
    assert spec.read_bytes() == content


def test_a_50_megabyte_document_is_refused_before_parsing(tmp_path):
    spec = tmp_path / "huge.json"
    with spec.open("wb") as handle:
        handle.write(b'{"openapi": "3.1.0", "x": "')
        handle.write(b"a" * (50 * 1024 * 1024))
        handle.write(b'"}')
    completed = run_generate("--spec", str(spec), "--out", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert "the document is 52.4 MB; the limit is 26 MB" in completed.stderr
    assert not (tmp_path / "out").exists()


def test_a_reference_to_nothing_degrades_its_response_and_strict_refuses_it(tmp_path):
    name, content, stage, message = UNRESOLVABLE_REF
    spec = tmp_path / name
    spec.write_bytes(content)
    completed = run_generate("--spec", str(spec), "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    report = json.loads((tmp_path / "out" / "repairs.json").read_text())
    [fallback] = [entry for entry in report["repairs"] if "fallback" in entry["rule"]]
    assert fallback["pointer"].startswith("#/paths/~1a/get/responses/200")
    assert message in fallback["before"]["why"]

    strict = run_generate("--spec", str(spec), "--out", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 2
    assert strict.stderr.startswith(f"error: [{stage}]"), strict.stderr
    assert message in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_yaml_numbers_with_an_exponent_are_numbers_as_yaml_1_2_reads_them():
    # Mistral's spec (3.1.0, YAML): `minimum: 1e-08`. YAML 1.1 (PyYAML) reads it as the string
    # "1e-08", and the schema was invalid; JSON and YAML 1.2 read a number.
    from chaser_codegen.pipeline.load import parse_document

    document = parse_document(b"a: 1e-08\nb: 1.5e3\nc: 10\nd: 2026-01-01\ne: 1e5x\n", source="spec.yaml")
    assert document == {"a": 1e-08, "b": 1500.0, "c": 10, "d": "2026-01-01", "e": "1e5x"}


def test_yaml_that_pyyaml_reads_as_other_types_keeps_the_text_that_was_written():
    # Equinix Fabric: an enum of operators, `[=, "!=", <]` (YAML 1.1's "value" type for a bare
    # `=`); Rebilly: `x-enumDescriptions: {true: ..., false: ...}` (boolean keys). Both sank the
    # whole document at the load stage.
    from chaser_codegen.pipeline.load import parse_document

    document = parse_document(
        b"ops: [=, '!=', <]\nx-enumDescriptions:\n  true: on\n  no: off\n", source="spec.yaml"
    )
    assert document == {"ops": ["=", "!=", "<"], "x-enumDescriptions": {"true": True, "no": False}}
