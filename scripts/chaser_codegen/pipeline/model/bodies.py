"""Request bodies: flattened into one keyword argument per property when they fit, else passed
through as one `body` argument."""

from __future__ import annotations

from typing import Any

from ...escaping import SpecText
from ..opc_compat import Endpoint, FileProperty, ModelProperty, UnionProperty
from .context import SpecContext, text, wire_name
from .fields import as_optional, field_from
from .types import Body, BodyKind, Field, JsonSchema
from .wire import form_rules

_BODY_KINDS: dict[str, BodyKind] = {"json": "json", "files": "multipart", "data": "form"}


def body_kind(body_type: str) -> BodyKind:
    """What openapi-python-client's body type (json, files, data, content) is on the wire."""
    return _BODY_KINDS.get(body_type, "binary")


def body_of(ctx: SpecContext, endpoint: Endpoint, operation: dict[str, Any], taken: set[str]) -> Body | None:
    """The operation's body; `taken` are the parameters' names, which a flattened body must not reuse."""
    if not endpoint.bodies:
        return None
    if len(endpoint.bodies) > 1:
        # Several content types: pass the body through as the low-level union.
        annotation = " | ".join(ctx.annotation_of(b.prop, no_optional=True) for b in endpoint.bodies)
        required = all(b.prop.required for b in endpoint.bodies)
        content = (ctx.resolve(operation.get("requestBody") or {}).get("content")) or {}
        # The encoding of the form or multipart one among them (one of each at most, as the
        # low-level layer sends one form and one multipart variant).
        rules = tuple(
            rule
            for b in endpoint.bodies
            for rule in form_rules(
                ctx,
                body_kind(b.body_type.value),
                content.get(text(b.content_type)) or {},
                (content.get(text(b.content_type)) or {}).get("schema") or {},
            )
        )
        return Body(
            content_type=text(endpoint.bodies[0].content_type),
            kind=body_kind(endpoint.bodies[0].body_type.value),
            annotation=annotation,
            required=required,
            fields=(passthrough_field(ctx, endpoint, annotation, required),),
            form_rules=rules,
        )
    body = endpoint.bodies[0]
    content_type = text(body.content_type)
    kind = body_kind(body.body_type.value)
    prop = body.prop
    annotation = ctx.annotation_of(prop, no_optional=True)
    request_body = ctx.resolve(operation.get("requestBody") or {})
    media = (request_body.get("content") or {}).get(content_type) or {}
    schema = ctx.resolve(media.get("schema") or {})

    variants: list[ModelProperty] = []
    if isinstance(prop, ModelProperty):
        variants = [ctx.model(prop)]
    elif isinstance(prop, UnionProperty) and all(isinstance(p, ModelProperty) for p in prop.inner_properties):
        variants = [ctx.model(p) for p in prop.inner_properties if isinstance(p, ModelProperty)]

    flattened = (
        flatten(ctx, variants, schema, taken) if variants and kind in ("json", "multipart", "form") else None
    )
    if flattened is None:
        return Body(
            content_type=content_type,
            kind=kind,
            annotation=annotation,
            required=bool(prop.required),
            fields=(passthrough_field(ctx, endpoint, annotation, bool(prop.required)),),
            form_rules=form_rules(ctx, kind, media, schema),
        )
    fields, variant_fields = flattened
    return Body(
        form_rules=form_rules(ctx, kind, media, schema),
        content_type=content_type,
        kind=kind,
        annotation=annotation,
        required=bool(prop.required),
        fields=fields,
        variants=tuple(v.class_info.name for v in variants),
        variant_fields=variant_fields,
        imports=ctx.imports_of(prop),
    )


def passthrough_field(ctx: SpecContext, endpoint: Endpoint, annotation: str, required: bool) -> Field:
    """The whole body as one `body` argument."""
    imports: set[str] = set()
    for b in endpoint.bodies:
        imports |= ctx.imports_of(b.prop)
    props = [b.prop for b in endpoint.bodies]
    is_file = len(props) == 1 and isinstance(props[0], FileProperty)
    model_class = None
    variant_classes: tuple[str, ...] = ()
    binary_variant = False
    if is_file:
        # A raw binary body: bytes, text, a path or a file object, like any upload.
        annotation = "FileInput"
    elif len(props) == 1 and isinstance(props[0], ModelProperty):
        model_class = props[0].class_info.name
        annotation = f"{annotation} | Mapping[str, Any]"
    elif (
        len(props) == 1
        and isinstance(props[0], UnionProperty)
        and all(isinstance(p, ModelProperty) for p in props[0].inner_properties)
    ):
        # Its properties could not be flattened (a name clashes with a parameter): take the
        # union, or a plain dict that the first matching variant reads.
        variant_classes = tuple(
            p.class_info.name for p in props[0].inner_properties if isinstance(p, ModelProperty)
        )
        annotation = f"{annotation} | Mapping[str, Any]"
    elif len(props) > 1:
        # Several content types: a model of one of them, a dict the first model that takes it
        # reads, or the bytes of the binary one.
        variant_classes = tuple(p.class_info.name for p in props if isinstance(p, ModelProperty))
        binary_variant = any(isinstance(p, FileProperty) for p in props)
        annotation = " | ".join(
            [ctx.annotation_of(p, no_optional=True) for p in props if not isinstance(p, FileProperty)]
            + (["Mapping[str, Any]"] if variant_classes else [])
            + (["FileInput"] if binary_variant else [])
        )
    if model_class or variant_classes:
        imports |= {"from collections.abc import Mapping", "from typing import Any"}
    return Field(
        wire_name=SpecText("body"),
        python_name="body",
        location="body",
        annotation=annotation if required else f"{annotation} | Unset",
        required=required,
        default=None,
        description=SpecText("The request body."),
        json_schema={},
        imports=frozenset(imports),
        is_file=is_file,
        cli_kind="file" if is_file else "json",
        model_class=model_class,
        variant_classes=variant_classes,
        binary_variant=binary_variant,
    )


def flatten(
    ctx: SpecContext, variants: list[ModelProperty], schema: JsonSchema, taken: set[str]
) -> tuple[tuple[Field, ...], tuple[tuple[str, ...], ...]] | None:
    """One keyword argument per body property, or None when the properties do not fit.

    Properties of union variants merge by name; a name with different types in two
    variants, or one that collides with a parameter, keeps the body as a single argument.
    """
    by_name: dict[str, Field] = {}
    variant_fields = []
    schemas = _variant_schemas(ctx, schema)
    for index, variant in enumerate(variants):
        required_names = {str(p.python_name) for p in variant.required_properties or []}
        names = []
        variant_schema = schemas[index] if index < len(schemas) else {}
        for prop in list(variant.required_properties or []) + list(variant.optional_properties or []):
            name = str(prop.python_name)
            prop_schema = ctx.resolve(_properties(ctx, variant_schema).get(wire_name(prop), {}))
            candidate = field_from(
                ctx,
                prop,
                "body",
                prop_schema,
                deprecated=bool(isinstance(prop_schema, dict) and prop_schema.get("deprecated")),
            )
            if len(variants) > 1 and name in required_names:
                # Required in one variant only: optional in the merged signature.
                candidate = as_optional(candidate)
            names.append(name)
            existing = by_name.get(name)
            if existing is None:
                by_name[name] = candidate
            elif existing.annotation.replace(" | Unset", "") != candidate.annotation.replace(" | Unset", ""):
                return None
        variant_fields.append(tuple(names))
    # A property named like a name the method uses itself (`timeout`) is renamed with the other
    # arguments (fields.renamed), as a parameter is; one named like a parameter cannot be.
    if set(by_name) & taken:
        return None
    return tuple(by_name.values()), tuple(variant_fields)


def _variant_schemas(ctx: SpecContext, schema: JsonSchema) -> list[Any]:
    if isinstance(schema, dict) and ("oneOf" in schema or "anyOf" in schema):
        return [ctx.resolve(s) for s in schema.get("oneOf") or schema.get("anyOf") or []]
    return [schema]


def _properties(ctx: SpecContext, schema: Any, depth: int = 0) -> dict[str, Any]:
    """An object schema's properties, those its `allOf` parts declare included (OpenAI composes
    its request bodies so): the schema of each flattened argument, for examples and the CLI."""
    schema = ctx.resolve(schema)
    if not isinstance(schema, dict) or depth > 16:
        return {}
    merged: dict[str, Any] = {}
    for part in schema.get("allOf") or []:
        merged.update(_properties(ctx, part, depth + 1))
    merged.update(schema.get("properties") or {})
    return merged
