"""What the contract tests derive from the spec: call arguments, response strategies, checks.

Nothing here names an endpoint. Every value comes from the intermediate model of the overlaid
spec (tests/spec_model.py) or from the operation's JSON Schema, so a new or changed operation
is exercised the moment it is generated.
"""

from __future__ import annotations

import copy
import importlib
import json
from dataclasses import dataclass
from typing import Any

from chaser_codegen import refs
from chaser_codegen.pipeline.model import Field, Operation
from chaser_codegen.pipeline.render.cli import cli_keyword, cli_options
from chaser_core.testing import example_for
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from tests.spec_model import overlaid_spec

KNOWN_FORMATS = {"date-time", "date", "time", "email", "uuid", "uri", "ipv4", "ipv6", "hostname"}
MAX_DEREF_DEPTH = 8


def resolve(schema: Any) -> Any:
    return refs.resolve(overlaid_spec(), schema)


def standalone(schema: Any, depth: int = 0) -> Any:
    """The schema with every $ref inlined and OpenAPI-only keywords removed (for hypothesis)."""
    if isinstance(schema, list):
        return [standalone(item, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return standalone(resolve(schema), depth + 1) if depth < MAX_DEREF_DEPTH else {}
    result = {}
    for key, value in schema.items():
        if key.startswith("x-") or key in (
            "description",
            "title",
            "example",
            "examples",
            "discriminator",
            "xml",
        ):
            continue
        if key == "format" and value not in KNOWN_FORMATS:
            continue
        if key == "properties":
            result[key] = {name: standalone(sub, depth) for name, sub in value.items()}
        else:
            result[key] = standalone(value, depth)
    return result


def success_response(op: Operation) -> tuple[int, str | None, Any]:
    """(status, media type, schema) of the first documented success response."""
    responses = overlaid_spec()["paths"][op.path][op.method].get("responses") or {}
    code = next((key for key in responses if str(key).startswith("2")), None)
    response = resolve(responses.get(code) if code else responses.get("default")) or {}
    content = response.get("content") or {}
    media = next(iter(content), None)
    status = int(code) if code and code.isdigit() else 200
    if media is None and code == "2XX":
        status = 204
    return status, media, (content[media].get("schema") if media else None)


_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {}


def response_strategy(op: Operation) -> st.SearchStrategy[Any]:
    if op.key not in _STRATEGIES:
        _, media, schema = success_response(op)
        if media is None or not (media == "application/json" or media.endswith("+json")):
            _STRATEGIES[op.key] = st.none()
        else:
            _STRATEGIES[op.key] = from_schema(standalone(schema), allow_x00=False)
    return _STRATEGIES[op.key]


@dataclass
class Call:
    """The arguments of one call, in each form a surface takes them."""

    path: list[str]  # path parameter values (with characters that must be percent-encoded)
    keywords: dict[str, Any]  # wrapper keyword arguments (arg_name -> value)
    extra_body: dict[str, Any]  # complex JSON fields sent through extra_body
    wire_body: dict[str, Any]  # the body as JSON, by wire name
    low_level: dict[str, Any]  # low-level keyword arguments (python_name -> value)
    cli: list[str]  # command-line words after the command name


def field_value(field: Field, index: int) -> Any:
    if field.is_file:
        return b"file-bytes-\x00\xff"
    value = example_for(field.json_schema)
    if field.cli_kind == "string" and isinstance(value, str) and not field.json_schema.get("format"):
        value = f"value {index} & ü"
    return value


def build_call(op: Operation, tmp_path) -> Call:
    path = [f"{f.arg_name}-{index} /%?#" for index, f in enumerate(op.path_params)]
    keywords: dict[str, Any] = {}
    extra_body: dict[str, Any] = {}
    wire_body: dict[str, Any] = {}
    low_level: dict[str, Any] = {}
    cli: list[str] = list(path)
    flattened = op.body is not None and op.body.flattened
    chosen = _variant_fields(op)
    for index, (field, option) in enumerate(cli_options(op)):
        if field.location == "body" and (not flattened or field.python_name not in chosen):
            continue
        value = field_value(field, index)
        if field.location == "body":
            wire_body[field.wire_name.raw] = value
        else:
            low_level[field.python_name] = value
        if field.location != "body" or cli_keyword(field):
            keywords[field.arg_name] = value
        else:
            extra_body[field.wire_name.raw] = value
        cli += _cli_words(field, option, value, tmp_path)
    return Call(path, keywords, extra_body, wire_body, low_level, cli)


def _variant_fields(op: Operation) -> set[str]:
    """The fields of the body variant the call fills (the first one, for a union body)."""
    if op.body is None or not op.body.flattened:
        return set()
    return set(op.body.variant_fields[0])


def _cli_words(field: Field, option: str, value: Any, tmp_path) -> list[str]:
    if field.cli_kind == "boolean":
        return [f"--{option}" if value else f"--no-{option}"]
    if field.cli_kind == "list":
        return [word for item in value for word in (f"--{option}", str(item))]
    if field.cli_kind == "file":
        local = tmp_path / f"{field.python_name}.bin"
        local.write_bytes(value)
        return [f"--{option}", f"@{local}"]
    if field.cli_kind == "json":
        return [f"--{option}", json.dumps(value)]
    return [f"--{option}", str(value)]


def jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    return value


def expected_result(op: Operation, body: Any) -> Any:
    """What the typed result should serialize back to, for a response body."""
    if op.result.unwrap is not None:
        wire = next(
            (
                name
                for name in (body or {})
                if name.replace("-", "_") == op.result.unwrap or name == op.result.unwrap
            ),
            op.result.unwrap,
        )
        return body[wire]
    return body


def low_level_body(op: Operation, call: Call) -> Any:
    """The low-level body model, built the way its own from_dict reads JSON."""
    if op.body is None or not op.body.flattened:
        return None
    models = importlib.import_module("chaser_core._api.models")
    cls = getattr(models, op.body.variants[0])
    return cls.from_dict(copy.deepcopy(call.wire_body))


def low_level_module(op: Operation) -> Any:
    return importlib.import_module(f"chaser_core._api.api.{op.low_level_module}")
