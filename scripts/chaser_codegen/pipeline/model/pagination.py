"""x-chaser-pagination: which query parameters and page properties drive a list operation's paging."""

from __future__ import annotations

from typing import Any

from ... import directives
from ..opc_compat import Endpoint, ListProperty, ModelProperty
from .context import Pointer, SpecContext, properties_by_wire_name
from .results import success_model
from .types import Field, Pagination, Result

EXTENSION = directives.PAGINATION


def pagination_of(
    ctx: SpecContext,
    operation: dict[str, Any],
    endpoint: Endpoint,
    result: Result,
    query: tuple[Field, ...],
    pointer: Pointer,
) -> Pagination | None:
    spec = operation.get(EXTENSION)
    if spec is None:
        return None
    where = (*pointer, EXTENSION)
    if not isinstance(spec, dict) or spec.get("style") not in ("offset", "cursor"):
        raise ctx.error("x-chaser-pagination needs style: offset or cursor", *where)
    if result.model_class is None or result.unwrap:
        raise ctx.error("a paginated operation must return an object (its page)", *where)
    found = success_model(endpoint)
    if found is None:
        raise ctx.error("a paginated operation must return an object (its page)", *where)
    page = ctx.model(found)
    props = properties_by_wire_name(page)
    items_name = str(spec.get("items"))
    items = props.get(items_name)
    if not isinstance(items, ListProperty):
        raise ctx.error(
            f"x-chaser-pagination items {items_name!r} is not an array property of {page.class_info.name}",
            *where,
            hint="the page shape changed upstream: update the x-chaser-pagination action in spec/overlay.yaml",
        )
    query_wire = {f.wire_name.raw: f for f in query}

    def param(key: str) -> str | None:
        name = spec.get(key)
        if name is None:
            return None
        if name not in query_wire:
            raise ctx.error(
                f"x-chaser-pagination {key} {name!r} is not a query parameter of the operation", *where
            )
        return str(name)

    def attr(key: str) -> str | None:
        name = spec.get(key)
        if name is None:
            return None
        if name not in props:
            raise ctx.error(
                f"x-chaser-pagination {key} {name!r} is not a property of {page.class_info.name}", *where
            )
        return str(props[name].python_name)

    cursor_attr = None
    if spec["style"] == "cursor":
        inner = items.inner_property
        if isinstance(inner, ModelProperty):
            inner = ctx.model(inner)
        cursor_field = spec.get("cursor_field")
        inner_props = properties_by_wire_name(inner) if isinstance(inner, ModelProperty) else {}
        if cursor_field not in inner_props:
            raise ctx.error(
                f"x-chaser-pagination cursor_field {cursor_field!r} is not a property of the items", *where
            )
        cursor_attr = str(inner_props[cursor_field].python_name)
    return Pagination(
        imports=ctx.imports_of(items.inner_property),
        style=spec["style"],
        items_attr=str(items.python_name),
        item_annotation=ctx.annotation_of(items.inner_property, no_optional=True),
        page_annotation=result.annotation,
        limit_param=param("limit_param"),
        offset_param=param("offset_param") if spec["style"] == "offset" else None,
        cursor_param=param("cursor_param") if spec["style"] == "cursor" else None,
        cursor_attr=cursor_attr,
        total_attr=attr("total"),
        has_more_attr=attr("has_more"),
    )
