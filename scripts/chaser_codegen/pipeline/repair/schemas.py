"""Repairs inside schemas: repeated entries, and keywords of the other OpenAPI version.

OpenAPI 3.0 schemas are an extended subset of JSON Schema draft 4 (`nullable`, boolean
`exclusiveMinimum`); 3.1 schemas are JSON Schema 2020-12 (`type: [..., "null"]`, numeric
`exclusiveMinimum`, `const`, `examples`). Real documents mix the two. Each rule rewrites one
keyword into the exact equivalent the document's own version has.
"""

from __future__ import annotations

import re
from typing import Any

from ...refs import component_ref
from .log import ABSENT
from .merge import ANNOTATIONS
from .rule import Context, rule
from .structure import move_unknown_fields
from .walk import Node


def _dedupe(values: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for value in values:
        # JSON equality: `1` and `true` are different values, although Python says 1 == True.
        if not any(_json_equal(value, other) for other in kept):
            kept.append(value)
    return kept


def _json_equal(left: Any, right: Any) -> bool:
    """Equal as JSON values: 1 and 1.0 are one number, but true is no number (Python: 1 == True)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


@rule(
    "duplicate-required",
    "`required` must list each property once (JSON Schema: unique items); a repeat says nothing new",
    kinds={"schema"},
)
def duplicate_required(node: Node, ctx: Context) -> None:
    required = node.value.get("required")
    if isinstance(required, list):
        unique = _dedupe(required)
        if len(unique) != len(required):
            node.value["required"] = unique
            ctx.record((*node.path, "required"), before=required, after=unique)


@rule(
    "duplicate-enum",
    "`enum` should list each value once; a repeat allows nothing new, and code generators "
    "refuse it (two constants with one name)",
    kinds={"schema"},
)
def duplicate_enum(node: Node, ctx: Context) -> None:
    values = node.value.get("enum")
    if isinstance(values, list):
        unique = _dedupe(values)
        if len(unique) != len(values):
            node.value["enum"] = unique
            ctx.record((*node.path, "enum"), before=values, after=unique)


@rule(
    "boolean-required",
    "`required: true` on a property's own schema is Swagger-style; in OpenAPI the object lists "
    "its required properties, so the property moves into its parent's `required`",
    kinds={"schema"},
)
def boolean_required(node: Node, ctx: Context) -> None:
    properties = node.value.get("properties")
    if not isinstance(properties, dict):
        return
    for name, schema in properties.items():
        if not isinstance(schema, dict) or not isinstance(schema.get("required"), bool):
            continue
        flag = schema.pop("required")
        ctx.record((*node.path, "properties", name, "required"), before=flag)
        if flag:
            required = node.value.setdefault("required", [])
            if isinstance(required, list) and name not in required:
                before = list(required)
                required.append(name)
                ctx.record((*node.path, "required"), before=before or ABSENT, after=list(required))


# Type names from programming languages and older drafts, and what JSON Schema calls them.
_TYPE_ALIASES: dict[str, dict[str, str]] = {
    "int": {"type": "integer"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "long": {"type": "integer", "format": "int64"},
    "float": {"type": "number", "format": "float"},
    "double": {"type": "number", "format": "double"},
    "decimal": {"type": "number"},
    "bool": {"type": "boolean"},
    "str": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "date-time": {"type": "string", "format": "date-time"},
    "dict": {"type": "object"},
    "map": {"type": "object"},
    "list": {"type": "array"},
}


@rule(
    "type-alias",
    "`type: int`, `long`, `double`, `bool`, `date`... are not JSON Schema types, and the document "
    "is refused; each is written as the type and format it names (int64 for long, date-time...)",
    kinds={"schema"},
)
def type_alias(node: Node, ctx: Context) -> None:
    kind = node.value.get("type")
    alias = _TYPE_ALIASES.get(kind.lower()) if isinstance(kind, str) else None
    if alias is None or kind in ("integer", "number", "boolean", "string", "object", "array", "null"):
        return
    before = {key: node.value[key] for key in ("type", "format") if key in node.value}
    node.value["type"] = alias["type"]
    if "format" in alias:
        node.value.setdefault("format", alias["format"])
    ctx.record(
        node.path,
        before=before,
        after={key: node.value[key] for key in ("type", "format") if key in node.value},
    )


@rule(
    "items-list",
    "`items` as a list is the tuple form of older JSON Schema drafts; one schema is `items: X`, "
    "several are `prefixItems` in 3.1, or an anyOf of them in 3.0 (what a generator types them as)",
    kinds={"schema"},
    restructures=True,
)
def items_list(node: Node, ctx: Context) -> None:
    items = node.value.get("items")
    if isinstance(items, bool):
        node.value["items"] = {} if items else {"not": {}}
    elif isinstance(items, list):
        schemas = [item for item in items if isinstance(item, dict)]
        if len(schemas) == 1:
            node.value["items"] = schemas[0]
        elif ctx.is_31:
            del node.value["items"]
            node.value["prefixItems"] = schemas
        else:
            node.value["items"] = {"anyOf": schemas} if schemas else {}
    else:
        return
    after = {key: node.value[key] for key in ("items", "prefixItems") if key in node.value}
    ctx.record(node.path, before={"items": items}, after=after)


@rule(
    "swagger-file-type",
    "`type: file` is Swagger 2.0; OpenAPI 3 writes a file as `type: string, format: binary`",
    kinds={"schema"},
)
def swagger_file_type(node: Node, ctx: Context) -> None:
    if node.value.get("type") == "file":
        before = {key: node.value[key] for key in ("type", "format") if key in node.value}
        node.value["type"] = "string"
        node.value["format"] = "binary"
        ctx.record(node.path, before=before, after={"type": "string", "format": "binary"})


def _annotations_only(schema: Any) -> bool:
    """Annotations (and a list of required properties) only: a part with nothing of its own."""
    return isinstance(schema, dict) and all(
        key in ANNOTATIONS or key == "required" or str(key).startswith("x-") for key in schema
    )


@rule(
    "allof-annotation-parts",
    "an allOf part with nothing but annotations (`allOf: [{$ref: X}, {description: ...}]`, the "
    "way converted specs describe a reference) or a list of required properties is no object "
    "the generator can merge; what it says applies to the schema itself, and moves there",
    kinds={"schema"},
    restructures=True,
)
def allof_annotation_parts(node: Node, ctx: Context) -> None:
    parts = node.value.get("allOf")
    if not isinstance(parts, list) or len(parts) < 2 or not any(_annotations_only(part) for part in parts):
        return
    before = dict(node.value)
    kept = [part for part in parts if not _annotations_only(part)]
    for part in parts:
        if _annotations_only(part):
            for key, value in part.items():
                if key == "required" and isinstance(value, list):
                    node.value["required"] = list(
                        dict.fromkeys([*(node.value.get("required") or []), *value])
                    )
                else:
                    node.value.setdefault(key, value)
    if kept:
        node.value["allOf"] = kept
    else:
        del node.value["allOf"]
    ctx.record(node.path, before=before, after=dict(node.value))


@rule(
    "array-without-items",
    "an array schema without `items` allows items of any type (JSON Schema); OpenAPI 3.0 "
    "requires `items`, and the generator refuses an array without them, so `items: {}` says so",
    kinds={"schema"},
)
def array_without_items(node: Node, ctx: Context) -> None:
    schema = node.value
    kind = schema.get("type")
    is_array = kind == "array" or (isinstance(kind, list) and "array" in kind)
    if is_array and "items" not in schema and "prefixItems" not in schema:
        schema["items"] = {}
        ctx.record((*node.path, "items"), after={})


@rule(
    "pattern-not-python-regex",
    "a `pattern` in a regex dialect Python cannot compile (Unicode classes such as \\p{L}) would "
    "break validation in the validator, the mock and any user's jsonschema; it is kept as x-pattern",
    kinds={"schema"},
)
def pattern_not_python_regex(node: Node, ctx: Context) -> None:
    pattern = node.value.get("pattern")
    if not isinstance(pattern, str):
        return
    try:
        re.compile(pattern)
    except re.error:
        del node.value["pattern"]
        node.value["x-pattern"] = pattern
        ctx.record(node.path, before={"pattern": pattern}, after={"x-pattern": pattern})


# -- 3.1 documents: 3.0 and JSON Schema 2019-09 keywords -----------------------------------------


@rule(
    "examples-map-in-3.1",
    "a 3.1 schema's `examples` is a list of values; a map of named Example Objects (the media "
    "type's form) becomes the list of their values",
    kinds={"schema"},
    versions={"3.1"},
)
def examples_map_in_31(node: Node, ctx: Context) -> None:
    examples = node.value.get("examples")
    if not isinstance(examples, dict):
        return
    values = [
        item["value"] if isinstance(item, dict) and "value" in item else item for item in examples.values()
    ]
    node.value["examples"] = values
    ctx.record((*node.path, "examples"), before=examples, after=values)


def _is_nullable_marker(schema: Any) -> bool:
    """`{nullable: true}`, alone or with annotations only: the 3.0 way to make a $ref nullable."""
    return (
        isinstance(schema, dict)
        and schema.get("nullable") is True
        and all(key == "nullable" or key in ANNOTATIONS or key.startswith("x-") for key in schema)
    )


@rule(
    "nullable-allof-idiom",
    "`allOf: [{$ref: X}, {nullable: true}]` is how 3.0 documents say 'X or null' (3.0 ignores "
    "siblings of $ref); in a 3.1 document that is `anyOf: [{$ref: X}, {type: 'null'}]`, in a 3.0 "
    "one `{allOf: [{$ref: X}], nullable: true}` (a marker without a type allows nothing by itself)",
    kinds={"schema"},
    restructures=True,
)
def nullable_allof_idiom(node: Node, ctx: Context) -> None:
    members = node.value.get("allOf")
    if not isinstance(members, list) or not any(_is_nullable_marker(member) for member in members):
        return
    before = dict(node.value)
    rest = [member for member in members if not _is_nullable_marker(member)]
    markers = [member for member in members if _is_nullable_marker(member)]
    del node.value["allOf"]
    for marker in markers:  # the marker's description or default describes the whole
        for key, value in marker.items():
            if key != "nullable":
                node.value.setdefault(key, value)
    if not ctx.is_31:
        node.value["allOf"] = rest
        node.value["nullable"] = True
        ctx.record(node.path, before=before, after=dict(node.value))
        return
    core: Any = rest[0] if len(rest) == 1 else {"allOf": rest}
    if "anyOf" in node.value:
        node.value.setdefault("allOf", []).append({"anyOf": node.value.pop("anyOf")})
    node.value["anyOf"] = [core, {"type": "null"}]
    ctx.record(node.path, before=before, after=dict(node.value))


@rule(
    "nullable-in-3.1",
    "`nullable` is OpenAPI 3.0; a 3.1 schema allows null by listing it: `type: [T, 'null']`, or "
    "an anyOf with `{type: 'null'}` when the schema has no type of its own",
    kinds={"schema"},
    versions={"3.1"},
    restructures=True,
)
def nullable_in_31(node: Node, ctx: Context) -> None:
    schema = node.value
    if "nullable" not in schema:
        return
    before = dict(schema)
    nullable = schema.pop("nullable")
    if nullable is True:
        _allow_null(schema)
    ctx.record(node.path, before=before, after=dict(schema))


def _allow_null(schema: dict[str, Any]) -> None:
    schema_type = schema.get("type")
    if isinstance(schema_type, str):
        schema["type"] = [schema_type, "null"]
    elif isinstance(schema_type, list):
        if "null" not in schema_type:
            schema["type"] = [*schema_type, "null"]
    else:
        constraints = {
            key: value for key, value in schema.items() if key not in ANNOTATIONS and not key.startswith("x-")
        }
        for key in constraints:
            del schema[key]
        schema["anyOf"] = [constraints, {"type": "null"}]
        return
    enum = schema.get("enum")
    if isinstance(enum, list) and None not in enum:
        schema["enum"] = [*enum, None]


@rule(
    "boolean-exclusive-bound-in-3.1",
    "a boolean `exclusiveMinimum`/`exclusiveMaximum` is OpenAPI 3.0 (draft 4); in 3.1 the "
    "keyword holds the bound itself, so `minimum: 0, exclusiveMinimum: true` is `exclusiveMinimum: 0`",
    kinds={"schema"},
    versions={"3.1"},
)
def boolean_exclusive_bound_in_31(node: Node, ctx: Context) -> None:
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = node.value.get(exclusive)
        if not isinstance(flag, bool):
            continue
        before = {key: node.value[key] for key in (inclusive, exclusive) if key in node.value}
        del node.value[exclusive]
        if flag and inclusive in node.value:
            node.value[exclusive] = node.value.pop(inclusive)
        after = {key: node.value[key] for key in (inclusive, exclusive) if key in node.value}
        ctx.record(node.path, before=before, after=after)


@rule(
    "recursive-ref-in-3.1",
    "`$recursiveRef: '#'` with `$recursiveAnchor: true` is JSON Schema 2019-09; in a component "
    "schema it refers to that component, which 3.1 (2020-12) writes as a plain $ref",
    kinds={"schema"},
    versions={"3.1"},
)
def recursive_ref_in_31(node: Node, ctx: Context) -> None:
    schema = node.value
    if "$recursiveRef" in schema:
        component = _enclosing_component(node.path)
        if schema["$recursiveRef"] == "#" and component is not None:
            ref = component_ref("schemas", component)
            before = schema.pop("$recursiveRef")
            schema["$ref"] = ref
            ctx.record(node.path, before={"$recursiveRef": before}, after={"$ref": ref})
    if "$recursiveAnchor" in schema and len(node.path) == 3 and node.path[:2] == ("components", "schemas"):
        before = schema.pop("$recursiveAnchor")
        ctx.record((*node.path, "$recursiveAnchor"), before=before)


def _enclosing_component(path: tuple[str | int, ...]) -> str | None:
    if len(path) >= 3 and path[:2] == ("components", "schemas") and isinstance(path[2], str):
        return path[2]
    return None


# -- 3.0 documents: 3.1 keywords ------------------------------------------------------------------


@rule(
    "type-list-in-3.0",
    "a list of types is OpenAPI 3.1; 3.0 writes `[T, 'null']` as `type: T, nullable: true`, and "
    "several types as an anyOf of one type each",
    kinds={"schema"},
    versions={"3.0"},
    restructures=True,
)
def type_list_in_30(node: Node, ctx: Context) -> None:
    schema = node.value
    types = schema.get("type")
    if not isinstance(types, list):
        return
    before = {"type": types}
    concrete = [value for value in dict.fromkeys(types) if value != "null"]
    if len(concrete) != len(types):
        schema["nullable"] = True
    if len(concrete) == 1:
        schema["type"] = concrete[0]
    else:
        del schema["type"]
        if concrete:
            if "anyOf" in schema:
                # Both must hold: the schema's own anyOf moves into an allOf beside the new one.
                schema.setdefault("allOf", []).append({"anyOf": schema.pop("anyOf")})
            # Type-specific keywords (minLength, items...) left beside the anyOf still apply
            # only to values of their type: the two forms accept the same values.
            schema["anyOf"] = [{"type": value} for value in concrete]
        else:
            schema["enum"] = [None]  # `type: ['null']`: null is the only value
    after = {key: schema[key] for key in ("type", "nullable", "anyOf", "allOf", "enum") if key in schema}
    ctx.record(node.path, before=before, after=after)


@rule(
    "null-type-in-3.0",
    "`type: 'null'` is OpenAPI 3.1; a 3.0 union with a `{type: 'null'}` member (`oneOf: [X, {type: "
    "'null'}]`) means X or null, which 3.0 writes as `nullable: true` on the union; alone, null is "
    "the only value",
    kinds={"schema"},
    versions={"3.0"},
    restructures=True,
)
def null_type_in_30(node: Node, ctx: Context) -> None:
    schema = node.value
    for keyword in ("oneOf", "anyOf"):
        members = schema.get(keyword)
        if not isinstance(members, list) or not any(_is_null_type(member) for member in members):
            continue
        rest = [member for member in members if not _is_null_type(member)]
        if not rest:
            continue
        schema[keyword] = rest
        schema["nullable"] = True
        ctx.record(node.path, before={keyword: members}, after={keyword: rest, "nullable": True})
    if schema.get("type") == "null":
        before: dict[str, Any] = {"type": "null"}
        del schema["type"]
        schema["enum"] = [None]
        schema["nullable"] = True
        ctx.record(node.path, before=before, after={"enum": [None], "nullable": True})


def _is_null_type(member: Any) -> bool:
    return (
        isinstance(member, dict)
        and member.get("type") == "null"
        and set(member) <= {"type", "description", "title"}
    )


@rule(
    "numeric-exclusive-bound-in-3.0",
    "a numeric `exclusiveMinimum`/`exclusiveMaximum` is OpenAPI 3.1; 3.0 writes the bound in "
    "`minimum`/`maximum` with `exclusiveMinimum: true`",
    kinds={"schema"},
    versions={"3.0"},
)
def numeric_exclusive_bound_in_30(node: Node, ctx: Context) -> None:
    schema = node.value
    for exclusive, inclusive, stricter in (
        ("exclusiveMinimum", "minimum", max),
        ("exclusiveMaximum", "maximum", min),
    ):
        bound = schema.get(exclusive)
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            continue
        before = {key: schema[key] for key in (inclusive, exclusive) if key in schema}
        other = schema.get(inclusive)
        if isinstance(other, int | float) and not isinstance(other, bool) and stricter(other, bound) != bound:
            # The inclusive bound is the stricter one: the exclusive one adds nothing.
            del schema[exclusive]
        else:
            schema[inclusive] = bound
            schema[exclusive] = True
        after = {key: schema[key] for key in (inclusive, exclusive) if key in schema}
        ctx.record(node.path, before=before, after=after)


@rule(
    "const-in-3.0",
    "`const` is OpenAPI 3.1; 3.0 writes a single allowed value as a one-entry `enum`",
    kinds={"schema"},
    versions={"3.0"},
)
def const_in_30(node: Node, ctx: Context) -> None:
    schema = node.value
    if "const" not in schema:
        return
    value = schema.pop("const")
    enum = schema.get("enum")
    if not isinstance(enum, list):
        schema["enum"] = [value]
    elif any(_json_equal(value, item) for item in enum):
        schema["enum"] = [value]  # both hold: only the const value is allowed
    if value is None:
        schema["nullable"] = True
    ctx.record(node.path, before={"const": value}, after={"enum": schema["enum"]})


@rule(
    "examples-in-3.0",
    "a schema's `examples` list is OpenAPI 3.1; 3.0 has one `example` (the first), and the list "
    "is kept as x-examples",
    kinds={"schema"},
    versions={"3.0"},
)
def examples_in_30(node: Node, ctx: Context) -> None:
    schema = node.value
    examples = schema.get("examples")
    if "examples" not in schema:
        return
    del schema["examples"]
    after: dict[str, Any] = {"x-examples": examples}
    schema["x-examples"] = examples
    if isinstance(examples, list) and examples and "example" not in schema:
        schema["example"] = examples[0]
        after["example"] = examples[0]
    ctx.record(node.path, before={"examples": examples}, after=after)


@rule(
    "nullable-enum-lists-null",
    "in 3.0, `nullable: true` beside an `enum` means the listed values or null (what servers send); "
    "JSON Schema's enum refuses any value it does not list, so null is added to the list (as "
    "OpenAPI 3.0.3 asks a nullable enum to do)",
    kinds={"schema"},
    versions={"3.0"},
)
def nullable_enum_lists_null(node: Node, ctx: Context) -> None:
    schema = node.value
    enum = schema.get("enum")
    if schema.get("nullable") is not True or not isinstance(enum, list) or any(item is None for item in enum):
        return
    schema["enum"] = [*enum, None]
    ctx.record((*node.path, "enum"), before=enum, after=schema["enum"])


@rule(
    "nullable-beside-ref",
    "3.0 ignores the keywords beside a $ref, yet `{$ref: X, nullable: true}` is how many documents "
    "say 'X or null', and servers send null: it becomes the form 3.0 defines for it, "
    "`{allOf: [{$ref: X}], nullable: true}` (the other keywords stay beside the allOf)",
    kinds={"schema"},
    versions={"3.0"},
    restructures=True,
)
def nullable_beside_ref(node: Node, ctx: Context) -> None:
    schema = node.value
    if "$ref" not in schema or schema.get("nullable") is not True:
        return
    before = dict(schema)
    schema["allOf"] = [{"$ref": schema.pop("$ref")}]
    ctx.record(node.path, before=before, after=dict(schema))


@rule(
    "unknown-schema-keyword-in-3.0",
    "an OpenAPI 3.0 schema allows only its fixed keywords and x- extensions; any other (a JSON "
    "Schema keyword 3.0 lacks, or a typo) is kept as an x- extension",
    kinds={"schema"},
    versions={"3.0"},
)
def unknown_schema_keyword_in_30(node: Node, ctx: Context) -> None:
    if "$ref" not in node.value:  # 3.0 ignores a Reference's siblings, and allows them
        move_unknown_fields(node, ctx)
