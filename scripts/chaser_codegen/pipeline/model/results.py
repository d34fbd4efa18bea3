"""What an operation returns, and the parser that reads it from the response."""

from __future__ import annotations

from typing import Any

from ... import directives
from ..opc_compat import (
    AnyProperty,
    Endpoint,
    FileProperty,
    HTTPStatusPattern,
    ModelProperty,
    PropertyProtocol,
)
from .context import Pointer, SpecContext, wire_name
from .parsers import is_precise_type, parser_of
from .types import Parser, ParserKind, Result, ResultKind


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def is_success(status_code: HTTPStatusPattern) -> bool:
    # A pattern without a range is `default`, which is no success of its own.
    return status_code.range is not None and 200 <= status_code.range[0] <= 299


def success_model(endpoint: Endpoint) -> ModelProperty | None:
    """The model of the operation's first successful response that has one."""
    for response in endpoint.responses.patterns:
        if is_success(response.status_code) and isinstance(response.prop, ModelProperty):
            return response.prop
    return None


def _raw_response_for(responses: dict[str, Any], status_code: HTTPStatusPattern) -> Any:
    if status_code.range is None:
        return responses.get("default")
    low, high = status_code.range
    for key, value in responses.items():
        key_text = str(key).upper()
        if key_text == f"{str(low)[0]}XX" and low != high:
            return value
        if key_text.isdigit() and int(key_text) == low == high:
            return value
    return None


def accept_of(ctx: SpecContext, operation: dict[str, Any]) -> str:
    """The Accept header of an operation: the media types of its success responses, in the spec's
    order; JSON when none has a body (what the error bodies are)."""
    media: dict[str, None] = {}
    for status, response in (operation.get("responses") or {}).items():
        if str(status).upper().startswith("2"):
            for content_type in (ctx.resolve(response) or {}).get("content") or {}:
                # Only a well-formed media type reaches a header; a spec's typo never breaks the call.
                text = str(content_type).strip()
                if text.isascii() and text.isprintable() and "/" in text and "," not in text:
                    media[text] = None
    return ", ".join(media) or "application/json"


def _without_body(kind: ResultKind, annotation: str, parser: ParserKind, content_type: str | None) -> Result:
    return Result(kind, annotation, Parser(parser), frozenset(), content_type, None)


def result_of(ctx: SpecContext, endpoint: Endpoint, operation: dict[str, Any], pointer: Pointer) -> Result:
    responses = operation.get("responses") or {}
    success = [r for r in endpoint.responses.patterns if is_success(r.status_code)]
    chosen = None
    raw_response: Any = None
    if success:
        chosen = success[0]
        raw_response = _raw_response_for(responses, chosen.status_code)
    elif endpoint.responses.default is not None:
        chosen = endpoint.responses.default
        raw_response = responses.get("default")
    raw_response = ctx.resolve(raw_response or {})
    content = raw_response.get("content") or {}
    content_type = next(iter(content), None)
    if chosen is None or content_type is None:
        return _without_body("none", "None", ParserKind.NONE, None)
    prop = chosen.prop
    media = content_type.split(";")[0].strip().lower()
    if media == "text/event-stream":
        return _without_body("sse", "ServerSentEvent", ParserKind.NONE, content_type)
    if isinstance(prop, FileProperty) or (not is_json(media) and not media.startswith("text/")):
        return _without_body("bytes", "bytes", ParserKind.BYTES, content_type)
    if not is_json(media):
        return _without_body("text", "str", ParserKind.TEXT, content_type)

    unwrap = operation.get(directives.UNWRAP)
    if unwrap is not None:
        return _unwrapped(ctx, prop, unwrap, content_type, pointer)
    annotation = ctx.annotation_of(prop, no_optional=True)
    if isinstance(prop, AnyProperty):
        annotation = "Any"
    parser = parser_of(ctx, prop, pointer)
    return Result(
        "json",
        annotation,
        parser,
        ctx.imports_of(prop) | {"from typing import Any"},
        content_type,
        prop.class_info.name if isinstance(prop, ModelProperty) else None,
        precise=parser.precise,
    )


def _unwrapped(
    ctx: SpecContext, prop: PropertyProtocol, unwrap: object, content_type: str, pointer: Pointer
) -> Result:
    """x-chaser-unwrap: the method returns one required property of the response object."""
    if not isinstance(prop, ModelProperty) or not isinstance(unwrap, str):
        raise ctx.error(
            "x-chaser-unwrap needs an object response and a property name", *pointer, "x-chaser-unwrap"
        )
    prop = ctx.model(prop)
    for inner in prop.required_properties or []:
        if wire_name(inner) == unwrap:
            model_parser = parser_of(ctx, prop, pointer)
            return Result(
                "json",
                ctx.annotation_of(inner, no_optional=True),
                Parser(ParserKind.FIELD, inner=(model_parser,), attr=str(inner.python_name)),
                ctx.imports_of(inner) | ctx.imports_of(prop),
                content_type,
                None,
                unwrap=str(inner.python_name),
                precise=model_parser.precise and is_precise_type(inner),
            )
    raise ctx.error(
        f"x-chaser-unwrap names {unwrap!r}, which is not a required property of the response",
        *pointer,
        directives.UNWRAP,
        hint="the response shape changed upstream: update or remove the x-chaser-unwrap action in spec/overlay.yaml",
    )
