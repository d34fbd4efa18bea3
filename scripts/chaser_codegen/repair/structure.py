"""Repairs to the document's structure: status codes, fields, parameters and content types."""

from __future__ import annotations

import copy
import re
from typing import Any

from ..refs import component_ref, lookup, pointer_parts, resolve
from .log import ABSENT
from .metaschema import allowed_fields
from .rule import Context, rule
from .walk import HTTP_METHODS, Node

_LOWER_RANGE = re.compile(r"^[1-5]xx$")
_PATH_TEMPLATE = re.compile(r"{([^{}/]+)}")

# OpenAPI 3.0.3 and 3.1, Parameter Object: a header parameter with one of these names "SHALL be
# ignored" (the request's own machinery sets them: content negotiation, the body, the security scheme).
IGNORED_HEADER_PARAMETERS = frozenset({"accept", "content-type", "authorization"})


@rule(
    "status-code-key",
    "a response key must be a string, with ranges written 1XX-5XX; YAML turns 200 into a number "
    "and many specs write 4xx, and both mean the same status codes",
    kinds={"responses"},
    restructures=True,
)
def status_code_key(node: Node, ctx: Context) -> None:
    responses: dict[Any, Any] = node.value
    for key in list(responses):
        fixed: str | None = None
        if isinstance(key, int) and not isinstance(key, bool):
            fixed = str(key)
        elif isinstance(key, str) and _LOWER_RANGE.match(key):
            fixed = key.upper()
        if fixed is None or fixed in responses:
            continue  # a clash (both 4xx and 4XX) is left for the validator to name
        _rename_key(responses, key, fixed)
        ctx.record((*node.path, str(key)), before=str(key) if isinstance(key, str) else key, after=fixed)


def _rename_key(mapping: dict[Any, Any], old: Any, new: Any) -> None:
    """Rename a key in place, keeping the order of the others (which shows in generated code)."""
    items = [(new if key == old else key, value) for key, value in mapping.items()]
    mapping.clear()
    mapping.update(items)


@rule(
    "unknown-field",
    "OpenAPI objects allow only their fixed fields and x- extensions; a stray field (such as a "
    "title on an operation) is kept as an x- extension, so nothing is lost and the document is valid",
    kinds={
        "document",
        "info",
        "server",
        "components",
        "path-item",
        "operation",
        "parameter",
        "request-body",
        "media-type",
        "encoding",
        "response",
        "header",
        "link",
        "example",
        "tag",
        "external-docs",
    },
)
def unknown_field(node: Node, ctx: Context) -> None:
    move_unknown_fields(node, ctx)


def move_unknown_fields(node: Node, ctx: Context) -> None:
    allowed = allowed_fields(node.kind, ctx.version)
    if allowed is None:
        return
    for key in list(node.value):
        if not isinstance(key, str) or key in allowed or key.startswith("x-"):
            continue
        target = f"x-{key}"
        while target in node.value:
            target = f"x-{target}"
        value = node.value.pop(key)
        node.value[target] = value
        ctx.record(node.path, before={key: value}, after={target: value})


@rule(
    "path-parameter-required",
    "a path parameter is always required (the path cannot be built without it); the spec says "
    "required MUST be true",
    kinds={"parameter"},
)
def path_parameter_required(node: Node, ctx: Context) -> None:
    parameter = node.value
    if parameter.get("in") == "path" and parameter.get("required") is not True:
        before = parameter.get("required", ABSENT)
        parameter["required"] = True
        ctx.record((*node.path, "required"), before=before, after=True)


@rule(
    "ignored-header-parameter",
    "OpenAPI says a header parameter named Accept, Content-Type or Authorization SHALL be "
    "ignored: content negotiation, the body and the security scheme set those headers",
    kinds={"path-item", "operation"},
    restructures=True,
)
def ignored_header_parameter(node: Node, ctx: Context) -> None:
    parameters = node.value.get("parameters")
    if not isinstance(parameters, list):
        return
    kept = []
    for index, parameter in enumerate(parameters):
        resolved = resolve(ctx.document, parameter)
        name = resolved.get("name") if isinstance(resolved, dict) else None
        if (
            isinstance(resolved, dict)
            and resolved.get("in") == "header"
            and isinstance(name, str)
            and name.lower() in IGNORED_HEADER_PARAMETERS
        ):
            ctx.record((*node.path, "parameters", index), before=parameter)
            continue
        kept.append(parameter)
    if len(kept) != len(parameters):
        node.value["parameters"] = kept


@rule(
    "path-parameter-not-in-path",
    "a path parameter the path template has no {placeholder} for can never be sent; it is "
    "removed (the validator and the generator both refuse it)",
    kinds={"path-item"},
    restructures=True,
)
def path_parameter_not_in_path(node: Node, ctx: Context) -> None:
    template = node.path[-1] if node.path and node.path[0] == "paths" else None
    if not isinstance(template, str):
        return
    names = set(_PATH_TEMPLATE.findall(template))
    for owner_path, owner in _parameter_owners(node):
        parameters = owner.get("parameters")
        if not isinstance(parameters, list):
            continue
        kept = []
        for index, parameter in enumerate(parameters):
            resolved = resolve(ctx.document, parameter)
            if (
                isinstance(resolved, dict)
                and resolved.get("in") == "path"
                and resolved.get("name") not in names
            ):
                ctx.record((*owner_path, "parameters", index), before=parameter)
                continue
            kept.append(parameter)
        if len(kept) != len(parameters):
            owner["parameters"] = kept


@rule(
    "path-parameter-undeclared",
    "a {placeholder} in the path with no parameter for it is still a path parameter: it is "
    "declared as a required string, the form every path segment has on the wire",
    kinds={"path-item"},
)
def path_parameter_undeclared(node: Node, ctx: Context) -> None:
    template = node.path[-1] if node.path and node.path[0] == "paths" else None
    if not isinstance(template, str):
        return
    names = list(dict.fromkeys(_PATH_TEMPLATE.findall(template)))
    if not names:
        return
    shared = _path_parameter_names(ctx.document, node.value.get("parameters"))
    for method in HTTP_METHODS:
        operation = node.value.get(method)
        if not isinstance(operation, dict):
            continue
        declared = shared | _path_parameter_names(ctx.document, operation.get("parameters"))
        for name in names:
            if name in declared:
                continue
            parameters = operation.setdefault("parameters", [])
            added = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            parameters.append(added)
            ctx.record((*node.path, method, "parameters", len(parameters) - 1), after=added)


@rule(
    "header-parameter-type",
    "openapi-python-client sends only scalar header parameters; an array or object header is "
    "sent as the single string OpenAPI's simple style makes of it (values joined by commas)",
    kinds={"parameter"},
)
def header_parameter_type(node: Node, ctx: Context) -> None:
    parameter = node.value
    schema = parameter.get("schema")
    if parameter.get("in") != "header" or not isinstance(schema, dict):
        return
    schema_type = schema.get("type")
    kinds = set(schema_type) if isinstance(schema_type, list) else {schema_type}
    if not kinds & {"array", "object"}:
        return
    replacement: dict[str, Any] = {"type": "string"}
    if "description" in schema:
        replacement["description"] = schema["description"]
    parameter["schema"] = replacement
    ctx.record((*node.path, "schema"), before=schema, after=replacement)


def _parameter_owners(path_item: Node) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    owners = [(path_item.path, path_item.value)]
    for method in HTTP_METHODS:
        operation = path_item.value.get(method)
        if isinstance(operation, dict):
            owners.append(((*path_item.path, method), operation))
    return owners


def _path_parameter_names(document: dict[str, Any], parameters: Any) -> set[str]:
    names = set()
    for parameter in parameters if isinstance(parameters, list) else []:
        resolved = resolve(document, parameter)
        if (
            isinstance(resolved, dict)
            and resolved.get("in") == "path"
            and isinstance(resolved.get("name"), str)
        ):
            names.add(resolved["name"])
    return names


@rule(
    "parameter-content-to-schema",
    "openapi-python-client skips a parameter described by `content` instead of `schema`; a "
    "scalar in a text media type is sent as the plain string a `schema` describes, and anything "
    "else is taken as the string the caller serializes",
    kinds={"parameter"},
)
def parameter_content_to_schema(node: Node, ctx: Context) -> None:
    parameter = node.value
    content = parameter.get("content")
    if "schema" in parameter or not isinstance(content, dict) or len(content) != 1:
        return
    media, media_type = next(iter(content.items()))
    schema = media_type.get("schema") if isinstance(media_type, dict) else None
    scalar = isinstance(schema, dict) and schema.get("type") in ("string", "integer", "number", "boolean")
    textual = str(media).split(";")[0].strip().lower() in ("*/*", "text/plain")
    replacement = schema if scalar and textual else {"type": "string"}
    del parameter["content"]
    parameter["schema"] = replacement
    ctx.record(node.path, before={"content": content}, after={"schema": replacement})


@rule(
    "deep-reference",
    "openapi-python-client resolves only references to whole components; a $ref into the middle "
    "of one (#/components/schemas/A/definitions/b, #/components/parameters/p/schema) points at a "
    "schema that becomes a component of its own, referred to instead",
    kinds={"document"},
    restructures=True,
)
def deep_reference(node: Node, ctx: Context) -> None:
    from .walk import walk

    document = ctx.document
    hoisted: dict[str, str] = {}  # deep $ref -> the component ref that replaces it
    for _ in range(MAX_DEEP_REFERENCE_ROUNDS):
        deep = [
            schema
            for schema in (n for n in walk(document) if n.kind == "schema")
            if _is_deep_schema_ref(schema.value.get("$ref"))
        ]
        if not deep:
            return
        for schema in deep:
            ref = schema.value["$ref"]
            if ref not in hoisted:
                target = lookup(document, ref)
                if not isinstance(target, dict):
                    continue  # dangling: the validate stage names it
                name = _component_name_for(document, ref)
                document.setdefault("components", {}).setdefault("schemas", {})[name] = copy.deepcopy(target)
                hoisted[ref] = component_ref("schemas", name)
                ctx.record(("components", "schemas", name), after={"copy of": ref})
            schema.value["$ref"] = hoisted[ref]
            ctx.record((*schema.path, "$ref"), before=ref, after=hoisted[ref])


MAX_DEEP_REFERENCE_ROUNDS = 16


def _is_deep_schema_ref(ref: Any) -> bool:
    parts = pointer_parts(ref) if isinstance(ref, str) else None
    if parts is None or len(parts) < 2:
        return False  # external, or not a schema at all: left for the validate stage
    return not (len(parts) == 3 and parts[:2] == ["components", "schemas"])


def _component_name_for(document: dict[str, Any], ref: str) -> str:
    parts = pointer_parts(ref) or []
    skip = {
        "components",
        "schemas",
        "properties",
        "definitions",
        "$defs",
        "parameters",
        "schema",
        "items",
        "paths",
        "content",
    }
    words = [w for part in parts if part not in skip for w in re.split(r"[^A-Za-z0-9]+", part)]
    base = "".join(word[:1].upper() + word[1:] for word in words if word and not word.isdigit()) or "Schema"
    taken = (document.get("components") or {}).get("schemas") or {}
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}{counter}", counter + 1
    return name
