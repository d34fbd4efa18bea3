"""Repairs to OpenAPI objects: status-code keys, fields they may not have, media types."""

from __future__ import annotations

import re
from typing import Any

from ... import directives
from ...errors import json_pointer
from ...refs import lookup, pointer_parts
from .log import ABSENT
from .metaschema import allowed_fields
from .naming import extension_key
from .rule import Context, rule
from .walk import Node

_LOWER_RANGE = re.compile(r"^[1-5]xx$")


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


_STATUS_KEY = re.compile(r"^(default|[1-5](\d\d|XX))$")


@rule(
    "response-key-invalid",
    "a responses key that is no status code, range or `default` (`200 OK`, `2xxx`) describes no "
    "response a client can get; it is kept as an x- extension",
    kinds={"responses"},
    restructures=True,
)
def response_key_invalid(node: Node, ctx: Context) -> None:
    responses: dict[Any, Any] = node.value
    for key in list(responses):
        if not isinstance(key, str) or _STATUS_KEY.match(key) or key.startswith("x-"):
            continue
        target = extension_key(responses, key)
        responses[target] = responses.pop(key)
        ctx.record((*node.path, key), before=key, after=target)


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
        "contact",
        "license",
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
        if key == "$ref":
            continue  # never renamed: what it points at would be lost; the validator names it
        target = extension_key(node.value, key)
        value = node.value.pop(key)
        node.value[target] = value
        ctx.record(node.path, before={key: value}, after={target: value})


@rule(
    "license-url-and-identifier",
    "a 3.1 License Object has a url or an SPDX identifier, not both; the url is kept and the "
    "identifier moves to x-identifier",
    kinds={"license"},
    versions={"3.1"},
)
def license_url_and_identifier(node: Node, ctx: Context) -> None:
    if "url" in node.value and "identifier" in node.value:
        target = extension_key(node.value, "identifier")
        identifier = node.value[target] = node.value.pop("identifier")
        ctx.record(node.path, before={"identifier": identifier}, after={target: identifier})


@rule(
    "header-without-schema",
    "a response header with neither schema nor content is a string (every header is, on the "
    "wire), and is declared as one",
    kinds={"header"},
)
def header_without_schema(node: Node, ctx: Context) -> None:
    if "schema" not in node.value and "content" not in node.value:
        node.value["schema"] = {"type": "string"}
        ctx.record((*node.path, "schema"), after={"type": "string"})


@rule(
    "media-type-without-schema",
    "a media type without a schema says nothing about the body: JSON of any shape, or bytes for "
    "other types (the generator skips a body it has no schema for)",
    kinds={"media-type"},
)
def media_type_without_schema(node: Node, ctx: Context) -> None:
    if "schema" in node.value or len(node.path) < 2 or node.path[-2] != "content":
        return
    media = str(node.path[-1]).split(";")[0].strip().lower()
    is_json = media in ("application/json", "*/*") or media.endswith("+json")
    schema: dict[str, Any] = {} if is_json else {"type": "string", "format": "binary"}
    node.value["schema"] = schema
    ctx.record((*node.path, "schema"), after=schema)


def _text(value: Any) -> str:
    """A scalar as the text it was written as: YAML reads `version: 1.0` as the float 1.0."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Fields whose value OpenAPI defines as a string, by the kind of object that holds them.
_STRING_FIELDS = {
    "info": ("title", "version", "description", "summary", "termsOfService"),
    "operation": ("operationId", "summary", "description"),
    "parameter": ("name", "description"),
    "response": ("description",),
    "tag": ("name", "description"),
    "schema": ("title", "description", "format", "pattern"),
}


@rule(
    "scalar-not-string",
    "a version, operationId, name or description written unquoted in YAML (1.0, 123, yes) is read "
    "as a number or a boolean; OpenAPI says it is a string, and the text is what the author wrote",
    kinds=set(_STRING_FIELDS),
)
def scalar_not_string(node: Node, ctx: Context) -> None:
    for field in _STRING_FIELDS[node.kind]:
        value = node.value.get(field)
        if isinstance(value, bool | int | float) and not (node.kind == "schema" and field == "format"):
            node.value[field] = _text(value)
            ctx.record((*node.path, field), before=value, after=node.value[field])


@rule(
    "response-missing-description",
    "a Response Object must have a description; an empty one says as much as a missing one, and "
    "makes the document valid",
    kinds={"response"},
)
def response_missing_description(node: Node, ctx: Context) -> None:
    if "description" not in node.value:
        node.value["description"] = ""
        ctx.record((*node.path, "description"), after="")


@rule(
    "operation-without-responses",
    "an operation must list its responses; one that lists none answers with something "
    "undocumented, which `default` says",
    kinds={"operation"},
)
def operation_without_responses(node: Node, ctx: Context) -> None:
    responses = node.value.get("responses")
    if not isinstance(responses, dict) or not any(not str(key).startswith("x-") for key in responses):
        added = {"default": {"description": ""}}
        node.value["responses"] = {**(responses if isinstance(responses, dict) else {}), **added}
        before = responses if responses is not None else ABSENT
        ctx.record((*node.path, "responses"), before=before, after=node.value["responses"])


@rule(
    "response-schema-reference",
    "a response that is a $ref to a schema (not to components/responses) means a JSON response of "
    "that schema, and is written as one",
    kinds={"reference"},
)
def response_schema_reference(node: Node, ctx: Context) -> None:
    if len(node.path) < 2 or node.path[-2] != "responses" or str(node.path[-1]).startswith("x-"):
        return
    ref = node.value["$ref"]
    parts = pointer_parts(ref)
    if not parts or parts[:2] != ["components", "schemas"]:
        return
    parent = lookup(ctx.document, json_pointer(*node.path[:-1]))
    if not isinstance(parent, dict):
        return
    replacement = {"description": "", "content": {"application/json": {"schema": {"$ref": ref}}}}
    parent[node.path[-1]] = replacement
    ctx.record(node.path, before=node.value, after=replacement)


@rule(
    "vendor-extension-not-a-directive",
    "a vendor's extension with the plain name of one of our directives (`x-pagination`, `x-waiters`, "
    "`x-sdk-name`...) is the vendor's, with the vendor's meaning: it is reported, left as it is, and "
    "never read as ours (ours are `x-chaser-*`)",
    kinds={"document", "path-item", "operation", "parameter", "schema"},
)
def vendor_extension_not_a_directive(node: Node, ctx: Context) -> None:
    for key in node.value:
        if key in directives.LOOKALIKES:
            # Reported only: the value stays where the vendor put it, and nothing reads it.
            ctx.record((*node.path, key), before=node.value[key], after=node.value[key])
