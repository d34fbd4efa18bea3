"""Fuzz the overlay and the normalizer with random small specs: they succeed or raise the
pipeline's own error, and what they produce keeps their promises."""

from __future__ import annotations

from typing import Any

from chaser_codegen.errors import PipelineError
from chaser_codegen.names import ascii_identifier
from chaser_codegen.pipeline.model import iter_operations
from chaser_codegen.pipeline.normalize import normalize
from chaser_codegen.pipeline.opc_compat import ClassName
from chaser_codegen.pipeline.overlay import apply_overlay
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"]), max_size=12
)
METHODS = st.sampled_from(["get", "post", "put", "delete", "patch"])
SEGMENTS = st.text(alphabet="abcxyz-_{}", min_size=1, max_size=6)


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 6))):
        path = "/" + "/".join(draw(st.lists(SEGMENTS, min_size=1, max_size=3)))
        item = paths.setdefault(path, {})
        for method in draw(st.sets(METHODS, max_size=3)):
            operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
            if draw(st.booleans()):
                operation["operationId"] = draw(NAMES)
            if draw(st.booleans()):
                operation["tags"] = [draw(NAMES)]
            item[method] = operation
    schemas = {
        draw(NAMES) or "S": {"type": "object", "title": draw(NAMES)} for _ in range(draw(st.integers(0, 4)))
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@st.composite
def overlays(draw: Any, spec: dict[str, Any]) -> dict[str, Any]:
    targets = [
        "$.paths",
        "$.paths.*",
        "$.paths.*.*",
        "$.paths.*.*.tags",
        "$.info",
        "$.nowhere",
        "$[",
        "$.paths.*.*.operationId",
    ]
    targets += [f"$.paths['{path}']" for path in spec["paths"]]
    actions = []
    for _ in range(draw(st.integers(1, 4))):
        action: dict[str, Any] = {"target": draw(st.sampled_from(targets)), "description": draw(NAMES) or "x"}
        if draw(st.booleans()):
            action["remove"] = True
        else:
            action["update"] = draw(
                st.sampled_from([{"x-chaser-sdk-name": "n"}, {"tags": ["t"]}, "scalar", ["a"]])
            )
        actions.append(action)
    return {"overlay": "1.0.0", "info": {"title": "o", "version": "1"}, "actions": actions}


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data())
def test_the_overlay_applies_or_raises_a_pipeline_error(data):
    spec = data.draw(specs())
    overlay = data.draw(overlays(spec))
    try:
        _, applied = apply_overlay(spec, overlay)
    except PipelineError as error:
        assert error.stage == "overlay" and error.location
        return
    assert len(applied) == len(overlay["actions"])
    assert all(action.matched >= 1 for action in applied)


@settings(max_examples=150, deadline=None, database=None)
@given(spec=specs())
def test_the_normalizer_leaves_distinct_usable_operation_ids(spec):
    result, notes = normalize(spec, [], source="fuzz")
    names = [ascii_identifier(op["operationId"], prefix="op") for _, _, op in iter_operations(result)]
    assert all(name for name in names)
    assert len(set(names)) == len(names)
    assert len(iter_operations(result)) == len(iter_operations(spec))
    assert spec != result or not notes
    models = [
        str(ClassName(schema.get("title") or key, "")).lower()
        for key, schema in result["components"]["schemas"].items()
    ]
    assert len(set(models)) == len(models), "two models would share a name"
