"""Python names derived from spec names: always ASCII identifiers, never keywords."""

from __future__ import annotations

import builtins
import keyword
import re

from openapi_python_client import strings as oapc_strings

from .pipeline.repair.naming import pascal

# Methods and attributes every generated resource already has.
RESERVED_MEMBER_NAMES = frozenset({"with_raw_response", "builtins"})

# The per-call options every generated method takes, in RequestOptions' field order, as the
# method's signature declares them (the templates render both from here).
PER_CALL_OPTIONS = {
    "extra_headers": "Headers | None = None",
    "extra_query": "Query | None = None",
    "extra_body": "Body | None = None",
    "timeout": "Timeout | NotGiven = NOT_GIVEN",
    "max_retries": "int | NotGiven = NOT_GIVEN",
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
    return oapc_strings.snake_case(value)


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
