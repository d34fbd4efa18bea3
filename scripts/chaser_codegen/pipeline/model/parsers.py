"""Response parsers: which runtime parser (chaser_core._parsing) reads a JSON value of a
property's type, as a typed `Parser` value that the templates render."""

from __future__ import annotations

from ..opc_compat import (
    AnyProperty,
    BooleanProperty,
    ConstProperty,
    DateProperty,
    DateTimeProperty,
    EnumProperty,
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
from .context import Pointer, SpecContext
from .types import Parser, ParserKind

# Scalars parsed by their Python type (checked in this order: a subclass before its base).
_SCALARS: tuple[tuple[type, ParserKind, str | None], ...] = (
    (DateTimeProperty, ParserKind.DATETIME, None),
    (DateProperty, ParserKind.DATE, None),
    (UuidProperty, ParserKind.UUID, None),
    (BooleanProperty, ParserKind.SCALAR, "bool"),
    (IntProperty, ParserKind.SCALAR, "int"),
    (FloatProperty, ParserKind.SCALAR, "float"),
    (StringProperty, ParserKind.SCALAR, "str"),
)


def parser_of(ctx: SpecContext, prop: PropertyProtocol, pointer: Pointer) -> Parser:
    """The runtime parser of a JSON value of this property's type."""
    if isinstance(prop, ModelProperty):
        return Parser(ParserKind.MODEL, type_name=prop.class_info.name)
    if isinstance(prop, EnumProperty):
        return Parser(ParserKind.ENUM, type_name=prop.class_info.name)
    if isinstance(prop, ListProperty):
        return Parser(ParserKind.LIST_OF, inner=(parser_of(ctx, prop.inner_property, pointer),))
    if isinstance(prop, UnionProperty):
        return Parser(
            ParserKind.ONE_OF, inner=tuple(parser_of(ctx, p, pointer) for p in prop.inner_properties)
        )
    if isinstance(prop, LiteralEnumProperty):
        return Parser(ParserKind.ANY)
    if isinstance(prop, NoneProperty):
        return Parser(ParserKind.NULL)
    for kind, parser, builtin in _SCALARS:
        if isinstance(prop, kind):
            return Parser(parser, type_name=builtin)
    if isinstance(prop, AnyProperty | ConstProperty):
        return Parser(ParserKind.ANY)
    raise ctx.error(f"no runtime parser for a {type(prop).__name__} response", *pointer)


def is_precise_type(prop: PropertyProtocol) -> bool:
    """Whether the property's Python type is what a parser of it statically returns."""
    return not isinstance(prop, AnyProperty | UnionProperty | ConstProperty | LiteralEnumProperty)
