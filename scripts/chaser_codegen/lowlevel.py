"""The low-level layer: openapi-python-client, used as a library.

We call its parser once and hand the same parsed `GeneratorData` to the model stage and to its
renderer, so the low-level modules and our wrappers are built from one parse and cannot
disagree about a name or a type. The settings match the command line
`openapi-python-client generate --meta none --fail-on-warning`: no packaging metadata, and
every parser warning (an endpoint or schema it would skip) is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError

from .errors import PipelineError

OAPC_VERSION = "0.29.1"
LOW_LEVEL_PACKAGE = "_api"


def make_config(output_dir: Path) -> Config:
    config_file = ConfigFile(
        # We run ruff once over the whole package afterwards (format stage), not per layer.
        post_hooks=[],
        # Enums as Literal types: callers pass plain strings (session_type="sandbox"), and our
        # literal_enum template override keeps values a newer API adds instead of failing.
        literal_enums=True,
        docstrings_on_attributes=True,
    )
    return Config.from_sources(
        config_file,
        MetaType.NONE,
        document_source=Path("openapi.json"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=output_dir,
    )


def parse(document: dict[str, Any], *, source: str) -> GeneratorData:
    """Parse the normalized document; every warning openapi-python-client reports is fatal."""
    config = make_config(Path("unused"))
    data = GeneratorData.from_dict(document, config=config)
    if isinstance(data, GeneratorError):
        raise PipelineError("low-level", _describe(data), location=source)
    problems: list[str] = [_describe(error) for error in data.errors]
    for collection in data.endpoint_collections_by_tag.values():
        problems.extend(_describe(error) for error in collection.parse_errors)
    if not problems:
        _rename_shadowing_parameters(data, config)
    if problems:
        raise PipelineError(
            "low-level",
            "openapi-python-client cannot generate part of the spec (it would skip it):\n    "
            + "\n    ".join(problems),
            location=source,
            hint="fix the construct with the overlay or the normalizer, or list the operation in spec/exclusions.yaml with a reason",
        )
    return data


# Names the endpoint module template uses itself, besides the "client" and "url" that
# openapi-python-client already reserves: a parameter named `quote` would shadow
# urllib.parse.quote inside _get_kwargs (a TypeError at call time), and one named `params`,
# `headers` or `cookies` would be overwritten by the dict of that name. Such parameters get the
# suffix openapi-python-client itself uses for its reserved names (`quote_query`); the wire
# name is unchanged. Found by tests/pipeline/test_hostile_specs.py.
SHADOWING_NAMES = frozenset(
    {"quote", "params", "headers", "cookies", "httpx", "errors", "cast", "kwargs", "response", "json_body"}
)


def _rename_shadowing_parameters(data: GeneratorData, config: Config) -> None:
    from openapi_python_client.schema.untrusted_string import UntrustedString

    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            for location, prop in endpoint.iter_all_parameters():
                if prop.python_name in SHADOWING_NAMES:
                    prop.set_python_name(
                        new_name=UntrustedString(f"{prop.python_name}_{location}"), config=config
                    )


def render(
    data: GeneratorData, output_dir: Path, *, custom_templates: Path, bytecode_cache: Any = None
) -> None:
    """Write the low-level package (client, models, endpoint modules) into output_dir."""
    project = Project(openapi=data, config=make_config(output_dir), custom_template_path=custom_templates)
    project.env.bytecode_cache = bytecode_cache
    # Project.build prints "Generating <dir>"; that is its only output and harmless.
    errors = project.build()
    if errors:
        raise PipelineError(
            "low-level", "; ".join(_describe(error) for error in errors), location=str(output_dir)
        )


def _describe(error: GeneratorError) -> str:
    header = error.header or type(error).__name__
    detail = f": {error.detail}" if error.detail else ""
    data = getattr(error, "data", None)
    where = ""
    if data is not None and hasattr(data, "model_dump"):
        try:
            dumped = data.model_dump(mode="json", exclude_none=True)
            where = f" (in {str(dumped)[:200]})"
        except Exception:
            where = ""
    return f"{header}{detail}{where}".replace("\n", " ")
