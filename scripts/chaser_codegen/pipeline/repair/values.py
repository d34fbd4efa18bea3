"""Repairs to values written in the spec: defaults and examples that their own schema rejects.

A default the schema rejects cannot be what the API does, and the generator turns defaults into
Python values (it refuses `default: []` on a string enum, or a date that does not parse). An
example the schema rejects would make the mock in `chaser_core.testing` answer with a body the
spec forbids. Both are removed, and recorded; the schema itself is left alone.

Values are checked with the JSON Schema dialect of the document's version (openapi-schema-
validator's OAS 3.0 and 3.1 validators), with `$ref`s resolved in the document, and with the
formats the generated code parses (`date`, `date-time`, `uuid`) checked the way it parses them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from ...errors import json_pointer
from .log import ABSENT
from .rule import Context, rule
from .walk import Node

_DOCUMENT_URI = "urn:chaser-codegen:spec"


def _parses_as_datetime(value: object) -> bool:
    from dateutil.parser import isoparse

    if not isinstance(value, str):
        return True  # formats constrain strings only
    try:
        isoparse(value)
    except (ValueError, OverflowError):
        return False
    return True


def _parses_as_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return _parses_as_datetime(value)
    return True


def _parses_as_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date-time")(_parses_as_datetime)
    checker.checks("date")(_parses_as_date)
    checker.checks("uuid")(_parses_as_uuid)
    return checker


class ValueChecker:
    """Is a value valid against the schema at a location of the document?"""

    def __init__(self, document: dict[str, Any], version: str) -> None:
        from openapi_schema_validator import OAS30Validator, OAS31Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        specification = DRAFT202012 if version == "3.1" else DRAFT4
        resource = Resource.from_contents(document, default_specification=specification)
        self._registry: Any = Registry().with_resource(_DOCUMENT_URI, resource)
        self._validator_class: Any = OAS31Validator if version == "3.1" else OAS30Validator

    def accepts(self, schema_path: tuple[str | int, ...], value: Any) -> bool:
        target = {"$ref": _DOCUMENT_URI + json_pointer(*schema_path)}
        validator = self._validator_class(target, registry=self._registry, format_checker=_format_checker())
        try:
            return bool(validator.is_valid(value))
        except Exception:
            # A schema the validator cannot evaluate (a dangling $ref, a bad pattern): the
            # value is not what is wrong here, and the validate stage names the schema.
            return True


def _checker(ctx: Context) -> ValueChecker:
    checker = ctx.memo.get("value-checker")
    if not isinstance(checker, ValueChecker):
        checker = ctx.memo["value-checker"] = ValueChecker(ctx.document, ctx.version)
    return checker


def _remove_if_rejected(node: Node, ctx: Context, key: str, accepts: Callable[[Any], bool]) -> None:
    if key in node.value and not accepts(node.value[key]):
        before = node.value.pop(key)
        ctx.record((*node.path, key), before=before)


@rule(
    "default-not-in-schema",
    "a default its own schema rejects cannot be what the API does (and the generator refuses "
    "it); it is removed, and the parameter or field simply has no default",
    kinds={"schema"},
)
def default_not_in_schema(node: Node, ctx: Context) -> None:
    if "default" not in node.value:
        return
    checker = _checker(ctx)
    value = node.value["default"]
    if value is None and node.value.get("nullable") is True:
        return
    _remove_if_rejected(node, ctx, "default", lambda value: checker.accepts(node.path, value))


@rule(
    "example-not-in-schema",
    "an example its own schema rejects would make mocks and docs show a body the API never "
    "sends; it is removed",
    kinds={"schema", "media-type", "parameter", "header"},
)
def example_not_in_schema(node: Node, ctx: Context) -> None:
    checker = _checker(ctx)
    if node.kind == "schema":
        schema_path: tuple[str | int, ...] = node.path
    elif isinstance(node.value.get("schema"), dict):
        schema_path = (*node.path, "schema")
    else:
        return
    _remove_if_rejected(node, ctx, "example", lambda value: checker.accepts(schema_path, value))
    examples = node.value.get("examples")
    if node.kind == "schema" and isinstance(examples, list):
        kept = [value for value in examples if checker.accepts(schema_path, value)]
        if len(kept) != len(examples):
            ctx.record((*node.path, "examples"), before=examples, after=kept if kept else ABSENT)
            if kept:
                node.value["examples"] = kept
            else:
                del node.value["examples"]
