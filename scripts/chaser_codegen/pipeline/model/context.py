"""What every builder reads: the normalized spec, openapi-python-client's parse of it, and
where an error points. The builder modules are functions of a `SpecContext`."""

from __future__ import annotations

import re
from typing import Any

from ... import refs
from ...errors import PipelineError, json_pointer
from ...names import LOW_LEVEL_PACKAGE
from ..opc_compat import Endpoint, GeneratorData, ModelProperty, Property, PropertyProtocol

Pointer = tuple[str | int, ...]


class SpecContext:
    def __init__(self, document: dict[str, Any], data: GeneratorData, package: str, source: str) -> None:
        self.document = document
        self.data = data
        self.package = package
        self.source = source
        self.low_level = f"{package}.{LOW_LEVEL_PACKAGE}"
        # The processed models (with their properties filled in); a model reached through a union
        # or a reference may be an unprocessed copy, so look models up here by class name.
        self.models: dict[str, ModelProperty] = {m.class_info.name: m for m in data.models}
        self.endpoints: dict[tuple[str, str], tuple[str, Endpoint]] = {}
        for tag, collection in data.endpoint_collections_by_tag.items():
            for endpoint in collection.endpoints:
                path = endpoint.path.get_untrusted_value()
                wire_names = tuple(text(p.name) for p in endpoint.path_parameters)
                self.endpoints[(endpoint.method.lower(), path_shape(path, wire_names))] = (
                    str(tag),
                    endpoint,
                )

    def endpoint(self, method: str, path: str) -> tuple[str, Endpoint] | None:
        """(tag, endpoint) openapi-python-client parsed for the operation, or None."""
        placeholders = tuple(dict.fromkeys(re.findall(r"{([^}]*)}", path)))  # a repeat is one parameter
        return self.endpoints.get((method, path_shape(path, placeholders)))

    def model(self, prop: ModelProperty) -> ModelProperty:
        return self.models.get(prop.class_info.name, prop)

    def error(self, message: str, *pointer: str | int, hint: str | None = None) -> PipelineError:
        return PipelineError("model", message, location=f"{self.source} {json_pointer(*pointer)}", hint=hint)

    def resolve(self, value: Any) -> Any:
        """What a value of the spec stands for, through local $refs."""
        return refs.resolve(self.document, value)

    def imports_of(self, prop: PropertyProtocol) -> frozenset[str]:
        prefix = f"{self.low_level}."
        lines = set(prop.get_imports(prefix=prefix))
        lazy = getattr(prop, "get_lazy_imports", None)
        if lazy is not None:
            lines |= set(lazy(prefix=prefix))
        return frozenset(lines)

    def annotation_of(self, prop: PropertyProtocol, *, no_optional: bool = False) -> str:
        return prop.get_type_string(no_optional=no_optional).as_unembedded_code()


def text(value: object) -> str:
    """The text of a value openapi-python-client may have wrapped as untrusted."""
    if value is None:
        return ""
    if hasattr(value, "get_untrusted_value"):
        return str(value.get_untrusted_value())
    return str(value)


def wire_name(prop: PropertyProtocol) -> str:
    """A property's or parameter's name as the spec wrote it."""
    return text(prop.name)


def properties_by_wire_name(model: ModelProperty) -> dict[str, Property]:
    return {wire_name(p): p for p in (model.required_properties or []) + (model.optional_properties or [])}


def path_shape(path: str, wire_names: tuple[str, ...]) -> str:
    """A path with its placeholders blanked, then the wire names of its parameters in order.

    openapi-python-client renames placeholders after their Python names ({from} -> {from_}),
    so the names are compared as the spec wrote them; OpenAPI forbids two paths that differ
    only in those names, but real specs have them (/v2/{name} next to /v2/{parent}).
    """
    return re.sub(r"{[^}]*}", "{}", path) + "\0" + "\0".join(wire_names)
