"""Every object of an OpenAPI 3.0 or 3.1 document, with its kind and its location.

Rules ask for the kinds they repair ("operation", "parameter", "schema", ...). The walk follows
the structure the OpenAPI specification defines, so that a rule never mistakes a property
*named* `nullable` or `title` for the keyword. A Reference Object (`$ref`) outside a schema is
yielded as kind "reference" and not followed: what it points at is walked where it is defined.
A schema with a `$ref` is still a schema (3.1 allows siblings next to `$ref`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...layout import HTTP_METHODS

Path = tuple[str | int, ...]

# Schema keywords whose value is one schema, a list of schemas, or a map of name -> schema.
ONE_SCHEMA = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
)
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA_KEYWORDS = frozenset((*ONE_SCHEMA, *SCHEMA_LISTS, *SCHEMA_MAPS))

# components/<key> -> the kind of each entry.
_COMPONENT_KINDS = {
    "schemas": "schema",
    "responses": "response",
    "parameters": "parameter",
    "examples": "example",
    "requestBodies": "request-body",
    "headers": "header",
    "securitySchemes": "security-scheme",
    "links": "link",
    "callbacks": "callback",
    "pathItems": "path-item",
}


@dataclass(frozen=True, slots=True)
class Node:
    kind: str
    path: Path
    value: dict[str, Any]
    # For a "reference": the kind of object it stands for ("parameter", "response"...).
    refers_to: str = ""


def walk(document: dict[str, Any]) -> list[Node]:
    """Every object of the document, parents before their children, in document order."""
    return list(_document(document))


def is_reference(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


def _document(document: dict[str, Any]) -> Iterator[Node]:
    yield Node("document", (), document)
    info = document.get("info")
    if isinstance(info, dict):
        yield Node("info", ("info",), info)
        for kind in ("contact", "license"):
            if isinstance(info.get(kind), dict):
                yield Node(kind, ("info", kind), info[kind])
    yield from _servers(document.get("servers"), ("servers",))
    yield from _external_docs(document.get("externalDocs"), ("externalDocs",))
    for index, tag in _items(document.get("tags")):
        if isinstance(tag, dict):
            yield Node("tag", ("tags", index), tag)
            yield from _external_docs(tag.get("externalDocs"), ("tags", index, "externalDocs"))
    paths = document.get("paths")
    if isinstance(paths, dict):
        yield Node("paths", ("paths",), paths)
        for template, item in _entries(paths):
            if not str(template).startswith("x-"):
                yield from _path_item(item, ("paths", template))
    for name, item in _entries(document.get("webhooks")):
        yield from _path_item(item, ("webhooks", name))
    components = document.get("components")
    if isinstance(components, dict):
        yield Node("components", ("components",), components)
        for section, kind in _COMPONENT_KINDS.items():
            for name, value in _entries(components.get(section)):
                yield from _by_kind(kind, value, ("components", section, name))


def _by_kind(kind: str, value: Any, path: Path) -> Iterator[Node]:
    walkers = {
        "schema": _schema,
        "response": _response,
        "parameter": _parameter,
        "example": _leaf("example"),
        "request-body": _request_body,
        "header": _header,
        "security-scheme": _leaf("security-scheme"),
        "link": _leaf("link"),
        "callback": _callback,
        "path-item": _path_item,
    }
    yield from walkers[kind](value, path)


def _leaf(kind: str) -> Any:
    def walker(value: Any, path: Path) -> Iterator[Node]:
        if is_reference(value):
            yield Node("reference", path, value, kind)
        elif isinstance(value, dict):
            yield Node(kind, path, value)

    return walker


def _path_item(item: Any, path: Path) -> Iterator[Node]:
    if not isinstance(item, dict):
        return
    # A Path Item may carry a $ref *and* operations (3.0 allows both); walk what is here.
    yield Node("path-item", path, item)
    yield from _servers(item.get("servers"), (*path, "servers"))
    for index, parameter in _items(item.get("parameters")):
        yield from _parameter(parameter, (*path, "parameters", index))
    for method in HTTP_METHODS:
        operation = item.get(method)
        if isinstance(operation, dict):
            yield from _operation(operation, (*path, method))


def _operation(operation: dict[str, Any], path: Path) -> Iterator[Node]:
    yield Node("operation", path, operation)
    yield from _external_docs(operation.get("externalDocs"), (*path, "externalDocs"))
    yield from _servers(operation.get("servers"), (*path, "servers"))
    for index, parameter in _items(operation.get("parameters")):
        yield from _parameter(parameter, (*path, "parameters", index))
    if "requestBody" in operation:
        yield from _request_body(operation["requestBody"], (*path, "requestBody"))
    responses = operation.get("responses")
    if isinstance(responses, dict):
        yield Node("responses", (*path, "responses"), responses)
        for code, response in responses.items():
            if isinstance(code, str) and code.startswith("x-"):
                continue
            yield from _response(response, (*path, "responses", code))
    for name, callback in _entries(operation.get("callbacks")):
        yield from _callback(callback, (*path, "callbacks", name))


def _callback(callback: Any, path: Path) -> Iterator[Node]:
    if is_reference(callback):
        yield Node("reference", path, callback, "callback")
        return
    if not isinstance(callback, dict):
        return
    yield Node("callback", path, callback)
    for expression, item in _entries(callback):
        if not str(expression).startswith("x-"):
            yield from _path_item(item, (*path, expression))


def _parameter(parameter: Any, path: Path) -> Iterator[Node]:
    if is_reference(parameter):
        yield Node("reference", path, parameter, "parameter")
        return
    if not isinstance(parameter, dict):
        return
    yield Node("parameter", path, parameter)
    yield from _schema_and_content(parameter, path)
    for name, example in _entries(parameter.get("examples")):
        yield from _leaf("example")(example, (*path, "examples", name))


def _header(header: Any, path: Path) -> Iterator[Node]:
    if is_reference(header):
        yield Node("reference", path, header, "header")
        return
    if isinstance(header, dict):
        yield Node("header", path, header)
        yield from _schema_and_content(header, path)


def _schema_and_content(owner: dict[str, Any], path: Path) -> Iterator[Node]:
    if "schema" in owner:
        yield from _schema(owner["schema"], (*path, "schema"))
    yield from _content(owner.get("content"), (*path, "content"))


def _request_body(body: Any, path: Path) -> Iterator[Node]:
    if is_reference(body):
        yield Node("reference", path, body, "request-body")
        return
    if isinstance(body, dict):
        yield Node("request-body", path, body)
        yield from _content(body.get("content"), (*path, "content"))


def _response(response: Any, path: Path) -> Iterator[Node]:
    if is_reference(response):
        yield Node("reference", path, response, "response")
        return
    if not isinstance(response, dict):
        return
    yield Node("response", path, response)
    for name, header in _entries(response.get("headers")):
        yield from _header(header, (*path, "headers", name))
    yield from _content(response.get("content"), (*path, "content"))
    for name, link in _entries(response.get("links")):
        yield from _leaf("link")(link, (*path, "links", name))


def _content(content: Any, path: Path) -> Iterator[Node]:
    for media, media_type in _entries(content):
        if not isinstance(media_type, dict):
            continue
        where = (*path, media)
        yield Node("media-type", where, media_type)
        if "schema" in media_type:
            yield from _schema(media_type["schema"], (*where, "schema"))
        for name, example in _entries(media_type.get("examples")):
            yield from _leaf("example")(example, (*where, "examples", name))
        for name, encoding in _entries(media_type.get("encoding")):
            if isinstance(encoding, dict):
                yield Node("encoding", (*where, "encoding", name), encoding)
                for header_name, header in _entries(encoding.get("headers")):
                    yield from _header(header, (*where, "encoding", name, "headers", header_name))


def _schema(schema: Any, path: Path) -> Iterator[Node]:
    # Schemas nest deepest and are most of a large document: they are collected into a list by
    # plain recursion, which is several times faster than a chain of nested generators.
    found: list[Node] = []
    _collect_schemas(schema, path, found)
    return iter(found)


def _collect_schemas(schema: Any, path: Path, found: list[Node]) -> None:
    if not isinstance(schema, dict):
        return  # a boolean schema (3.1), or garbage the validator will name
    found.append(Node("schema", path, schema))
    if _SUBSCHEMA_KEYWORDS.isdisjoint(schema):
        return  # a leaf, as most schemas are
    for keyword in ONE_SCHEMA:
        value = schema.get(keyword)
        if isinstance(value, dict):
            _collect_schemas(value, (*path, keyword), found)
    for keyword in SCHEMA_LISTS:
        values = schema.get(keyword)
        if isinstance(values, list):
            for index, value in enumerate(values):
                _collect_schemas(value, (*path, keyword, index), found)
    for keyword in SCHEMA_MAPS:
        values = schema.get(keyword)
        if isinstance(values, dict):
            for name, value in list(values.items()):
                _collect_schemas(value, (*path, keyword, name), found)


def _servers(servers: Any, path: Path) -> Iterator[Node]:
    for index, server in _items(servers):
        if isinstance(server, dict):
            yield Node("server", (*path, index), server)


def _external_docs(docs: Any, path: Path) -> Iterator[Node]:
    if isinstance(docs, dict):
        yield Node("external-docs", path, docs)


def _entries(mapping: Any) -> Iterator[tuple[Any, Any]]:
    """The entries of a map. Callers skip `x-` keys where the object allows extensions (paths,
    responses, callbacks); elsewhere (properties, components) an `x-` key is a plain name."""
    if isinstance(mapping, dict):
        yield from list(mapping.items())


def _items(sequence: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(sequence, list):
        yield from enumerate(sequence)
