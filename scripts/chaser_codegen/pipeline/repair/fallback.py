"""The fallback net: what no repair rule covers degrades at the smallest unit that contains it.

A spec is refused whole only when it cannot be read as a whole (not JSON or YAML, not OpenAPI
3.x, no usable paths). Anything else wrong, in one place, costs only that place: a construct
nobody has written a rule for, an error the validator reports, a schema openapi-python-client
rejects or crashes on. The place is located (a JSON path into the document) and the smallest
unit that contains it loses its types, one step at a time while the fault persists:

    a property's schema -> the schema that holds it (a component, or an operation's schema)
      -> the response, request body or parameter it belongs to -> the operation's own types

A schema becomes "any value" (an object, if it was one; its description kept), a response or
a body "any JSON" (the raw response stays at hand), a parameter the string the caller gives.
The operation itself is never dropped: the SDK still has the method, typed as far as it can be.
Every fallback is recorded with its pointer and why, like any other repair.
"""

from __future__ import annotations

import copy
from typing import Any

from ...errors import json_pointer
from ...layout import HTTP_METHODS
from ...refs import MISSING, lookup, resolve
from .log import RepairLog
from .rule import named
from .walk import ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS

Path = tuple[str | int, ...]

SCHEMA_FALLBACK_ANY = named(
    "schema-fallback-any",
    "a schema the generator cannot express by any rule accepts any value (an object, if it was "
    "one), so that nothing that uses it is dropped",
)
RESPONSE_FALLBACK_ANY = named(
    "response-fallback-any",
    "a response the generator cannot type is parsed as Any (the raw response stays at hand), "
    "instead of the operation losing it",
)
BODY_FALLBACK_ANY = named(
    "body-fallback-any",
    "a request body the generator cannot type is taken as any JSON value (or any form object), "
    "instead of the operation being dropped",
)
PARAMETER_FALLBACK_STRING = named(
    "parameter-fallback-string",
    "a parameter the generator cannot type is sent as the string the caller gives, the form "
    "every parameter has on the wire",
)
OPERATION_FALLBACK_UNTYPED = named(
    "operation-fallback-untyped",
    "an operation whose part at fault could not be singled out keeps its method with every "
    "parameter a string, its body and its responses any JSON (the raw response at hand)",
)
FIELD_SET_ASIDE = named(
    "invalid-field-set-aside",
    "a field of an OpenAPI object (not a schema) whose value is not what OpenAPI allows, and that "
    "no rule repairs, is kept as an x- extension, so the rest of its object is read",
)

# What a schema keeps when it falls back: what documents it, and that it may be null.
_SCHEMA_KEEPS = ("description", "title", "nullable", "readOnly", "writeOnly", "deprecated")


EXAMPLE_SET_ASIDE = named(
    "example-set-aside",
    "an example (documentation only: nothing is typed from it) that is invalid or refers to "
    "nothing is removed, so that the body, parameter or response it illustrates keeps its types",
)


def units_containing(document: dict[str, Any], path: Path) -> list[Path]:
    """The units that contain `path`, smallest first, that a fallback can make untyped."""
    units: list[Path] = []
    # An example entry (`examples: {name: ...}` of a media type, parameter or header) first: it
    # only documents, and what it documents need not lose its types for it.
    for index in range(len(path) - 1, 0, -1):
        if (
            path[index - 1] == "examples"
            and "schema" not in path[:index]
            and path[:2] != ("components", "examples")
        ):
            units.append(path[: index + 1])
            break
    # Every schema on the way down, innermost first: a property's schema, then its model's.
    schema_paths = _schema_prefixes(path)
    units.extend(reversed(schema_paths))
    if path[:1] == ("paths",) and len(path) >= 3 and path[2] in HTTP_METHODS:
        operation = path[:3]
        rest = path[3:]
        if rest[:1] == ("responses",) and len(rest) >= 2:
            units.append((*operation, "responses", rest[1]))
        elif rest[:1] == ("requestBody",):
            units.append((*operation, "requestBody"))
        elif rest[:1] == ("parameters",) and len(rest) >= 2:
            units.append((*operation, "parameters", rest[1]))
        units.append(operation)
    elif len(path) >= 3 and (path[:2] == ("components", "schemas") or path[:2] in _COMPONENT_STANDINS):
        units.append(path[:3])  # the component itself (deduplicated below)
    return [unit for index, unit in enumerate(units) if unit not in units[:index]]


def _schema_prefixes(path: Path) -> list[Path]:
    """The prefixes of `path` that are schemas, outermost first."""
    prefixes: list[Path] = []
    start = None
    if path[:2] == ("components", "schemas") and len(path) >= 3:
        start = 3
        prefixes.append(path[:3])
    elif "schema" in path:
        start = path.index("schema") + 1
        prefixes.append(path[:start])
    if start is None:
        return prefixes
    index = start
    while index < len(path):
        key = path[index]
        # The walk's keywords (one home): a list or a map of schemas takes the index or the name
        # after it; a keyword whose value is one schema, only itself. `items` is either.
        takes_a_name = key in SCHEMA_LISTS or key in SCHEMA_MAPS
        if takes_a_name and (key != "items" or (index + 1 < len(path) and isinstance(path[index + 1], int))):
            if index + 1 >= len(path):
                break
            index += 2
        elif key in ONE_SCHEMA:
            index += 1
        else:
            break
        prefixes.append(path[:index])
    return prefixes


def fall_back(document: dict[str, Any], unit: Path, log: RepairLog, why: str) -> bool:
    """Make `unit` untyped, recording it; False when there is nothing there to change."""
    if (
        len(unit) >= 2
        and unit[-2] == "examples"
        and "schema" not in unit
        and unit[:2] != ("components", "examples")
    ):
        return example_set_aside(document, unit, log, why)
    if len(unit) == 3 and unit[:2] in _COMPONENT_STANDINS:
        return component_fallback(document, unit, log, why)
    if unit[:1] == ("paths",) and len(unit) == 3:
        return operation_fallback(document, unit, log, why)
    if len(unit) == 5 and unit[:1] == ("paths",) and unit[3] == "responses":
        return response_fallback(document, unit, log, why)
    if len(unit) == 4 and unit[:1] == ("paths",) and unit[3] == "requestBody":
        return body_fallback(document, unit, log, why)
    if len(unit) == 5 and unit[:1] == ("paths",) and unit[3] == "parameters":
        return parameter_fallback(document, unit, log, why)
    return schema_fallback(document, unit, log, why)


# What an unreadable reusable component becomes: the same kind of object, untyped.
_COMPONENT_STANDINS: dict[tuple[str | int, ...], dict[str, Any]] = {
    ("components", "requestBodies"): {"content": {"application/json": {"schema": {}}}},
    ("components", "responses"): {"description": "", "content": {"application/json": {"schema": {}}}},
    ("components", "headers"): {"schema": {}},
    ("components", "examples"): {"value": None},
}


def component_fallback(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    """A request body, response, header or example component that cannot be read (a reference to
    nothing, a cycle) becomes an untyped one of its kind, so that what refers to it still reads."""
    section = lookup(document, json_pointer(*where[:2]))
    standin = _COMPONENT_STANDINS[where[:2]]
    if not isinstance(section, dict) or where[2] not in section or section[where[2]] == standin:
        return False
    before = section[where[2]]
    keep = {key: before[key] for key in ("description",) if isinstance(before, dict) and key in before}
    section[where[2]] = {**copy.deepcopy(standin), **keep}
    rule = {"responses": RESPONSE_FALLBACK_ANY, "requestBodies": BODY_FALLBACK_ANY}.get(
        str(where[1]), SCHEMA_FALLBACK_ANY
    )
    log.record(rule, where, before=_with_why(before, why), after=section[where[2]])
    return True


def example_set_aside(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    examples = lookup(document, json_pointer(*where[:-1]))
    if not isinstance(examples, dict) or where[-1] not in examples:
        return False
    before = examples.pop(where[-1])
    log.record(EXAMPLE_SET_ASIDE, where, before=_with_why(before, why))
    return True


def schema_fallback(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    node = lookup(document, json_pointer(*where))
    if node is not MISSING and not isinstance(node, dict | bool) and where:
        # Not a schema at all (`properties: {a: 5}`): in its place, one that accepts anything.
        parent = lookup(document, json_pointer(*where[:-1]))
        if isinstance(parent, dict | list):
            parent[where[-1]] = {}  # type: ignore[index]
            log.record(SCHEMA_FALLBACK_ANY, where, before=_with_why(node, why), after={})
            return True
    if not isinstance(node, dict) or not node:
        return False
    before = dict(node)
    object_like = node.get("type") == "object" or "properties" in node or "allOf" in node
    kept = {key: node[key] for key in _SCHEMA_KEEPS if key in node}
    if object_like:
        kept = {"type": "object", **kept}
    if kept == node:
        return False
    node.clear()
    node.update(kept)
    log.record(SCHEMA_FALLBACK_ANY, where, before=_with_why(before, why), after=dict(node))
    return True


def response_fallback(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    responses = lookup(document, json_pointer(*where[:-1]))
    if not isinstance(responses, dict) or where[-1] not in responses:
        return False
    response = resolve(document, responses[where[-1]])
    if not isinstance(response, dict):
        return False
    media_types = response.get("content") or {"application/json": {}}
    content: dict[str, Any] = {media: {"schema": {}} for media in media_types}
    replacement = {"description": response.get("description") or "", "content": content}
    before = responses[where[-1]]
    if before == replacement:
        return False
    responses[where[-1]] = replacement
    log.record(RESPONSE_FALLBACK_ANY, where, before=_with_why(before, why), after=replacement)
    return True


def body_fallback(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    operation = lookup(document, json_pointer(*where[:-1]))
    if not isinstance(operation, dict) or "requestBody" not in operation:
        return False
    body = resolve(document, operation["requestBody"])
    if not isinstance(body, dict):
        return False
    content: dict[str, Any] = {}
    for media in body.get("content") or {"application/json": {}}:
        form = str(media).startswith(("multipart/", "application/x-www-form-urlencoded"))
        content[media] = {"schema": {"type": "object"} if form else {}}
    # What the body says besides its content (its description, whether it is required), but
    # never a reference that did not resolve.
    replacement = {**{k: v for k, v in body.items() if k not in ("content", "$ref")}, "content": content}
    before = operation["requestBody"]
    if before == replacement:
        return False
    operation["requestBody"] = replacement
    log.record(BODY_FALLBACK_ANY, where, before=_with_why(before, why), after=replacement)
    return True


def parameter_fallback(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    holder = lookup(document, json_pointer(*where[:-1]))
    index = where[-1]
    if not isinstance(holder, list) or not isinstance(index, int) or index >= len(holder):
        return False
    parameter = resolve(document, holder[index])
    if not isinstance(parameter, dict):
        return False
    replacement = {k: v for k, v in parameter.items() if k not in ("schema", "content")}
    replacement["schema"] = {"type": "string"}
    before = holder[index]
    if before == replacement:
        return False
    holder[index] = replacement
    log.record(PARAMETER_FALLBACK_STRING, where, before=_with_why(before, why), after=replacement)
    return True


def operation_fallback(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    """Every part of the operation untyped; its name, summary, tags and parameters' names kept."""
    operation = lookup(document, json_pointer(*where))
    if not isinstance(operation, dict):
        return False
    before = dict(operation)
    changed = False
    parameters = operation.get("parameters")
    if isinstance(parameters, list):
        for index in range(len(parameters)):
            changed |= _quietly(parameter_fallback, document, (*where, "parameters", index))
    if "requestBody" in operation:
        changed |= _quietly(body_fallback, document, (*where, "requestBody"))
    responses = operation.get("responses")
    if isinstance(responses, dict):
        for code in list(responses):
            if not str(code).startswith("x-"):
                changed |= _quietly(response_fallback, document, (*where, "responses", code))
    if changed:
        log.record(OPERATION_FALLBACK_UNTYPED, where, before=_with_why(before, why), after=dict(operation))
    return changed


def set_field_aside(document: dict[str, Any], where: Path, log: RepairLog, why: str = "") -> bool:
    """Keep an invalid field of an OpenAPI object as `x-<field>`."""
    from .naming import extension_key

    holder = lookup(document, json_pointer(*where[:-1]))
    key = where[-1]
    if not isinstance(holder, dict) or key not in holder or not isinstance(key, str) or key.startswith("x-"):
        return False
    if key == "$ref":
        return False  # a reference is never renamed: what it points at would be lost silently
    if _is_map(where[:-1]):
        return False  # an entry of a map (a component, a path, a status code) is no field
    target = extension_key(holder, key)
    holder[target] = holder.pop(key)
    log.record(
        FIELD_SET_ASIDE, where, before=_with_why({key: holder[target]}, why), after={target: holder[target]}
    )
    return True


# Objects whose keys are names, not fields: their entries are never set aside as x- fields.
_MAP_KEYS = frozenset(
    {"paths", "responses", "properties", "patternProperties", "content", "headers", "examples",
     "encoding", "callbacks", "links", "variables", "mapping", "scopes", "webhooks", "$defs",
     "definitions", "securitySchemes"}
)  # fmt: skip


def _is_map(holder: Path) -> bool:
    if holder[:1] == ("components",) and len(holder) == 2:
        return True
    return bool(holder) and holder[-1] in _MAP_KEYS


def _quietly(fallback: Any, document: dict[str, Any], where: Path) -> bool:
    """A part of an operation fallback: recorded once, as the operation's."""
    return bool(fallback(document, where, RepairLog()))


def _with_why(before: Any, why: str) -> Any:
    """The value before, and (when known) what was wrong with it, for the report."""
    if not why:
        return before
    return {"value": before, "why": " ".join(why.split())[:300]}
