"""The names `chaser_core.types` exports: every model and enum of the low-level layer.

openapi-python-client writes each model and enum to its own module under `<package>._api.models`;
users should never import from there. `types.py` re-exports them all, lazily, under their class
names. The names are openapi-python-client's own sanitized identifiers, checked again here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PipelineError
from .opc_compat import GeneratorData, ModelProperty


@dataclass(frozen=True)
class PublicType:
    name: str  # the class (or Literal alias) name
    module: str  # its module under <package>._api.models
    kind: str  # "model" or "enum"


def public_types(data: GeneratorData | None, *, source: str) -> list[PublicType]:
    """Every model and enum openapi-python-client generated from the spec, sorted by name."""
    if data is None:
        return []
    found: dict[str, PublicType] = {}
    for prop in [*data.models, *data.enums]:
        name, module = str(prop.class_info.name), str(prop.class_info.module_name)
        if not (name.isidentifier() and module.isidentifier()):
            raise PipelineError(
                "render", f"the model name {name!r} ({module!r}) is not an identifier", location=source
            )
        found[name] = PublicType(name, module, "model" if isinstance(prop, ModelProperty) else "enum")
    return sorted(found.values(), key=lambda t: t.name)
