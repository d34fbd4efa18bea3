"""The serialization rules of parameters and form fields (`style`, `explode`, `allowReserved`,
a form's `encoding`), with the spec's defaults filled in: what chaser_core._wire encodes and
the mock decodes by."""

from __future__ import annotations

from typing import Any

from ...escaping import SpecText
from .context import SpecContext
from .types import JsonSchema, WireLocation, WireRule

# The Parameter Object's defaults ("Style Values"), and a form field's (Encoding Object).
DEFAULT_STYLES: dict[str, str] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
    "form": "form",
}
# The styles each location takes; the validate stage refuses others, so one never reaches here
# from a valid spec: the default stands in rather than failing on a repaired document.
ALLOWED_STYLES: dict[str, frozenset[str]] = {
    "path": frozenset({"simple", "label", "matrix"}),
    "query": frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
    "header": frozenset({"simple"}),
    "cookie": frozenset({"form"}),
    "form": frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
}
_SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})


def value_kind(ctx: SpecContext, schema: Any, depth: int = 0) -> str:
    """ "scalar", "array" (of scalars) or "container" (an object, a list of objects, a union
    with one of them, or a schema that does not say)."""
    schema = ctx.resolve(schema)
    if not isinstance(schema, dict) or depth > 8:
        return "container"
    variants = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(variants, list) and variants:
        kinds = {value_kind(ctx, variant, depth + 1) for variant in variants}
        return kinds.pop() if len(kinds) == 1 else "container"
    declared = schema.get("type")
    types = (
        set(declared) if isinstance(declared, list) else {declared} if isinstance(declared, str) else set()
    )
    if not types and "enum" in schema:
        return "scalar"
    if types and types <= _SCALARS:
        return "scalar"
    if types - {"null"} == {"array"}:
        return "array" if value_kind(ctx, schema.get("items") or {}, depth + 1) == "scalar" else "container"
    return "container"


def rule_of(
    ctx: SpecContext, location: WireLocation, name: str, declared: dict[str, Any], schema: JsonSchema
) -> WireRule:
    """The rule of a parameter (`declared` is the Parameter Object) or a form field (its
    Encoding Object, or {})."""
    default = DEFAULT_STYLES[location]
    style = declared.get("style")
    if not isinstance(style, str) or style not in ALLOWED_STYLES[location]:
        style = default
    explode = declared.get("explode")
    if not isinstance(explode, bool):
        explode = style == "form"
    allow_reserved = declared.get("allowReserved") is True and location in ("query", "form")
    content_type = declared.get("contentType")
    if (
        location == "form"
        and isinstance(content_type, str)
        and not {"style", "explode", "allowReserved"} & set(declared)
    ):
        # A field the encoding gives a content type only: its value is that type's text.
        return WireRule(
            location, SpecText(name), style, explode, content_type=SpecText(content_type), needs_runtime=True
        )
    kind = value_kind(ctx, schema)
    default_explode = default == "form"
    needs_runtime = (
        style != default
        or explode != default_explode
        or allow_reserved
        or kind == "container"
        or (kind == "array" and location != "query")
    )
    return WireRule(location, SpecText(name), style, explode, allow_reserved, needs_runtime=needs_runtime)


def form_rules(ctx: SpecContext, kind: str, media: dict[str, Any], schema: Any) -> tuple[WireRule, ...]:
    """The rules of the fields a form or multipart body's `encoding` map names. A multipart
    body takes only `contentType` from it: `style`, `explode` and `allowReserved` apply to
    application/x-www-form-urlencoded alone (Encoding Object)."""
    encoding = media.get("encoding")
    if kind not in ("form", "multipart") or not isinstance(encoding, dict):
        return ()
    properties = (ctx.resolve(schema) or {}).get("properties") or {}
    rules = []
    for name, entry in encoding.items():
        if not isinstance(entry, dict):
            continue
        if kind == "form":
            rules.append(rule_of(ctx, "form", str(name), entry, properties.get(name) or {}))
        elif isinstance(entry.get("contentType"), str):
            content_type = SpecText(entry["contentType"])
            rules.append(WireRule("multipart", SpecText(str(name)), "form", True, content_type=content_type))
    return tuple(rules)
