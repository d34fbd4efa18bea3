"""Repairs to paths and references: the shape the later rules walk the document in.

These run first: the later rules need the paths, the components and the references in the
shape OpenAPI defines, and openapi-python-client resolves only references to whole components.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ...errors import json_pointer
from ...refs import component_ref, lookup, pointer_parts, resolve
from .naming import context_name, taken_names, unique_name
from .rule import Context, rule
from .walk import Node, walk

# OpenAPI's own rule for component keys (every version): ^[a-zA-Z0-9.\-_]+$
_COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9.\-_]+$")
MAX_REFERENCE_ROUNDS = 16


@rule(
    "no-paths",
    "a document of schemas only (a 3.1 document may have no paths, a 3.0 one must) gets an empty "
    "paths object: a package of models and a client with no methods",
    kinds={"document"},
    restructures=True,
)
def no_paths(node: Node, ctx: Context) -> None:
    # A document with neither paths nor components has nothing to generate: the validate stage
    # refuses it.
    if "paths" not in node.value and (node.value.get("components") or node.value.get("webhooks")):
        node.value["paths"] = {}
        ctx.record(("paths",), after={})


@rule(
    "path-without-slash",
    "a path must start with `/` (it is appended to the server URL); a tolerant client adds it",
    kinds={"paths"},
    restructures=True,
)
def path_without_slash(node: Node, ctx: Context) -> None:
    paths = node.value
    for template in list(paths):
        if isinstance(template, str) and not template.startswith(("/", "x-")) and f"/{template}" not in paths:
            fixed = f"/{template}"
            paths[fixed] = paths.pop(template)
            ctx.record(("paths", template), before=template, after=fixed)


@rule(
    "path-item-reference",
    "openapi-python-client generates nothing for a path whose item is a $ref (to components/"
    "pathItems or another path): the item it refers to is copied in place",
    kinds={"paths"},
    restructures=True,
)
def path_item_reference(node: Node, ctx: Context) -> None:
    for template, item in list(node.value.items()):
        ref = item.get("$ref") if isinstance(item, dict) else None
        if not isinstance(ref, str):
            continue
        target = lookup(ctx.document, ref)
        if not isinstance(target, dict) or "$ref" in target:
            continue  # dangling, or a chain: the validate stage names it
        merged = {**copy.deepcopy(target), **{k: v for k, v in item.items() if k != "$ref"}}
        node.value[template] = merged
        ctx.record(("paths", template), before=item, after={"copy of": ref})


@rule(
    "callback-reference",
    "openapi-python-client's parser refuses the whole document when a callback is a $ref (to "
    "components/callbacks); the callback it refers to is copied in place",
    kinds={"operation"},
)
def callback_reference(node: Node, ctx: Context) -> None:
    callbacks = node.value.get("callbacks")
    if not isinstance(callbacks, dict):
        return
    for name, callback in list(callbacks.items()):
        for expression, item in list(callback.items()) if isinstance(callback, dict) else []:
            # Both shapes occur: the callback itself a $ref, or its path item a $ref.
            if expression == "$ref" and isinstance(item, str):
                target = lookup(ctx.document, item)
                if isinstance(target, dict):
                    callbacks[name] = copy.deepcopy(target)
                    ctx.record((*node.path, "callbacks", name), before=callback, after={"copy of": item})
                break
            ref = item.get("$ref") if isinstance(item, dict) else None
            target = lookup(ctx.document, ref) if isinstance(ref, str) else None
            if isinstance(target, dict):
                callback[expression] = copy.deepcopy(target)
                ctx.record((*node.path, "callbacks", name, expression), before=item, after={"copy of": ref})


@rule(
    "reference-inlined",
    "openapi-python-client follows a response, parameter or body $ref only to a component; one "
    "that points elsewhere (into another operation: #/paths/~1a/get/responses/404) is replaced by "
    "what it points at",
    kinds={"reference"},
    restructures=True,
)
def reference_inlined(node: Node, ctx: Context) -> None:
    ref = node.value["$ref"]
    parts = pointer_parts(ref)
    if parts is None or (parts and parts[0] == "components"):
        return  # a component (of the wrong kind, perhaps: later rules see to that)
    target = lookup(ctx.document, ref)
    if not isinstance(target, dict) or "$ref" in target:
        return  # dangling or a chain: the validate stage names it
    parent = lookup(ctx.document, json_pointer(*node.path[:-1]))
    if isinstance(parent, dict | list):
        parent[node.path[-1]] = copy.deepcopy(target)  # type: ignore[index]
        ctx.record(node.path, before=node.value, after={"copy of": ref})


@rule(
    "component-reference-inlined",
    "a parameter, response, request body or header component that is itself only a $ref to "
    "another component (`components.parameters.limit: {$ref: '#/components/parameters/Limit'}`) "
    "is replaced by what it points at: openapi-python-client reads a component, never a reference "
    "in its place ('Reference parameters are not supported'), and drops every operation that uses it",
    kinds={"reference"},
    restructures=True,
)
def component_reference_inlined(node: Node, ctx: Context) -> None:
    path = node.path
    if len(path) != 3 or path[0] != "components" or path[1] not in _INLINED_SECTIONS:
        return
    target = resolve(ctx.document, node.value)
    if not isinstance(target, dict) or "$ref" in target:
        return  # dangling or a cycle: the validate stage names it, the fallback net degrades it
    ctx.document["components"][path[1]][path[2]] = copy.deepcopy(target)
    ctx.record(path, before=node.value, after={"copy of": node.value["$ref"]})


_INLINED_SECTIONS = frozenset({"parameters", "responses", "requestBodies", "headers"})


@rule(
    "swagger-definitions-reference",
    "`#/definitions/X` is where Swagger 2.0 kept schemas; in a converted document the schema is "
    "`#/components/schemas/X`, and the reference is pointed there when that schema exists",
    kinds={"schema"},
)
def swagger_definitions_reference(node: Node, ctx: Context) -> None:
    ref = node.value.get("$ref")
    parts = pointer_parts(ref) if isinstance(ref, str) else None
    if parts and len(parts) == 2 and parts[0] == "definitions":
        schemas = (ctx.document.get("components") or {}).get("schemas") or {}
        if parts[1] in schemas and not isinstance(ctx.document.get("definitions"), dict):
            node.value["$ref"] = component_ref("schemas", parts[1])
            ctx.record((*node.path, "$ref"), before=ref, after=node.value["$ref"])


@rule(
    "component-key",
    "a component key may hold only letters, digits and . - _ (OpenAPI); a key with spaces or "
    "brackets (`Page[User]`, `Foo Bar`) is renamed, and every $ref to it, encoded or not, follows",
    kinds={"components"},
    restructures=True,
)
def component_key(node: Node, ctx: Context) -> None:
    renames: dict[str, str] = {}
    for section, entries in node.value.items():
        if not isinstance(entries, dict) or str(section).startswith("x-"):
            continue
        for key in list(entries):
            if isinstance(key, str) and _COMPONENT_KEY.match(key):
                continue
            new = re.sub(r"[^a-zA-Z0-9.\-_]+", "_", str(key)).strip("_") or "Component"
            while new in entries:
                new += "_"
            entries[new] = entries.pop(key)
            renames[component_ref(section, str(key))] = component_ref(section, new)
            ctx.record(("components", section, key), before=key, after=new)
    if renames:
        _rewrite_refs(ctx.document, renames)


def _rewrite_refs(document: dict[str, Any], renames: dict[str, str]) -> None:
    """Point every $ref (written plainly or percent-encoded) at its component's new key."""
    from urllib.parse import unquote

    stack: list[Any] = [document]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                target = renames.get(ref) or renames.get(unquote(ref))
                if target is not None:
                    current["$ref"] = target
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


@rule(
    "deep-reference",
    "openapi-python-client resolves only references to whole components; a $ref into the middle "
    "of one (#/components/schemas/A/definitions/b, #/components/parameters/p/schema) points at a "
    "schema that becomes a component of its own, referred to instead",
    kinds={"document"},
    restructures=True,
)
def deep_reference(node: Node, ctx: Context) -> None:
    document = ctx.document
    hoisted: dict[str, str] = {}  # deep $ref -> the component ref that replaces it
    for _ in range(MAX_REFERENCE_ROUNDS):
        deep = [n for n in walk(document) if n.kind == "schema" and _is_deep_schema_ref(n.value.get("$ref"))]
        pending = [n for n in deep if isinstance(lookup(document, n.value["$ref"]), dict)]
        if not pending:
            return
        for schema in pending:
            ref = schema.value["$ref"]
            if ref not in hoisted:
                name = _component_name_for(document, ref)
                target = copy.deepcopy(lookup(document, ref))
                document.setdefault("components", {}).setdefault("schemas", {})[name] = target
                hoisted[ref] = component_ref("schemas", name)
                ctx.record(("components", "schemas", name), after={"copy of": ref})
            schema.value["$ref"] = hoisted[ref]
            ctx.record((*schema.path, "$ref"), before=ref, after=hoisted[ref])


def _is_deep_schema_ref(ref: Any) -> bool:
    parts = pointer_parts(ref) if isinstance(ref, str) else None
    if parts is None or len(parts) < 2:
        return False  # external, or not a schema at all: left for the validate stage
    if parts[0] == "definitions" and len(parts) == 2:
        return False  # Swagger 2.0's location: swagger-definitions-reference's business
    return not (len(parts) == 3 and parts[:2] == ["components", "schemas"])


def _component_name_for(document: dict[str, Any], ref: str) -> str:
    return unique_name(context_name(pointer_parts(ref) or []) or "Schema", taken_names(document))
