"""openapi-python-client's parse of the normalized document, repaired until it is clean.

We call its parser once and hand the same parsed `GeneratorData` to the model stage and to the
renderer of the low-level package (`_api`), so the low-level modules and our wrappers are built
from one parse and cannot disagree about a name or a type. The settings match the command line
`openapi-python-client generate --meta none --fail-on-warning`: no packaging metadata, and
every parser warning (an endpoint or schema it would skip) is an error.

Everything that touches openapi-python-client itself (its patches, its Project, its settings)
is in `opc_compat`; this module strings the parse and the repairs together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PipelineError
from ..names import ENDPOINT_MODULE_NAMES
from . import opc_compat
from .opc_compat import GeneratorData, GeneratorError, make_config
from .repair.log import RepairLog
from .repair.rule import named

__all__ = ["PARAMETER_PYTHON_NAME", "describe_error", "make_config", "parse"]

PARAMETER_PYTHON_NAME = named(
    "parameter-python-name",
    "parameters whose names differ only in symbols (`DateCreated<`, `DateCreated>`) would share "
    "one Python name; each gets one with its symbols spelled out (`date_created_lt`), and the "
    "name on the wire is unchanged",
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
    from .repair.parse_errors import DocumentRejected, ParserCrashed, parse_until_clean

    opc_compat.check_version()
    config = make_config(Path("unused"), content_type_overrides=dict(content_type_overrides or {}))

    def parse_once(spec: dict[str, Any]) -> GeneratorData:
        try:
            data = opc_compat.parse_document(spec, config)
        except Exception as exc:  # the fallback net narrows a crash down to the unit at fault
            raise ParserCrashed(f"{type(exc).__name__}: {exc}") from exc
        if isinstance(data, GeneratorError):
            rejected = opc_compat.document_errors(spec)
            if rejected:
                raise DocumentRejected(rejected)
            raise PipelineError("low-level", describe_error(data), location=source)
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
    opc_compat.fix_parse(data, config, shadowing_names=ENDPOINT_MODULE_NAMES)
    return data


def describe_error(error: GeneratorError) -> str:
    """One line for an error openapi-python-client reports, with the start of what it is about."""
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
