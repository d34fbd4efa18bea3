"""Minimal specs for the model's unit tests: one or two operations, built into the model the way
the pipeline builds the project spec (normalize, the low-level parse, then the model)."""

from __future__ import annotations

import copy
from typing import Any

from chaser_codegen.pipeline import model, normalize, parse
from chaser_codegen.pipeline.render import RUNTIME

SOURCE = "minimal.yaml"


def spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """An OpenAPI 3.1 document with these paths and component schemas."""
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Minimal", "version": "1.0.0"},
        "paths": copy.deepcopy(paths),
        "components": {"schemas": copy.deepcopy(schemas or {})},
    }
    document.update(copy.deepcopy(top))
    return document


def build(document: dict[str, Any], *, helpers: bool = False) -> model.Api:
    normalized, _ = normalize.normalize(document, [], source=SOURCE)
    data = parse.parse(normalized, source=SOURCE)
    return model.build_api(
        normalized,
        data,
        package="minimal",
        source=SOURCE,
        exclusions=[],
        helpers_module=RUNTIME / "_helpers.py" if helpers else None,
    )


def only_operation(document: dict[str, Any]) -> model.Operation:
    (operation,) = build(document).operations
    return operation


def ok(schema: dict[str, Any] | None = None, media: str = "application/json") -> dict[str, Any]:
    """The responses of an operation that answers 200 with this schema (or nothing)."""
    if schema is None:
        return {"204": {"description": "no content"}}
    return {"200": {"description": "ok", "content": {media: {"schema": schema}}}}


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


WIDGET = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "ready", "failed"]},
        "size": {"type": "integer"},
    },
}
