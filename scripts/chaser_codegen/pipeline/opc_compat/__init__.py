"""Everything the pipeline needs from openapi-python-client, in one place.

openapi-python-client (pinned at OAPC_VERSION) parses the document and renders the low-level
package. We use it as a library, and where it falls short we patch its parser, fix its parse,
override two of its Project's private steps and three of its templates. All of that lives here:

- `patches.py`: each patch of the parser and each fix applied to a parse, registered in
  `PATCHES` with what it fixes and its upstream issue or pull request;
- `project.py`: the Project subclass that renders the low-level package;
- `TEMPLATE_OVERRIDES` below: the templates of templates/openapi-python-client/;
- `surface.py`: every internal of openapi-python-client that this package touches, with the
  signature it relies on, checked against the installed version by
  tests/pipeline/test_opc_compat.py (an upgrade fails there, by name, first).

The rule: only this package imports `openapi_python_client`. The rest of the pipeline imports
from here what it reads: the types of a parse (GeneratorData, Endpoint, the property classes),
the few helpers whose spelling both layers must share (snake_case, ClassName), `make_config`,
`parse_document` and `render_package`. Nothing outside this package replaces, wraps or subclasses
anything of openapi-python-client; tests/pipeline/test_opc_compat.py scans the sources for it.
CONTRIBUTING.md says how to upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openapi_python_client
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError, ParseError, PropertyError
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties import Property
from openapi_python_client.parser.properties.any import AnyProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.const import ConstProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.enum_property import EnumProperty
from openapi_python_client.parser.properties.file import FileProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.literal_enum_property import LiteralEnumProperty
from openapi_python_client.parser.properties.model_property import ModelProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.parser.properties.uuid import UuidProperty
from openapi_python_client.parser.responses import HTTPStatusPattern
from openapi_python_client.strings import ClassName, get_content_type, snake_case

from ...errors import PipelineError
from .patches import (
    PATCHES,
    ParameterRename,
    ParseContext,
    Patch,
    forget_extension_warnings,
    import_unset_for_body_unions,
    patched,
    rename_shadowing_parameters,
    rendering,
)
from .project import LowLevelProject, default_start_method

__all__ = [
    "OAPC_VERSION",
    "PATCHES",
    "TEMPLATE_OVERRIDES",
    "AnyProperty",
    "BooleanProperty",
    "ClassName",
    "Config",
    "ConstProperty",
    "DateProperty",
    "DateTimeProperty",
    "Endpoint",
    "EnumProperty",
    "FileProperty",
    "FloatProperty",
    "GeneratorData",
    "GeneratorError",
    "HTTPStatusPattern",
    "IntProperty",
    "ListProperty",
    "LiteralEnumProperty",
    "ModelProperty",
    "NoneProperty",
    "ParameterRename",
    "ParseContext",
    "ParseError",
    "Patch",
    "Property",
    "PropertyError",
    "PropertyProtocol",
    "StringProperty",
    "TemplateOverride",
    "UnionProperty",
    "UuidProperty",
    "check_version",
    "default_start_method",
    "document_errors",
    "fix_parse",
    "forget_extension_warnings",
    "get_content_type",
    "make_config",
    "parse_document",
    "patched",
    "render_package",
    "snake_case",
]

OAPC_VERSION = "0.29.1"


@dataclass(frozen=True)
class TemplateOverride:
    """A template of templates/openapi-python-client/ that replaces upstream's of that name."""

    template: str
    fixes: str
    upstream: str
    name: str  # docs/upstream/<name>.md


_UPSTREAM = "https://github.com/openapi-generators/openapi-python-client"

TEMPLATE_OVERRIDES: tuple[TemplateOverride, ...] = (
    TemplateOverride(
        "models_init.py.jinja",
        "models/__init__.py imports every model module as soon as one model is used (over 3 s of "
        "CPU for the 3,400 models of OpenAI's spec); ours imports each on first use (PEP 562).",
        "no upstream issue yet",
        "lazy-models-init",
    ),
    TemplateOverride(
        "literal_enum.py.jinja",
        "check_<enum>() raises TypeError for a value the spec does not list, so a server that "
        "adds one breaks every installed client; ours keeps an unknown value of the right type.",
        f"no upstream issue yet (literal enums came with {_UPSTREAM}/pull/1142)",
        "open-literal-enums",
    ),
    TemplateOverride(
        "property_templates/union_property.py.jinja",
        "for an optional body that is a union of models, transform(skip_unset=True) drops the "
        "Unset guard and calls UNSET.to_dict(); ours keeps the guard.",
        f"{_UPSTREAM}/issues/1354 (left open for unions by {_UPSTREAM}/pull/1357)",
        "optional-union-body",
    ),
    TemplateOverride(
        "property_templates/boolean_property.py.jinja",
        "a boolean multipart part is written as str(value), 'True' or 'False', which no reader of "
        "the spec takes for a boolean; ours writes 'true' or 'false', as JSON and upstream's own "
        "header macro do.",
        "no upstream issue yet",
        "multipart-booleans",
    ),
)


def check_version() -> None:
    """The patches, overrides and surface are for one release: refuse any other."""
    if openapi_python_client.__version__ != OAPC_VERSION:
        raise PipelineError(
            "low-level",
            f"openapi-python-client {openapi_python_client.__version__} is installed; the "
            f"compatibility layer is for {OAPC_VERSION} (CONTRIBUTING.md, 'Upgrading openapi-python-client')",
        )


def make_config(output_dir: Path, config_file: ConfigFile | None = None, **overrides: Any) -> Config:
    """The settings of `openapi-python-client generate --meta none`, with ours."""
    config_file = config_file or ConfigFile(
        # We run ruff once over the whole package afterwards (format stage), not per layer.
        post_hooks=[],
        # Enums as Literal types: callers pass plain strings (session_type="sandbox"), and our
        # literal_enum template override keeps values a newer API adds instead of failing.
        literal_enums=True,
        docstrings_on_attributes=True,
        **overrides,
    )
    return Config.from_sources(
        config_file,
        MetaType.NONE,
        document_source=Path("openapi.json"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=output_dir,
    )


def parse_document(document: dict[str, Any], config: Config) -> GeneratorData | GeneratorError:
    """openapi-python-client's parse of a document, as it is (call it inside `patched`)."""
    return GeneratorData.from_dict(document, config=config)


def document_errors(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Where openapi-python-client's pydantic model of OpenAPI refuses a document, each error with
    its location (`loc`): 0.29.1's parse reports them only as one string ("Failed to parse
    OpenAPI document"). Empty when the model accepts the document."""
    from openapi_python_client.schema import OpenAPI
    from pydantic import ValidationError

    try:
        OpenAPI.model_validate(document)
    except ValidationError as exc:
        return [dict(error) for error in exc.errors(include_url=False, include_input=False)]
    return []


def fix_parse(data: GeneratorData, config: Config, *, shadowing_names: frozenset[str]) -> None:
    """The fixes applied to a clean parse (see PATCHES): template-local names and Unset imports."""
    rename_shadowing_parameters(data, config, shadowing_names)
    import_unset_for_body_unions(data)


def render_package(
    data: GeneratorData, output_dir: Path, *, custom_templates: Path, bytecode_cache: Any = None
) -> list[GeneratorError]:
    """Render the low-level package into output_dir; the errors openapi-python-client reports."""
    project = LowLevelProject(
        openapi=data, config=make_config(output_dir), custom_template_path=custom_templates
    )
    project.env.bytecode_cache = bytecode_cache
    # Project.build prints "Generating <dir>"; that is its only output and harmless.
    with rendering():
        return list(project.build())
