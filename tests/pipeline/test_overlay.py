"""Overlay 1.0 application: merge, append, remove, ordering, and stale targets as drift."""

from __future__ import annotations

import copy

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline.load import load_document
from chaser_codegen.pipeline.model import iter_operations
from chaser_codegen.pipeline.overlay import apply_overlay
from chaser_codegen.pipeline.repair import repair_document

from tests.conftest import OVERLAY, SPEC

SPEC_DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/a": {
            "get": {
                "tags": ["old"],
                "parameters": [
                    {"name": "Authorization", "in": "header", "schema": {"type": "string"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def overlay(*actions: dict) -> dict:
    return {"overlay": "1.0.0", "info": {"title": "o", "version": "1"}, "actions": list(actions)}


def test_update_merges_into_the_selected_object_without_touching_the_input():
    original = copy.deepcopy(SPEC_DOC)
    result, applied = apply_overlay(
        SPEC_DOC,
        overlay(
            {
                "target": "$.paths['/a'].get",
                "description": "name it",
                "update": {"operationId": "a_get", "x-chaser-sdk-name": "get"},
            }
        ),
    )
    assert result["paths"]["/a"]["get"]["operationId"] == "a_get"
    assert result["paths"]["/a"]["get"]["x-chaser-sdk-name"] == "get"
    assert result["paths"]["/a"]["get"]["responses"] == {"200": {"description": "ok"}}
    assert original == SPEC_DOC
    assert applied[0].matched == 1


def test_update_of_an_array_appends_and_nested_objects_merge_recursively():
    result, _ = apply_overlay(
        SPEC_DOC,
        overlay(
            {"target": "$.paths['/a'].get.tags", "description": "add a tag", "update": "new"},
            {
                "target": "$.paths['/a'].get",
                "description": "merge",
                "update": {"responses": {"200": {"x-a": 1}}},
            },
        ),
    )
    assert result["paths"]["/a"]["get"]["tags"] == ["old", "new"]
    assert result["paths"]["/a"]["get"]["responses"]["200"] == {"description": "ok", "x-a": 1}


def test_remove_with_a_filter_selects_and_deletes_array_items():
    result, applied = apply_overlay(
        SPEC_DOC,
        overlay(
            {
                "target": "$.paths.*.*.parameters[?@.name == 'Authorization' && @.in == 'header']",
                "description": "auth is the security scheme",
                "remove": True,
            }
        ),
    )
    assert [p["name"] for p in result["paths"]["/a"]["get"]["parameters"]] == ["q"]
    assert applied[0].matched == 1


def test_actions_apply_in_order_so_a_removed_node_can_be_recreated():
    result, _ = apply_overlay(
        SPEC_DOC,
        overlay(
            {"target": "$.paths['/a'].get.tags", "description": "drop upstream tags", "remove": True},
            {"target": "$.paths['/a'].get", "description": "our tag", "update": {"tags": ["sessions"]}},
        ),
    )
    assert result["paths"]["/a"]["get"]["tags"] == ["sessions"]


def test_a_target_that_selects_nothing_fails_and_names_the_action():
    with pytest.raises(PipelineError) as caught:
        apply_overlay(
            SPEC_DOC,
            overlay(
                {"target": "$.paths['/a'].get", "description": "fine", "update": {"x": 1}},
                {"target": "$.paths['/gone'].get", "description": "name the vanished op", "update": {"x": 1}},
            ),
            source="spec/overlay.yaml",
        )
    error = caught.value
    assert error.stage == "overlay"
    assert "actions[1] (name the vanished op)" in str(error)
    assert "selects nothing" in str(error)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"target": "$.paths", "update": {}}, "description"),
        ({"target": "$.paths", "description": "x"}, "exactly one of update or remove"),
        (
            {"target": "$.paths", "description": "x", "update": {}, "remove": True},
            "exactly one of update or remove",
        ),
        ({"target": "$.paths[", "description": "x", "remove": True}, "invalid JSONPath"),
        ({"target": "$.info.title", "description": "x", "update": {"a": 1}}, "objects or arrays"),
    ],
)
def test_malformed_actions_are_refused_with_a_reason(action, message):
    with pytest.raises(PipelineError, match=message):
        apply_overlay(SPEC_DOC, overlay(action))


def test_an_unsupported_overlay_version_is_refused():
    with pytest.raises(PipelineError, match="unsupported overlay version"):
        apply_overlay(SPEC_DOC, {"overlay": "2.0.0", "info": {"title": "o", "version": "1"}, "actions": [{}]})


def test_the_repaired_and_overlaid_spec_names_every_operation_and_has_no_authorization_parameter():
    repaired = repair_document(load_document(SPEC)).document
    result, applied = apply_overlay(repaired, load_document(OVERLAY, stage="overlay"))
    operations = iter_operations(result)
    assert len(operations) == 72
    for path, method, op in operations:
        assert op.get("x-chaser-sdk-name"), f"{method} {path} has no SDK name"
        assert len(op.get("tags") or []) == 1, f"{method} {path} needs exactly one resource tag"
        for parameter in op.get("parameters") or []:
            assert parameter.get("name") != "Authorization"
    assert all(action.matched >= 1 for action in applied)
    raw = load_document(OVERLAY, stage="overlay")
    assert all(action["description"].strip() for action in raw["actions"])
