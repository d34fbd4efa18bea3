"""The fields each OpenAPI object may have, read from the official OpenAPI JSON Schemas.

openapi-spec-validator ships the schemas the validate stage checks against; reading the allowed
fields from the same files means the repair stage and the validator can never disagree about
what "an unknown field" is.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from ...layout import HTTP_METHODS

# Our walk's kinds -> the definition name in the 3.0 and the 3.1 schema.
_DEFINITIONS = {
    "document": (None, None),
    "info": ("Info", "info"),
    "contact": ("Contact", "contact"),
    "license": ("License", "license"),
    "server": ("Server", "server"),
    "components": ("Components", "components"),
    "path-item": ("PathItem", "path-item"),
    "operation": ("Operation", "operation"),
    "parameter": ("Parameter", "parameter"),
    "request-body": ("RequestBody", "request-body"),
    "media-type": ("MediaType", "media-type"),
    "encoding": ("Encoding", "encoding"),
    "response": ("Response", "response"),
    "header": ("Header", "header"),
    "link": ("Link", "link"),
    "example": ("Example", "example"),
    "tag": ("Tag", "tag"),
    "external-docs": ("ExternalDocumentation", "external-documentation"),
    # 3.1 schemas are JSON Schema 2020-12 objects: any keyword is allowed there.
    "schema": ("Schema", None),
}


def definition_name(kind: str, version: str) -> str | None:
    """The name of the official schema's definition for one of the walk's kinds, or None."""
    names = _DEFINITIONS.get(kind)
    if names is None:
        return None
    return names[1] if version == "3.1" else names[0]


def official_schema(version: str) -> dict[str, Any]:
    """The official OpenAPI JSON Schema of version "3.0" or "3.1" (as openapi-spec-validator ships it)."""
    return _schema(version)


@cache
def _schema(version: str) -> dict[str, Any]:
    name = "v3.1" if version == "3.1" else "v3.0"
    # Found without importing the package: importing it costs more than the whole repair stage.
    spec = importlib.util.find_spec("openapi_spec_validator")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dev dependency
        raise RuntimeError("openapi-spec-validator is not installed; run scripts/bootstrap")
    folder = Path(next(iter(spec.submodule_search_locations)))
    text = (folder / "resources" / "schemas" / name / "schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


@cache
def allowed_fields(kind: str, version: str) -> frozenset[str] | None:
    """The fixed fields of `kind` (besides `x-` extensions), or None when any field goes."""
    if kind not in _DEFINITIONS:
        return None
    schema = _schema(version)
    if kind == "document":
        return frozenset(schema.get("properties", {}))
    definition_name = _DEFINITIONS[kind][1 if version == "3.1" else 0]
    if definition_name is None:
        return None
    definitions = schema.get("$defs") if version == "3.1" else schema.get("definitions")
    definition = (definitions or {}).get(definition_name) or {}
    closed = (
        definition.get("additionalProperties") is False or definition.get("unevaluatedProperties") is False
    )
    if not closed:
        return None
    fields = _evaluated_properties(definition, schema, set())
    if kind == "path-item":
        fields |= {*HTTP_METHODS, "$ref"}
    return frozenset(fields)


def _evaluated_properties(definition: Any, root: dict[str, Any], seen: set[str]) -> set[str]:
    """Property names a (3.1) definition evaluates: its own `properties`, and those of what it
    applies in place (allOf, $ref, dependentSchemas, then/else), e.g. a parameter's `style`."""
    if not isinstance(definition, dict):
        return set()
    names = set(definition.get("properties", {}))
    applied: list[Any] = []
    for keyword in ("allOf", "anyOf", "oneOf"):
        applied.extend(definition.get(keyword) or [])
    applied.extend((definition.get("dependentSchemas") or {}).values())
    applied.extend(definition[keyword] for keyword in ("then", "else") if keyword in definition)
    ref = definition.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        applied.append(target)
    for sub in applied:
        names |= _evaluated_properties(sub, root, seen)
    return names
