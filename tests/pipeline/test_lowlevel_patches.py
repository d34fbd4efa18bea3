"""The patches to openapi-python-client 0.29.1 (scripts/chaser_codegen/pipeline/opc_compat/), each on
the construct it is for: that it does its job, that the parse stays linear, and that it is in
place for one parse only. (tests/pipeline/test_opc_compat.py shows each defect on upstream's own
code, unpatched.)

The slope is measured in Python function calls (cProfile's count), not in seconds: a count is
the same on every run of the same code on the same input, whatever else the machine is doing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.pipeline import opc_compat
from chaser_codegen.pipeline import parse as pipeline_parse
from chaser_codegen.pipeline.opc_compat import patches, surface
from chaser_codegen.pipeline.repair.log import RepairLog

from tests.pipeline.test_opc_compat import exponent, parse_calls


def test_the_parse_of_chained_schemas_is_linear_with_the_patch():
    """0.29.1 deep-copies each endpoint with every model it reaches: on a chain (each schema
    refers to the previous one) that is quadratic (test_opc_compat shows it). The patch shares
    the models."""
    patched = (parse_calls(20, patched=True), parse_calls(80, patched=True))
    assert exponent((20, 80), patched) < 1.15
    assert patched[0] * 5 < parse_calls(20, patched=False)  # already at N=20, the copies are most of the work


def parse(document: dict[str, Any]) -> Any:
    return pipeline_parse.parse(document, source="test")


def small_spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        document["components"] = {"schemas": schemas}
    return document


def test_a_placeholder_used_twice_in_a_path_is_one_parameter():
    parameter = {"name": "loc", "in": "path", "required": True, "schema": {"type": "string"}}
    data = parse(
        small_spec(
            {
                "/a/{loc}/b/{loc}": {
                    "get": {
                        "operationId": "get_it",
                        "parameters": [parameter],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            }
        )
    )
    [endpoint] = [e for c in data.endpoint_collections_by_tag.values() for e in c.endpoints]
    assert endpoint.path.get_untrusted_value() == "/a/{loc}/b/{loc}"
    assert [p.name.get_untrusted_value() for p in endpoint.path_parameters] == ["loc"]


def test_a_model_nested_in_a_union_member_is_built_once():
    """0.29.1 builds it with the union and again when it processes the member, then refuses the
    second as a duplicate, and drops the whole component."""
    member = {
        "type": "object",
        "title": "Ratio",
        "properties": {"limits": {"type": "object", "properties": {"max": {"type": "integer"}}}},
    }
    document = small_spec(
        {
            "/x": {
                "get": {
                    "operationId": "get_x",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}},
                        }
                    },
                }
            }
        },
        {"T": {"oneOf": [{"type": "string", "enum": ["auto"]}, member]}},
    )
    data = parse(document)
    assert data.errors == []
    assert {m.class_info.name for m in data.models} >= {"Ratio", "RatioLimits"}


def test_a_union_members_failure_keeps_its_cause():
    """Without the patch, the error says only 'Invalid property in union'."""
    document = small_spec({}, {"U": {"anyOf": [{"type": "string"}, {"type": "array"}]}})
    with opc_compat.patched(opc_compat.ParseContext()):
        data = opc_compat.parse_document(document, opc_compat.make_config(Path("unused")))
    [error] = data.errors  # type: ignore[union-attr]
    assert "Invalid property in union" in (error.detail or "")
    assert "must have items" in (error.cause.detail or "")  # type: ignore[attr-defined]


def test_parameters_differing_only_in_symbols_get_spelled_out_names_in_the_repair_log():
    parameters = [
        {"name": name, "in": "query", "schema": {"type": "string"}}
        for name in ("DateCreated<", "DateCreated>")
    ]
    log = RepairLog()
    data = pipeline_parse.parse(
        small_spec(
            {
                "/a": {
                    "get": {
                        "operationId": "op",
                        "parameters": parameters,
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            }
        ),
        source="test",
        log=log,
    )
    [endpoint] = [e for c in data.endpoint_collections_by_tag.values() for e in c.endpoints]
    assert [str(p.python_name) for p in endpoint.query_parameters] == ["date_created_lt", "date_created_gt"]
    assert [
        repair.after for repair in log.repairs if repair.rule == pipeline_parse.PARAMETER_PYTHON_NAME
    ] == [
        "date_created_lt",
        "date_created_gt",
    ]


def installed() -> list[Any]:
    return [surface.resolve(where) for where in patches.REPLACED]


def test_the_list_of_replaced_attributes_is_what_patched_replaces():
    owners = [
        (owner.__module__ if isinstance(owner, type) else owner.__name__, attribute)
        for owner, attribute, _ in patches._replacements(opc_compat.ParseContext())
    ]
    assert [
        (module, where.split(".")[-1]) for module, where in (w.split(":") for w in patches.REPLACED)
    ] == owners
    assert set(patches.REPLACED) <= {internal.where for internal in surface.INTERNALS}


def test_the_patches_are_in_place_for_one_parse_and_gone_after_it():
    before = installed()
    with opc_compat.patched(opc_compat.ParseContext()):
        during = installed()
        assert all(a is not b for a, b in zip(before, during, strict=True))
        with (
            pytest.raises(RuntimeError, match="already patched"),
            opc_compat.patched(opc_compat.ParseContext()),
        ):
            pass  # pragma: no cover
        assert installed() == during  # the refused second installation changed nothing
    assert installed() == before


def test_an_optional_property_defaults_to_unset_and_documents_the_spec_default():
    """0.29.1 declares `n: int | Unset = 1`, so a model built without n sends n: 1. Unset means
    absent (docs/policies.md): the declaration says UNSET, the docstring keeps the default."""
    document = small_spec(
        {
            "/x": {
                "get": {
                    "operationId": "op",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
                        }
                    },
                }
            }
        },
        {
            "A": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "default": "a"},
                    "n": {"type": "integer", "default": 1},
                    "store": {"type": "boolean", "default": False},
                },
            }
        },
    )
    [model] = parse(document).models
    with patches.rendering():  # the templates declare each property while the package renders
        declared = {
            str(p.python_name): p.to_string().as_unembedded_code()
            for p in model.required_properties + model.optional_properties
        }
    docs = {str(p.python_name): p.to_docstring() for p in model.optional_properties}
    assert declared == {
        "kind": "kind: str = 'a'",
        "n": "n: int | Unset = UNSET",
        "store": "store: bool | Unset = UNSET",
    }
    assert "Default: 1." in docs["n"] and "Default: False." in docs["store"]
