"""allOf merged the way JSON Schema means it: a value must satisfy every part.

openapi-python-client merges the parts of an allOf into one model, but gives up when a
property is defined twice in ways it cannot reconcile (`int | None` in one part, `int` in the
other; two enums that are not subsets of each other). Such a definition still has an exact
meaning: the intersection. This module computes it for the cases that have a plain answer
(one definition is the other plus null, or an annotation-only copy; two enums; two objects),
and says which properties had none, which the caller then types as `Any` and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Resolve = Callable[[Any], Any]
Lossy = list[tuple[tuple[str, ...], Any]]

# Keywords that describe without constraining: they never make two definitions different, and
# they stay on the outside when a rule wraps a schema's constraints in an anyOf.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "$comment",
    }
)
MAX_DEPTH = 16


def merge_all_of(schema: dict[str, Any], resolve: Resolve) -> tuple[dict[str, Any], Lossy] | None:
    """One object schema equal in meaning to `schema` (which has an allOf), and the properties
    whose definitions had no exact intersection; None when a part is not an object schema."""
    lossy: Lossy = []
    merged = _merge(schema, resolve, lossy, (), 0)
    return None if merged is None else (merged, lossy)


def _merge(
    schema: dict[str, Any], resolve: Resolve, lossy: Lossy, where: tuple[str, ...], depth: int
) -> dict[str, Any] | None:
    if depth > MAX_DEPTH:
        return None
    own = {key: value for key, value in schema.items() if key != "allOf"}
    parts = []
    for member in schema.get("allOf") or []:
        part = resolve(member)
        if not isinstance(part, dict) or "$ref" in part:
            return None  # unresolvable
        if "allOf" in part:
            part = _merge(part, resolve, lossy, where, depth + 1)
            if part is None:
                return None
        parts.append(part)
    parts.append(own)
    if not all(_is_object_like(part) for part in parts):
        return None
    result: dict[str, Any] = {"type": "object"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in parts:
        for name, definition in (part.get("properties") or {}).items():
            if name in properties:
                properties[name] = _intersect(
                    properties[name], definition, resolve, lossy, (*where, "properties", name), depth
                )
            else:
                properties[name] = definition
        for name in part.get("required") or []:
            if name not in required:
                required.append(name)
        if "additionalProperties" in part and "additionalProperties" not in result:
            result["additionalProperties"] = part["additionalProperties"]
    # Annotations and extensions of the schema itself win; a part's title is not carried over
    # (it would rename the merged model).
    for part in reversed(parts):
        for key, value in part.items():
            if key in ("properties", "required", "type", "additionalProperties", "allOf", "title"):
                continue
            if key in ANNOTATIONS or key.startswith("x-") or key == "discriminator":
                result[key] = value
    if "title" in own:
        result["title"] = own["title"]
    if properties:
        result["properties"] = properties
    if required:
        result["required"] = required
    return result


def _is_object_like(schema: dict[str, Any]) -> bool:
    """Properties and annotations only: no union, no scalar type."""
    if any(key in schema for key in ("oneOf", "anyOf", "not", "enum", "const", "items")):
        return False
    kind = schema.get("type")
    return kind in (None, "object") or kind == ["object"]


def _constraints(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    return {
        key: value for key, value in schema.items() if key not in ANNOTATIONS and not key.startswith("x-")
    }


def _annotations(schema: Any) -> dict[str, Any]:
    if not isinstance(schema, dict):
        return {}
    return {key: value for key, value in schema.items() if key in ANNOTATIONS and key != "title"}


def _without_null(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The non-null part of a schema that allows null, or None when it does not allow null."""
    constraints = _constraints(schema)
    kind = constraints.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [value for value in kind if value != "null"]
        return {**constraints, "type": rest[0] if len(rest) == 1 else rest}
    if constraints.get("nullable") is True:
        return {key: value for key, value in constraints.items() if key != "nullable"}
    options = constraints.get("anyOf") or constraints.get("oneOf")
    if isinstance(options, list) and len(constraints) == 1:
        rest = [option for option in options if _constraints(option) != {"type": "null"}]
        if len(rest) == len(options) - 1:
            return rest[0] if len(rest) == 1 else {"anyOf": rest}
    return None


def _intersect(
    first: Any, second: Any, resolve: Resolve, lossy: Lossy, where: tuple[str, ...], depth: int
) -> Any:
    """A definition equal to `first` and `second` together, the later one's annotations winning."""
    annotations = {**_annotations(resolve(first)), **_annotations(resolve(second))}
    plain_first, plain_second = _constraints(resolve(first)), _constraints(resolve(second))

    def keep(chosen: Any) -> Any:
        if isinstance(chosen, dict) and "$ref" not in chosen:
            return {**chosen, **annotations}
        return chosen  # a $ref keeps its own annotations

    if plain_first == plain_second:
        return keep(second)
    if plain_first == {}:
        return keep(second)
    if plain_second == {}:
        return keep(first)
    if isinstance(plain_first, dict) and isinstance(plain_second, dict):
        if _constraints(_without_null(plain_first)) == plain_second:
            return keep(second)
        if _constraints(_without_null(plain_second)) == plain_first:
            return keep(first)
        enums = _enum_intersection(plain_first, plain_second)
        if enums is not None:
            return {**enums, **annotations}
        if _is_object_like(plain_first) and _is_object_like(plain_second):
            merged = _merge({"allOf": [first, second]}, resolve, lossy, where, depth + 1)
            if merged is not None:
                return {**merged, **annotations}
    lossy.append((where, {"allOf": [first, second]}))
    return annotations


def _enum_intersection(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any] | None:
    if isinstance(first.get("type"), list) or isinstance(second.get("type"), list):
        return None  # a 3.1 list of types: not two enums of one type
    kinds = {first.get("type"), second.get("type")} - {None}
    if len(kinds) > 1 or ("enum" not in first and "enum" not in second):
        return None
    if set(first) - {"type", "enum"} or set(second) - {"type", "enum"}:
        return None
    left, right = first.get("enum"), second.get("enum")
    if left is None or right is None:
        values = left if left is not None else right
    else:
        values = [value for value in left if value in right]
    if not values:
        return None
    result: dict[str, Any] = {"enum": values}
    if kinds:
        result["type"] = kinds.pop()
    return result


def redefined_properties(schema: dict[str, Any], resolve: Resolve) -> list[str]:
    """Properties that two parts of an allOf define differently (annotations aside): what
    openapi-python-client has to merge, and often cannot."""
    seen: dict[str, list[Any]] = {}
    for part in _flat_parts(schema, resolve, 0):
        for name, definition in (part.get("properties") or {}).items():
            seen.setdefault(name, []).append(_constraints(resolve(definition)))
    return [name for name, definitions in seen.items() if any(d != definitions[0] for d in definitions[1:])]


def _flat_parts(schema: dict[str, Any], resolve: Resolve, depth: int) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for member in schema.get("allOf") or []:
        part = resolve(member)
        if isinstance(part, dict) and depth < MAX_DEPTH:
            parts.extend(_flat_parts(part, resolve, depth + 1) if "allOf" in part else [part])
    own = {key: value for key, value in schema.items() if key != "allOf"}
    return [*parts, own]
