"""Repairs to what a schema combines: unions next to properties, unions inside allOf, enums of
several types, and defaults on objects.

openapi-python-client loses these silently or refuses them: an object's own properties vanish
when it also has a oneOf, a oneOf inside an allOf is ignored, an enum of strings and integers
is refused. Each rule rewrites the schema into the equivalent form the generator reads.
"""

from __future__ import annotations

from typing import Any

from ...refs import component_ref, resolve
from .log import RepairLog
from .merge import ANNOTATIONS, merge_all_of, redefined_properties
from .naming import extension_key, hoist_name, taken_names
from .rule import Context, named, rule
from .walk import Node

_UNIONS = ("oneOf", "anyOf")
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties", "minProperties", "maxProperties")


def _is_union(schema: Any) -> bool:
    """A schema that is a oneOf/anyOf and nothing else (annotations and a discriminator aside)."""
    if not isinstance(schema, dict):
        return False
    unions = [key for key in _UNIONS if isinstance(schema.get(key), list)]
    rest = set(schema) - set(unions) - ANNOTATIONS - {"discriminator", "type"}
    return len(unions) == 1 and not any(not str(key).startswith("x-") for key in rest)


def _only_requires(member: Any) -> bool:
    return (
        isinstance(member, dict)
        and set(member) <= {"required", "description", "title"}
        and "required" in member
    )


@rule(
    "properties-beside-union",
    "an object with properties and a oneOf/anyOf must satisfy both; openapi-python-client keeps "
    "the union and drops the properties, so each member gets them: oneOf [{allOf: [own, A]}, ...]. "
    "A union that only says which properties are required is kept as x-oneOf/x-anyOf (the API "
    "still checks it) and the model keeps its properties",
    kinds={"schema"},
    restructures=True,
)
def properties_beside_union(node: Node, ctx: Context) -> None:
    schema = node.value
    union = next((key for key in _UNIONS if isinstance(schema.get(key), list)), None)
    if union is None or not isinstance(schema.get("properties"), dict) or "allOf" in schema:
        return
    before = dict(schema)
    members = schema[union]
    if all(_only_requires(member) for member in members):
        schema[f"x-{union}"] = schema.pop(union)
        ctx.record(node.path, before={union: members}, after={f"x-{union}": members})
        return
    own = {key: schema.pop(key) for key in _OBJECT_KEYWORDS if key in schema}
    own["type"] = "object"
    schema[union] = [{"allOf": [own, member]} for member in schema.pop(union)]
    if schema.get("type") == "object":
        del schema["type"]
    ctx.record(node.path, before=before, after=dict(schema))


@rule(
    "union-inside-allof",
    "an allOf with a oneOf/anyOf part means 'the other parts and one of these'; openapi-python-"
    "client ignores the union there, so it is distributed: oneOf [{allOf: [rest, A]}, {allOf: [rest, B]}]",
    kinds={"schema"},
    restructures=True,
)
def union_inside_allof(node: Node, ctx: Context) -> None:
    schema = node.value
    parts = schema.get("allOf")
    if not isinstance(parts, list) or any(key in schema for key in _UNIONS):
        return
    unions = [index for index, part in enumerate(parts) if _is_union(resolve(ctx.document, part))]
    if len(unions) != 1 or len(parts) < 2:
        return
    index = unions[0]
    union_schema = resolve(ctx.document, parts[index])
    kind = next(key for key in _UNIONS if isinstance(union_schema.get(key), list))
    rest = [part for position, part in enumerate(parts) if position != index]
    before = dict(schema)
    del schema["allOf"]
    schema[kind] = [{"allOf": [*rest, member]} for member in union_schema[kind]]
    if "discriminator" in union_schema and "discriminator" not in schema:
        schema["discriminator"] = union_schema["discriminator"]
    ctx.record(node.path, before=before, after=dict(schema))


_JSON_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def _json_type(value: Any) -> str:
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return "null"


@rule(
    "empty-enum-dropped",
    "`enum: []` allows no value at all, which no API means (OpenAPI 3.0 requires at least one value; "
    "JSON Schema says it SHOULD have one); it is dropped, and the schema's other constraints (its "
    "type, the allOf it sits beside) stand",
    kinds={"schema"},
)
def empty_enum_dropped(node: Node, ctx: Context) -> None:
    if node.value.get("enum") == []:
        del node.value["enum"]
        ctx.record((*node.path, "enum"), before=[])


@rule(
    "enum-of-several-types",
    "an enum mixing strings and numbers is valid, but openapi-python-client refuses it ('Enum "
    "values must all be the same type'); it becomes an anyOf of one enum per type",
    kinds={"schema"},
    restructures=True,
)
def enum_of_several_types(node: Node, ctx: Context) -> None:
    values = node.value.get("enum")
    if not isinstance(values, list):
        return
    by_type: dict[str, list[Any]] = {}
    for value in values:
        by_type.setdefault(_json_type(value), []).append(value)
    nullable = by_type.pop("null", None)
    if len(by_type) < 2 or "anyOf" in node.value or "oneOf" in node.value:
        return
    before = dict(node.value)
    del node.value["enum"]
    node.value.pop("type", None)
    options: list[dict[str, Any]] = [{"type": kind, "enum": members} for kind, members in by_type.items()]
    if nullable:
        options.append({"type": "null"} if ctx.is_31 else {"enum": [None], "nullable": True})
    node.value["anyOf"] = options
    ctx.record(node.path, before=before, after=dict(node.value))


@rule(
    "enum-of-unsupported-type",
    "openapi-python-client makes enums of strings and integers only; an enum of booleans, "
    "numbers with fractions or objects keeps its type and moves its values to x-enum (a wider "
    "type on the client; the API still checks the values)",
    kinds={"schema"},
)
def enum_of_unsupported_type(node: Node, ctx: Context) -> None:
    values = node.value.get("enum")
    if not isinstance(values, list):
        return
    kinds = {_json_type(value) for value in values} - {"null"}
    if len(kinds) != 1 or kinds & {"string", "integer"}:
        return
    kind = kinds.pop()
    before = {key: node.value[key] for key in ("type", "enum") if key in node.value}
    node.value["x-enum"] = node.value.pop("enum")
    node.value.setdefault("type", kind)
    ctx.record(node.path, before=before, after={"type": node.value["type"], "x-enum": values})


def _is_object(schema: Any, document: dict[str, Any]) -> bool:
    resolved = resolve(document, schema)
    if not isinstance(resolved, dict):
        return False
    if resolved.get("type") == "object" or "properties" in resolved:
        return True
    parts = resolved.get("allOf")
    return isinstance(parts, list) and any(_is_object(part, document) for part in parts)


@rule(
    "object-default",
    "openapi-python-client gives models no default ('ModelProperty cannot have a default value'), "
    "and drops the model; an object's default is kept as x-default (the API applies it anyway)",
    kinds={"schema"},
)
def object_default(node: Node, ctx: Context) -> None:
    if "default" not in node.value or not _is_object(node.value, ctx.document):
        return
    target = extension_key(node.value, "default")
    value = node.value[target] = node.value.pop("default")
    ctx.record(node.path, before={"default": value}, after={target: value})


@rule(
    "union-member-with-allof",
    "a union member inside a component that is an inline allOf is built before the models it "
    "extends (openapi-python-client: 'Reference ... in allOf was not processed', and the whole "
    "component is dropped); as a component of its own it is built after them",
    kinds={"schema"},
    restructures=True,
)
def union_member_with_allof(node: Node, ctx: Context) -> None:
    where = node.path
    inside_component = where[:2] == ("components", "schemas") and len(where) > 4
    if not inside_component or where[-2] not in _UNIONS or "allOf" not in node.value or "$ref" in node.value:
        return
    if "taken-names" not in ctx.memo:
        ctx.memo["taken-names"] = taken_names(ctx.document)
    taken = ctx.memo["taken-names"]
    name = hoist_name(node.value, where, taken)
    ctx.document["components"]["schemas"][name] = dict(node.value)
    ref = {"$ref": component_ref("schemas", name)}
    node.value.clear()
    node.value.update(ref)
    ctx.record(where, before={"inline schema": name}, after=ref)


@rule(
    "empty-allof-part",
    "an allOf part that says nothing but `type: object` (or nothing at all) adds no constraint beside "
    "a part that is already an object: it is dropped, so the 3.0 nullable wrapper `{nullable: true, "
    "allOf: [{$ref: X}, {type: object}]}` reads as X or null, not as an untyped object",
    kinds={"schema"},
)
def empty_allof_part(node: Node, ctx: Context) -> None:
    members = node.value.get("allOf")
    if not isinstance(members, list) or len(members) < 2:
        return
    empty = [member for member in members if _says_nothing(member)]
    if not empty or len(empty) == len(members):
        return
    rest = [member for member in members if not _says_nothing(member)]
    if not any(_is_object(member, ctx.document) for member in rest):
        return  # `type: object` beside a non-object part is a constraint (an impossible one)
    node.value["allOf"] = rest
    if any(member.get("nullable") is True for member in empty):
        node.value["nullable"] = True  # `{type: object, nullable: true}`: the 3.0 idiom's marker
    ctx.record((*node.path, "allOf"), before=members, after=rest)


def _says_nothing(member: Any) -> bool:
    """A part that adds no constraint to an object: `{}`, `{type: object}`, and the same with
    `nullable: true` (which the whole then carries), `additionalProperties: true` (objects are
    open anyway) or only a description."""
    return (
        isinstance(member, dict)
        and set(member) <= {"type", "nullable", "description", "title", "additionalProperties"}
        and member.get("type", "object") == "object"
        and member.get("additionalProperties", True) is True
    )


@rule(
    "nullable-single-allof",
    "a nullable schema that is an allOf of one reference (`{nullable: true, allOf: [{$ref: X}]}`, "
    "the 3.0 way to say 'X or null') is the same as an anyOf of that one reference; "
    "openapi-python-client builds the allOf form only when X happens to be built first ('Reference "
    "in allOf was not processed'), and the anyOf form always",
    kinds={"schema"},
    versions={"3.0"},
)
def nullable_single_allof(node: Node, ctx: Context) -> None:
    schema = node.value
    members = schema.get("allOf")
    if schema.get("nullable") is not True or not isinstance(members, list) or len(members) != 1:
        return
    if (
        not (isinstance(members[0], dict) and set(members[0]) == {"$ref"})
        or "anyOf" in schema
        or "oneOf" in schema
    ):
        return
    if "properties" in schema:
        return  # the schema adds properties of its own: an allOf proper
    schema["anyOf"] = schema.pop("allOf")
    ctx.record(node.path, before={"allOf": members}, after={"anyOf": members})


ALLOF_CONFLICT_FALLBACK = named(
    "allof-conflict-fallback",
    "a property defined in two allOf parts with no exact common type is typed Any (the API "
    "still checks it); the merged model keeps every other property typed",
)


@rule(
    "allof-merged",
    "an allOf whose parts define one property differently (`int | None` in one part, `int` in "
    "another; two enums that overlap) is merged into the one object schema it means, the "
    "property being the intersection: openapi-python-client would give up on it, and drop the "
    "model and every operation that uses it",
    kinds={"schema"},
    restructures=True,
)
def allof_merged(node: Node, ctx: Context) -> None:
    if not isinstance(node.value.get("allOf"), list):
        return
    document = ctx.document
    if not redefined_properties(node.value, lambda value: resolve(document, value)):
        return
    merge_in_place(node.value, node.path, ctx.log, lambda value: resolve(document, value))


ALLOF_MERGED = "allof-merged"

_SCALAR_TYPES = {"string", "integer", "number", "boolean"}


@rule(
    "scalar-allof-merged",
    "an allOf of scalar schemas of one type (`allOf: [{$ref: Slug}, {type: string, nullable: "
    "true}]`) is one schema: openapi-python-client takes allOf of objects only ('Cannot take allOf "
    "a non-object') and drops the response or model. The parts' keywords are combined; "
    "`nullable` on any part is kept, as in the 3.0 idiom `allOf: [{$ref: X}, {nullable: true}]`",
    kinds={"schema"},
    restructures=True,
)
def scalar_allof_merged(node: Node, ctx: Context) -> None:
    members = node.value.get("allOf")
    if not isinstance(members, list) or len(members) < 2:
        return  # allOf of one $ref openapi-python-client reads as the $ref itself
    parts = [resolve(ctx.document, member) for member in members]
    merged = _merge_scalars(parts, dict(node.value))
    if merged is None:
        return
    before = dict(node.value)
    node.value.clear()
    node.value.update(merged)
    ctx.record(node.path, before=before, after=merged)


def _merge_scalars(parts: list[Any], own: dict[str, Any]) -> dict[str, Any] | None:
    """The one schema meaning all of `parts` and `own`, or None when any part is not a scalar
    schema of the type the others have, or two parts constrain differently."""
    del own["allOf"]
    merged: dict[str, Any] = {}
    for part in [own, *parts]:  # the outer schema's own description comes first
        if not isinstance(part, dict) or any(
            key in part for key in ("$ref", "allOf", *_UNIONS, *_OBJECT_KEYWORDS)
        ):
            return None
        for key, value in part.items():
            if key == "nullable":
                merged[key] = merged.get(key, False) or value is True
            elif key == "enum" and isinstance(merged.get(key), list) and isinstance(value, list):
                merged[key] = [item for item in merged[key] if item in value]
            elif key not in merged or key in ANNOTATIONS or str(key).startswith("x-"):
                merged.setdefault(key, value)
            elif merged[key] != value:
                return None  # two different bounds, formats or types: a reviewer decides
    if merged.get("type") not in _SCALAR_TYPES or merged.get("enum") == []:
        return None
    return merged


def merge_in_place(
    schema: dict[str, Any], where: tuple[str | int, ...], log: RepairLog, resolve_ref: Any
) -> bool:
    """Replace an allOf schema by its merge, recording it; False when a part is no object."""
    merged = merge_all_of(schema, resolve_ref)
    if merged is None:
        return False
    replacement, lossy = merged
    before = dict(schema)
    schema.clear()
    schema.update(replacement)
    for property_path, detail in lossy:
        log.record(ALLOF_CONFLICT_FALLBACK, (*where, *property_path), before=detail, after={})
    log.record(ALLOF_MERGED, where, before=before, after=dict(schema))
    return True


# -- oneOf variants that overlap ------------------------------------------------------------------

_PLAIN_VALUES: dict[str, Any] = {
    "string": "x",
    "integer": 0,
    "number": 0,
    "boolean": True,
    "object": {},
    "array": [],
}


def _object_variant(schema: Any, document: dict[str, Any]) -> dict[str, Any] | None:
    """An object variant's properties, required names and openness, its allOf parts merged; None
    for a variant this check cannot judge (not an object, a nested union, a `not`)."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or any(key in schema for key in ("not", "oneOf", "anyOf")):
        return None
    parts = [schema, *(resolve(document, part) for part in schema.get("allOf") or [])]
    merged: dict[str, Any] = {"properties": {}, "required": set(), "open": True}
    for part in parts:
        if not isinstance(part, dict) or any(key in part for key in ("not", "oneOf", "anyOf")):
            return None
        if part.get("type") not in (None, "object"):
            return None
        merged["properties"].update(part.get("properties") or {})
        merged["required"].update(str(name) for name in part.get("required") or [])
        if part.get("additionalProperties") is False:
            merged["open"] = False
    if not merged["properties"] and all(part.get("type") != "object" for part in parts):
        return None  # nothing says it is an object: not this check's to judge
    return merged


def _shared_value(a: Any, b: Any, document: dict[str, Any]) -> tuple[bool, Any]:
    """(True, a value both property schemas take), or (False, None) when none exists: their types
    or their enums (const, in 3.1) are disjoint. Other constraints are not compared."""
    schemas = [resolve(document, s) if isinstance(s, dict) else {} for s in (a, b)]
    types = [s.get("type") for s in schemas if isinstance(s.get("type"), str)]
    numeric = {"integer", "number"}
    if len(types) == 2 and types[0] != types[1] and not {*types} <= numeric:
        return False, None
    enums = [s["enum"] if "enum" in s else [s["const"]] for s in schemas if "enum" in s or "const" in s]
    if enums:
        common = [value for value in enums[0] if all(value in other for other in enums[1:])]
        return (True, common[0]) if common else (False, None)
    return True, _PLAIN_VALUES.get(types[0] if types else "string", "x")


def overlap(first: Any, second: Any, document: dict[str, Any]) -> dict[str, Any] | None:
    """A body that two oneOf variants both take, or None when they cannot be told apart by this
    check's means (type, required, closed objects, enum and const) or none exists."""
    a, b = _object_variant(first, document), _object_variant(second, document)
    if a is None or b is None:
        return None
    body: dict[str, Any] = {}
    for name in sorted(a["required"] | b["required"]):
        declared = [variant["properties"].get(name) for variant in (a, b)]
        if any(
            schema is None and not variant["open"] for schema, variant in zip(declared, (a, b), strict=True)
        ):
            return None  # a closed variant refuses the other's required property
        found, value = _shared_value(declared[0] or {}, declared[1] or {}, document)
        if not found:
            return None
        body[name] = value
    return body


@rule(
    "overlapping-oneof",
    "REPORT ONLY: a oneOf must match exactly one variant, so a body two variants both take is "
    "refused by a strict server; which variant was meant is a guess, so the oneOf is left as it is "
    "and the report names the variants and such a body (fix it with the overlay)",
    kinds={"schema"},
)
def overlapping_oneof(node: Node, ctx: Context) -> None:
    variants = node.value.get("oneOf")
    if not isinstance(variants, list) or len(variants) < 2 or "discriminator" in node.value:
        return
    for first in range(len(variants)):
        for second in range(first + 1, len(variants)):
            body = overlap(variants[first], variants[second], ctx.document)
            if body is not None:
                ctx.record(
                    (*node.path, "oneOf"),
                    before=variants,
                    after={"unchanged": True, "variants": [first, second], "both-take": body},
                )
                return
