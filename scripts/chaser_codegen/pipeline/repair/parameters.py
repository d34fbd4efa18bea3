"""Repairs to parameters: where they are declared, how they are named and typed.

openapi-python-client drops an operation whose parameters it cannot reconcile with the path
(a placeholder without a parameter, a parameter without a placeholder), or whose header or path
parameters have types it cannot send, and silently skips a parameter with no schema. Each rule
here keeps the operation, and never changes what goes on the wire.
"""

from __future__ import annotations

import re
from typing import Any

from ...layout import HTTP_METHODS
from ...refs import resolve
from .log import ABSENT
from .naming import extension_key
from .rule import Context, rule
from .walk import Node

_PATH_TEMPLATE = re.compile(r"{([^{}/]+)}")
# The placeholder names openapi-python-client can template (openapi.py's _PATH_PARAM_REGEX).
_TEMPLATABLE = re.compile(r"^[a-zA-Z_-][a-zA-Z0-9_-]*$")

# OpenAPI 3.0.3 and 3.1, Parameter Object: a header parameter with one of these names "SHALL be
# ignored" (the request's own machinery sets them: content negotiation, the body, the security scheme).
IGNORED_HEADER_PARAMETERS = frozenset({"accept", "content-type", "authorization"})

# What openapi-python-client can send in a header: str, int, float, bool (and enums of those).
_HEADER_SCALARS = frozenset({"string", "integer", "number", "boolean"})

Path = tuple[str | int, ...]


def _owners(path_item: Node) -> list[tuple[Path, dict[str, Any]]]:
    """The path item and each of its operations: the objects that hold parameter lists."""
    owners = [(path_item.path, path_item.value)]
    for method in HTTP_METHODS:
        operation = path_item.value.get(method)
        if isinstance(operation, dict):
            owners.append(((*path_item.path, method), operation))
    return owners


def _template(node: Node) -> str | None:
    template = node.path[-1] if len(node.path) == 2 and node.path[0] == "paths" else None
    return template if isinstance(template, str) else None


def _filter_parameters(node: Node, ctx: Context, drop: Any) -> None:
    """Remove, from the path item and its operations, the parameters `drop(parameter)` names."""
    for owner_path, owner in _owners(node) if node.kind == "path-item" else [(node.path, node.value)]:
        parameters = owner.get("parameters")
        if not isinstance(parameters, list):
            continue
        kept = []
        for index, parameter in enumerate(parameters):
            if drop(resolve(ctx.document, parameter), owner_path):
                ctx.record((*owner_path, "parameters", index), before=parameter)
            else:
                kept.append(parameter)
        if len(kept) != len(parameters):
            owner["parameters"] = kept


@rule(
    "swagger-body-parameter",
    "`in: body` and `in: formData` are Swagger 2.0; in OpenAPI 3 they are the operation's "
    "requestBody (JSON, or a form of the formData fields)",
    kinds={"operation"},
    restructures=True,
)
def swagger_body_parameter(node: Node, ctx: Context) -> None:
    parameters = node.value.get("parameters")
    if not isinstance(parameters, list) or "requestBody" in node.value:
        return
    body = [p for p in parameters if isinstance(p, dict) and p.get("in") == "body"]
    form = [p for p in parameters if isinstance(p, dict) and p.get("in") == "formData"]
    if not body and not form:
        return
    if body:
        parameter = body[0]
        request_body: dict[str, Any] = {
            "required": bool(parameter.get("required")),
            "content": {"application/json": {"schema": parameter.get("schema", {})}},
        }
        if "description" in parameter:
            request_body["description"] = parameter["description"]
    else:
        files = any(p.get("type") == "file" for p in form)
        schema: dict[str, Any] = {"type": "object", "properties": {}}
        for field in form:
            prop = {k: v for k, v in field.items() if k not in ("name", "in", "required")}
            if prop.get("type") == "file":
                prop = {"type": "string", "format": "binary"}
            schema["properties"][field["name"]] = prop.get("schema", prop)
        required = [field["name"] for field in form if field.get("required")]
        if required:
            schema["required"] = required
        media = "multipart/form-data" if files else "application/x-www-form-urlencoded"
        request_body = {"content": {media: {"schema": schema}}, "required": bool(required)}
    node.value["parameters"] = [
        p for p in parameters if not (isinstance(p, dict) and p.get("in") in ("body", "formData"))
    ]
    node.value["requestBody"] = request_body
    ctx.record(node.path, before={"parameters": body + form}, after={"requestBody": request_body})


@rule(
    "ignored-header-parameter",
    "OpenAPI says a header parameter named Accept, Content-Type or Authorization SHALL be "
    "ignored: content negotiation, the body and the security scheme set those headers",
    kinds={"path-item", "operation"},
    restructures=True,
)
def ignored_header_parameter(node: Node, ctx: Context) -> None:
    def ignored(parameter: Any, _: Path) -> bool:
        name = parameter.get("name") if isinstance(parameter, dict) else None
        return (
            isinstance(parameter, dict)
            and parameter.get("in") == "header"
            and isinstance(name, str)
            and name.lower() in IGNORED_HEADER_PARAMETERS
        )

    # Each owner is walked on its own (operations are nodes too): only this node's list.
    parameters = node.value.get("parameters")
    if isinstance(parameters, list):
        kept = []
        for index, parameter in enumerate(parameters):
            if ignored(resolve(ctx.document, parameter), node.path):
                ctx.record((*node.path, "parameters", index), before=parameter)
            else:
                kept.append(parameter)
        if len(kept) != len(parameters):
            node.value["parameters"] = kept


@rule(
    "duplicate-parameter",
    "a parameter list must not name one (name, location) twice; a repeat identical to the first "
    "says nothing new",
    kinds={"path-item", "operation"},
    restructures=True,
)
def duplicate_parameter(node: Node, ctx: Context) -> None:
    parameters = node.value.get("parameters")
    if not isinstance(parameters, list):
        return
    seen: dict[tuple[Any, Any], Any] = {}
    kept = []
    for index, parameter in enumerate(parameters):
        resolved = resolve(ctx.document, parameter)
        key = (resolved.get("name"), resolved.get("in")) if isinstance(resolved, dict) else (index, None)
        if key in seen and seen[key] == resolved:
            ctx.record((*node.path, "parameters", index), before=parameter)
            continue
        seen.setdefault(key, resolved)
        kept.append(parameter)
    if len(kept) != len(parameters):
        node.value["parameters"] = kept


@rule(
    "path-template-name",
    "a {placeholder} never reaches the wire (only its value does); one openapi-python-client "
    "cannot template ({user.id}), or written in another case than its parameter ({userId} for "
    "userid), is renamed in the path and the parameter alike",
    kinds={"path-item"},
    restructures=True,
)
def path_template_name(node: Node, ctx: Context) -> None:
    template = _template(node)
    if template is None:
        return
    declared = _declared_path_parameters(node, ctx)
    renames: dict[str, str] = {}
    for name in dict.fromkeys(_PATH_TEMPLATE.findall(template)):
        target = name
        if name not in declared:
            matches = [d for d in declared if d.lower() == name.lower()]
            target = matches[0] if len(matches) == 1 else name
        if not _TEMPLATABLE.match(target):
            target = re.sub(r"[^a-zA-Z0-9_-]+", "_", target).strip("_") or "param"
            if target[0].isdigit():
                target = f"p_{target}"
        if target != name:
            renames[name] = target
    if not renames:
        return
    fixed = _PATH_TEMPLATE.sub(lambda m: "{" + renames.get(m.group(1), m.group(1)) + "}", template)
    if fixed in ctx.document["paths"]:
        return  # another path already has that shape: left for the validate stage
    for _, owner in _owners(node):
        for parameter in owner.get("parameters") or []:
            resolved = resolve(ctx.document, parameter)
            if isinstance(resolved, dict) and resolved.get("in") == "path":
                old = resolved.get("name")
                if not isinstance(old, str):
                    continue
                by_case = {k.lower(): v for k, v in renames.items()}
                new = renames.get(old) or by_case.get(old.lower())
                if new is not None and new != old:
                    resolved["name"] = new
    paths = ctx.document["paths"]
    paths[fixed] = paths.pop(template)
    ctx.record(("paths", template), before=template, after=fixed)


def _declared_path_parameters(node: Node, ctx: Context) -> set[str]:
    names: set[str] = set()
    for _, owner in _owners(node):
        names |= _path_parameter_names(ctx, owner.get("parameters"))
    return names


@rule(
    "path-parameter-not-in-path",
    "a path parameter the path template has no {placeholder} for can never be sent; it is "
    "removed (the validator and the generator both refuse it)",
    kinds={"path-item"},
    restructures=True,
)
def path_parameter_not_in_path(node: Node, ctx: Context) -> None:
    template = _template(node)
    if template is None:
        return
    names = set(_PATH_TEMPLATE.findall(template))
    _filter_parameters(
        node,
        ctx,
        lambda parameter, _: (
            isinstance(parameter, dict)
            and parameter.get("in") == "path"
            and parameter.get("name") not in names
        ),
    )


@rule(
    "path-parameter-undeclared",
    "a {placeholder} in the path with no parameter for it is still a path parameter: it is "
    "declared as a required string, the form every path segment has on the wire",
    kinds={"path-item"},
)
def path_parameter_undeclared(node: Node, ctx: Context) -> None:
    template = _template(node)
    if template is None:
        return
    names = list(dict.fromkeys(_PATH_TEMPLATE.findall(template)))
    shared = _path_parameter_names(ctx, node.value.get("parameters"))
    for method in HTTP_METHODS:
        operation = node.value.get(method)
        if not isinstance(operation, dict):
            continue
        declared = shared | _path_parameter_names(ctx, operation.get("parameters"))
        for name in names:
            if name in declared:
                continue
            parameters = operation.setdefault("parameters", [])
            added = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            parameters.append(added)
            ctx.record((*node.path, method, "parameters", len(parameters) - 1), after=added)


def _path_parameter_names(ctx: Context, parameters: Any) -> set[str]:
    names = set()
    for parameter in parameters if isinstance(parameters, list) else []:
        resolved = resolve(ctx.document, parameter)
        if (
            isinstance(resolved, dict)
            and resolved.get("in") == "path"
            and isinstance(resolved.get("name"), str)
        ):
            names.add(resolved["name"])
    return names


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
    "parameter-without-schema",
    "a parameter with neither schema nor content is skipped by the generator; every parameter is "
    "a string on the wire, and is declared as one",
    kinds={"parameter"},
)
def parameter_without_schema(node: Node, ctx: Context) -> None:
    parameter = node.value
    if "schema" in parameter or "content" in parameter or parameter.get("in") not in _LOCATIONS:
        return
    # Swagger 2.0 wrote the schema's keywords on the parameter itself: they move into the schema.
    legacy = {key: parameter.pop(key) for key in _SWAGGER_SCHEMA_KEYWORDS if key in parameter}
    schema: dict[str, Any] = legacy if "type" in legacy else {"type": "string", **legacy}
    parameter["schema"] = schema
    ctx.record(node.path, before=legacy or ABSENT, after={"schema": schema})


_LOCATIONS = ("query", "header", "path", "cookie")
_SWAGGER_SCHEMA_KEYWORDS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)


@rule(
    "header-parameter-type",
    "openapi-python-client sends only str, int, float and bool header parameters; an array, "
    "object, date, constant or untyped header is sent as the string a caller gives (arrays as "
    "OpenAPI's simple style makes them: values joined by commas)",
    kinds={"parameter"},
)
def header_parameter_type(node: Node, ctx: Context) -> None:
    parameter = node.value
    schema = parameter.get("schema")
    if parameter.get("in") != "header" or not isinstance(schema, dict) or "$ref" in schema:
        return
    kind = schema.get("type")
    kinds = set(kind) - {"null"} if isinstance(kind, list) else {kind}
    sendable = (
        len(kinds) == 1
        and kinds <= _HEADER_SCALARS
        and schema.get("format") not in ("date", "date-time", "uuid", "binary")
        and not any(key in schema for key in ("const", "anyOf", "oneOf", "allOf"))
    )
    if sendable:
        return
    replacement: dict[str, Any] = {"type": "string"}
    if "const" in schema and isinstance(schema["const"], str):
        replacement["enum"] = [schema["const"]]
    for key in ("description", "enum", "default"):
        if key in schema and key not in replacement and kinds <= {"string"}:
            replacement[key] = schema[key]
    parameter["schema"] = replacement
    ctx.record((*node.path, "schema"), before=schema, after=replacement)


@rule(
    "path-parameter-nullable",
    "a path parameter cannot be null (the path needs a segment); a null in its type is dropped",
    kinds={"parameter"},
)
def path_parameter_nullable(node: Node, ctx: Context) -> None:
    schema = node.value.get("schema")
    if node.value.get("in") != "path" or not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [value for value in kind if value != "null"]
        before = dict(schema)
        schema["type"] = rest[0] if len(rest) == 1 else rest
        ctx.record((*node.path, "schema"), before=before, after=dict(schema))
    elif schema.get("nullable") is True:
        before = dict(schema)
        del schema["nullable"]
        ctx.record((*node.path, "schema"), before=before, after=dict(schema))


@rule(
    "required-parameter-default",
    "a required parameter is always given by the caller, so its default is never used (and the "
    "generator would put an argument with a default before ones without, which is no valid "
    "Python); the default is kept as x-default",
    kinds={"parameter"},
)
def required_parameter_default(node: Node, ctx: Context) -> None:
    schema = node.value.get("schema")
    required = node.value.get("required") is True or node.value.get("in") == "path"
    if required and isinstance(schema, dict) and "default" in schema:
        target = extension_key(schema, "default")
        value = schema[target] = schema.pop("default")
        ctx.record((*node.path, "schema"), before={"default": value}, after={target: value})
