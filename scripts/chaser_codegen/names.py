"""Python names derived from spec names: always ASCII identifiers, never keywords."""

from __future__ import annotations

import builtins
import keyword
import re

from . import runtime_source
from .pipeline.opc_compat import snake_case
from .pipeline.repair.naming import pascal

# The package inside the SDK that holds openapi-python-client's low-level layer.
LOW_LEVEL_PACKAGE = "_api"

# -- reserved names: the names generated code uses itself, in one place ---------------------------
# A name from the spec that equals one of these is renamed where it would be used; each set says
# where that is, since each place compares and renames in its own way (the wire name never changes).

# Methods and attributes every generated resource already has (an operation of this name is
# named after its operation id instead).
RESERVED_MEMBER_NAMES = frozenset({"with_raw_response", "builtins"})

# What the generated clients (`Chaser`, `AsyncChaser`) have besides their resources: the runtime's
# public members (templates/runtime/_base_client.py) and their own. A top-level resource of one of
# these names, or of a credential's name (`client.api_key`), takes a trailing underscore.
CLIENT_MEMBER_NAMES = frozenset(
    {"account", "base_url", "build_url", "close", "download", "max_retries", "parse_response", "request",
     "send_request", "timeout", "with_account", "with_options"}
)  # fmt: skip

# Names every generated endpoint or model module imports (openapi-python-client's templates and
# ours): a model of one of these names would shadow it. Lower-cased, as model names compare; such a
# model gets the suffix `Model`.
MODULE_IMPORT_NAMES = frozenset(
    {
        "client",
        "authenticatedclient",
        "response",
        "file",
        "filetypes",
        "unset",
        "httpstatus",
        "any",
        "cast",
        "errors",
        # What the generated resource and CLI modules import from the runtime by name (a model
        # called Query, as in one vendor's time-series API, shadowed `_types.Query`: ruff F811).
        "asyncapiresource",
        "syncapiresource",
        "asyncpaginator",
        "syncpage",
        "paginationspec",
        "asyncstream",
        "stream",
        "body",
        "headers",
        "query",
        "timeout",
        "notgiven",
        "requestoptions",
        "fileinput",
        "bridgespec",
        "waiterspec",
        "literal",
        "mapping",
        "io",
    }
)

# Names the low-level endpoint module template uses itself, besides the "client" and "url" that
# openapi-python-client already reserves: a parameter named `quote` would shadow
# urllib.parse.quote inside _get_kwargs (a TypeError at call time), and one named `params`,
# `headers` or `cookies` would be overwritten by the dict of that name. Such parameters get the
# suffix openapi-python-client itself uses for its reserved names (`quote_query`). Found by
# tests/pipeline/test_hostile_specs.py.
ENDPOINT_MODULE_NAMES = frozenset(
    {"quote", "params", "headers", "cookies", "httpx", "errors", "cast", "kwargs", "response", "json_body"}
)

# The per-call options every generated method takes: the fields of the runtime's RequestOptions
# (templates/runtime/_types.py), their only definition. Each method declares them as the class
# does (`timeout: Timeout | NotGiven = NOT_GIVEN`) and passes them to it by keyword.
PER_CALL_OPTIONS = {
    name: f"{annotation} = {default}" if default is not None else annotation
    for name, annotation, default in runtime_source.named_tuple_fields("_types.py", "RequestOptions")
}
# The arguments a waiter (`wait_until_ready(id, timeout=, interval=)`) and a download
# (`download_to_file(id, destination)`) add to those of their operation.
WAITER_ARGUMENTS = ("timeout", "interval")
DOWNLOAD_ARGUMENTS = ("destination",)
# Names the generated method bodies use (resources/*.py and _cli/commands/*.py).
METHOD_BODY_NAMES = (
    "self", "body", "cast", "to_file", "pick_variant", "as_model", "as_optional_model", "as_variant", "wait", "async_wait",
    "sync_paginate", "open_stream", "async_open_stream", "builtins", "os", "IO", "Any", "Mapping",
    "cli_state", "kwargs", "client", "resource", "page", "stream", "result", "raw_headers", "async_first_page_raw",
)  # fmt: skip
# Argument names the generated methods use themselves: a parameter or a body property with one of
# these names keeps its place in the signature under the name with a trailing underscore
# (`timeout_`), wherever it is sent.
RESERVED_ARGUMENT_NAMES = frozenset(
    {*PER_CALL_OPTIONS, *WAITER_ARGUMENTS, *DOWNLOAD_ARGUMENTS, *METHOD_BODY_NAMES}
)

# Builtin types that appear in generated annotations. A resource method with one of these
# names shadows the builtin inside the class body, so its annotations must say builtins.list.
ANNOTATION_BUILTINS = (
    "list",
    "dict",
    "set",
    "tuple",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "type",
    "object",
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def snake(value: str) -> str:
    """snake_case using openapi-python-client's word splitting, so both layers agree."""
    return snake_case(value)


def ascii_identifier(value: str, *, prefix: str) -> str | None:
    """A snake_case ASCII identifier for `value`, or None when nothing usable remains."""
    name = snake(value)
    name = "".join(char for char in name if char.isascii())
    name = re.sub(r"_+", "_", name).strip("_")
    if not name:
        return None
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = f"{name}_"
    return name if _IDENTIFIER.match(name) else None


def class_name(parts: list[str] | tuple[str, ...]) -> str:
    """A PascalCase class name from snake_case parts: ("sessions", "files") -> SessionsFiles."""
    return pascal(" ".join(parts))


def kebab(value: str) -> str:
    return value.replace("_", "-")


def is_safe_identifier(value: str) -> bool:
    return bool(_IDENTIFIER.match(value)) and not keyword.iskeyword(value)


def qualify_builtins(annotation: str, shadowed: frozenset[str]) -> str:
    """Rewrite `list[...]` to `builtins.list[...]` for the builtins a class body shadows."""
    if not shadowed:
        return annotation
    pattern = r"(?<![\w.])(" + "|".join(sorted(shadowed)) + r")\b"
    return re.sub(pattern, r"builtins.\1", annotation)


def shadowed_builtins(member_names: set[str]) -> frozenset[str]:
    return frozenset(name for name in ANNOTATION_BUILTINS if name in member_names and hasattr(builtins, name))
