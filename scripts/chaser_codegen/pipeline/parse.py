"""The low-level layer: openapi-python-client, used as a library.

We call its parser once and hand the same parsed `GeneratorData` to the model stage and to its
renderer, so the low-level modules and our wrappers are built from one parse and cannot
disagree about a name or a type. The settings match the command line
`openapi-python-client generate --meta none --fail-on-warning`: no packaging metadata, and
every parser warning (an endpoint or schema it would skip) is an error.

Everything that touches openapi-python-client itself (its patches, its Project, its settings)
is in `opc_compat`; this module strings the parse, the repairs and the rendering together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PipelineError
from . import opc_compat
from .opc_compat import GeneratorData, GeneratorError, make_config
from .repair.log import RepairLog
from .repair.rule import named

__all__ = ["LOW_LEVEL_PACKAGE", "PARAMETER_PYTHON_NAME", "SHADOWING_NAMES", "make_config", "parse", "render"]

PARAMETER_PYTHON_NAME = named(
    "parameter-python-name",
    "parameters whose names differ only in symbols (`DateCreated<`, `DateCreated>`) would share "
    "one Python name; each gets one with its symbols spelled out (`date_created_lt`), and the "
    "name on the wire is unchanged",
)
LOW_LEVEL_PACKAGE = "_api"

# Names the endpoint module template uses itself, besides the "client" and "url" that
# openapi-python-client already reserves: a parameter named `quote` would shadow
# urllib.parse.quote inside _get_kwargs (a TypeError at call time), and one named `params`,
# `headers` or `cookies` would be overwritten by the dict of that name. Such parameters get the
# suffix openapi-python-client itself uses for its reserved names (`quote_query`); the wire
# name is unchanged. Found by tests/pipeline/test_hostile_specs.py.
SHADOWING_NAMES = frozenset(
    {"quote", "params", "headers", "cookies", "httpx", "errors", "cast", "kwargs", "response", "json_body"}
)


def parse(
    document: dict[str, Any],
    *,
    source: str,
    log: RepairLog | None = None,
    content_type_overrides: dict[str, str] | None = None,
) -> GeneratorData:
    """Parse the normalized document; repair what openapi-python-client cannot express (each
    repair goes into `log`), and fail on anything left that it would skip."""
    from .repair.lowlevel import parse_until_clean

    opc_compat.check_version()
    config = make_config(Path("unused"), content_type_overrides=dict(content_type_overrides or {}))

    def parse_once(spec: dict[str, Any]) -> GeneratorData:
        data = opc_compat.parse_document(spec, config)
        if isinstance(data, GeneratorError):
            raise PipelineError("low-level", _describe(data), location=source)
        opc_compat.forget_extension_warnings(data)
        return data

    log = log if log is not None else RepairLog()
    with opc_compat.patched(opc_compat.ParseContext()) as context:
        data = parse_until_clean(document, log, parse_once, source=source)
    for rename in dict.fromkeys(context.parameter_renames):
        log.record(
            PARAMETER_PYTHON_NAME,
            ("paths", rename.path, rename.method.lower(), "parameters"),
            before=f"{rename.wire_name} ({rename.location})",
            after=rename.python_name,
        )
    opc_compat.fix_parse(data, config, shadowing_names=SHADOWING_NAMES)
    return data


def render(
    data: GeneratorData,
    output_dir: Path,
    *,
    custom_templates: Path,
    bytecode_cache: Any = None,
) -> None:
    """Write the low-level package into output_dir: openapi-python-client's client, models and
    one module per operation (`sync`, `sync_detailed`, `asyncio`, `asyncio_detailed`, and the
    `_get_kwargs` the resources, the CLI and the MCP bridge build their requests with).

    (Content-type overrides only steer parsing, so the renderer's config needs none.)
    """
    errors = opc_compat.render_package(
        data, output_dir, custom_templates=custom_templates, bytecode_cache=bytecode_cache
    )
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
