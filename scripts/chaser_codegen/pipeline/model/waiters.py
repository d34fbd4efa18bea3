"""x-chaser-waiters: poll an operation until a status field reaches one of the named states."""

from __future__ import annotations

from typing import Any

from ... import directives
from ...names import is_safe_identifier
from ..opc_compat import Endpoint, EnumProperty, LiteralEnumProperty, PropertyProtocol, UnionProperty
from .context import Pointer, SpecContext, properties_by_wire_name
from .results import success_model
from .types import Waiter

EXTENSION = directives.WAITERS


def waiters_of(
    ctx: SpecContext, operation: dict[str, Any], endpoint: Endpoint, resource: str, pointer: Pointer
) -> tuple[Waiter, ...]:
    specs = operation.get(EXTENSION)
    if specs is None:
        return ()
    waiters = []
    for index, spec in enumerate(specs if isinstance(specs, list) else [specs]):
        where: Pointer = (*pointer, EXTENSION, index)
        name = spec.get("name") if isinstance(spec, dict) else None
        if not isinstance(name, str) or not is_safe_identifier(name):
            raise ctx.error("a waiter needs a name that is a Python identifier", *where)
        label = f"waiter {resource}.{name}"
        found = success_model(endpoint)
        if found is None:
            raise ctx.error(f"{label} polls an operation that no longer returns an object", *where)
        model = ctx.model(found)
        field_name = spec.get("field")
        prop = properties_by_wire_name(model).get(field_name)
        if prop is None:
            raise ctx.error(
                f"{label} relies on the field {field_name!r}, which {model.class_info.name} no longer has",
                *where,
                hint="upstream renamed or removed the status field: update the waiter in spec/overlay.yaml",
            )
        states = {
            key: tuple(str(v) for v in spec.get(key) or ()) for key in ("success", "failure", "pending")
        }
        if not states["success"] and not states["pending"]:
            raise ctx.error(f"{label} needs success or pending states", *where)
        values = enum_values(prop)
        if values is not None:
            unknown = [v for listed in states.values() for v in listed if v not in values]
            if unknown:
                raise ctx.error(
                    f"{label} waits on states the {field_name!r} enum no longer has: {', '.join(unknown)}",
                    *where,
                )
        waiters.append(
            Waiter(name, str(prop.python_name), states["success"], states["failure"], states["pending"])
        )
    return tuple(waiters)


def enum_values(prop: PropertyProtocol) -> set[str] | None:
    """The values an enum (or a nullable enum) property may take; None when it is no enum."""
    if isinstance(prop, EnumProperty):
        return {str(v) for v in prop.values.values()}
    if isinstance(prop, LiteralEnumProperty):
        return {str(v) for v in prop.values}
    if isinstance(prop, UnionProperty):
        for inner in prop.inner_properties:
            values = enum_values(inner)
            if values is not None:
                return values
    return None
