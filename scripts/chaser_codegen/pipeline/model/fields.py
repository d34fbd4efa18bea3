"""Operations' parameters and body properties as `Field`s: the arguments of a generated method."""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import replace
from typing import Any

from ... import directives
from ...escaping import SpecText, spec_text
from ...names import RESERVED_ARGUMENT_NAMES
from ..opc_compat import (
    BooleanProperty,
    ConstProperty,
    DateProperty,
    DateTimeProperty,
    FileProperty,
    FloatProperty,
    IntProperty,
    ListProperty,
    LiteralEnumProperty,
    ModelProperty,
    NoneProperty,
    PropertyProtocol,
    StringProperty,
    UnionProperty,
    UuidProperty,
)
from .context import SpecContext, text, wire_name
from .types import Field, FieldLocation, JsonSchema, ValueShape
from .wire import rule_of

_SCALAR_SHAPES: dict[type, ValueShape] = {
    StringProperty: "string",
    DateTimeProperty: "string",
    DateProperty: "string",
    UuidProperty: "string",
    IntProperty: "integer",
    FloatProperty: "number",
    BooleanProperty: "boolean",
}


def value_shape(prop: PropertyProtocol) -> tuple[ValueShape, ValueShape, tuple[str, ...]]:
    """(kind, item kind, choices) of a value of this property, as a command line reads it."""
    if isinstance(prop, UnionProperty):
        # A nullable scalar (`string | null`) is its scalar on the command line.
        inner = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
        if len(inner) == 1:
            return value_shape(inner[0])
        return ("json", "string", ())
    if isinstance(prop, FileProperty):
        return ("file", "string", ())
    if isinstance(prop, LiteralEnumProperty):
        values = tuple(str(v) for v in sorted(prop.values, key=str))
        return (
            ("choice", "string", values)
            if all(isinstance(v, str) for v in prop.values)
            else ("json", "string", ())
        )
    for kind, name in _SCALAR_SHAPES.items():
        if isinstance(prop, kind):
            return (name, "string", ())
    if isinstance(prop, ListProperty):
        item, _, _ = value_shape(prop.inner_property)
        if item in ("string", "integer", "number", "boolean"):
            return ("list", item, ())
    return ("json", "string", ())


def holds_files(prop: PropertyProtocol) -> bool:
    """A list of uploads, or a union with uploads among its members."""
    if isinstance(prop, FileProperty):
        return True
    if isinstance(prop, ListProperty):
        return holds_files(prop.inner_property)
    if isinstance(prop, UnionProperty):
        return any(holds_files(inner) for inner in prop.inner_properties)
    return False


def field_from(
    ctx: SpecContext,
    prop: PropertyProtocol,
    location: FieldLocation,
    schema: JsonSchema,
    *,
    description: Any = None,
    deprecated: bool = False,
) -> Field:
    value = getattr(prop, "default", None)
    if value is None and isinstance(prop, ConstProperty):
        value = prop.value  # a const has one possible value: make it the default
    # openapi-python-client has already turned the spec's default into safe Python code.
    default = value.python_code.as_unembedded_code() if value is not None else None
    is_file = isinstance(prop, FileProperty)
    annotation = ctx.annotation_of(prop)
    has_files = not is_file and holds_files(prop)
    if is_file:
        # Uploads accept bytes, text, a path or a file object (chaser_core._files.FileInput).
        annotation = "FileInput" if prop.required else "FileInput | Unset"
    elif has_files:
        # Several uploads (list[File]) or one or several (File | list[File]): the same inputs.
        annotation = re.sub(r"\bFile\b", "FileInput", annotation)
    imports = ctx.imports_of(prop)
    model_class = None
    if isinstance(prop, ModelProperty) and location in ("body", "query"):
        # A nested object argument (a body property, or a query object such as a deepObject
        # filter): the model, or the same object as a plain dict.
        model_class = prop.class_info.name
        annotation = f"{model_class} | Mapping[str, Any]" + ("" if prop.required else " | Unset")
        imports = imports | {"from collections.abc import Mapping", "from typing import Any"}
    max_bytes = schema.get(directives.MAX_BYTES) if isinstance(schema, dict) else None
    cli_kind, cli_item, choices = value_shape(prop)
    return Field(
        wire_name=SpecText(wire_name(prop)),
        python_name=str(prop.python_name),
        location=location,
        annotation=annotation,
        required=bool(prop.required),
        default=default,
        description=spec_text(
            description if description is not None else text(getattr(prop, "description", None))
        ),
        json_schema=schema if isinstance(schema, dict) else {},
        imports=imports,
        is_file=is_file,
        has_files=has_files,
        max_bytes=max_bytes if isinstance(max_bytes, int) and not isinstance(max_bytes, bool) else None,
        deprecated=deprecated,
        model_class=model_class,
        cli_kind=cli_kind,
        cli_item=cli_item,
        choices=choices,
    )


def parameter_fields(
    ctx: SpecContext,
    props: list[Any],
    location: FieldLocation,
    operation: dict[str, Any],
    path_item: dict[str, Any],
) -> tuple[Field, ...]:
    """The operation's parameters in one location, with what the spec says of each."""
    declared = {}
    for raw in list(path_item.get("parameters") or []) + list(operation.get("parameters") or []):
        resolved = ctx.resolve(raw)
        if isinstance(resolved, dict) and resolved.get("in") == location:
            declared[resolved.get("name")] = resolved
    fields = []
    for prop in props:
        raw = declared.get(wire_name(prop), {})
        schema = ctx.resolve(raw.get("schema") or {})
        field_ = field_from(
            ctx,
            prop,
            location,
            schema,
            description=raw.get("description"),
            deprecated=bool(raw.get("deprecated")),
        )
        if location != "body":
            field_ = replace(field_, wire=rule_of(ctx, location, wire_name(prop), raw, schema))
        fields.append(field_)
    return tuple(fields)


def as_optional(field_: Field) -> Field:
    annotation = (
        field_.annotation if field_.annotation.endswith("| Unset") else f"{field_.annotation} | Unset"
    )
    return replace(field_, annotation=annotation, required=False, default=None)


def argument_name(python_name: str) -> str:
    """The wrapper's name for an argument.

    openapi-python-client appends "_" to names that shadow a builtin (input_, all_); a
    parameter may shadow a builtin harmlessly, so the wrappers use the spec's name (input=,
    all=), as the official SDK does. Keywords keep the underscore (from_), and so do names the
    generated method uses itself.
    """
    name = python_name
    if name.endswith("_") and not keyword.iskeyword(name[:-1]) and hasattr(builtins, name[:-1]):
        name = name[:-1]
    if name in RESERVED_ARGUMENT_NAMES:
        name = f"{name}_"
    return name


def renamed(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The fields with their wrapper argument names."""
    return tuple(replace(f, arg_name=argument_name(f.python_name)) for f in fields)
