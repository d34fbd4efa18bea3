"""model/results.py and model/parsers.py: what a method returns, and the typed parser that the
templates render into the call that reads the response."""

from __future__ import annotations

from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline.model import Parser, ParserKind
from chaser_codegen.pipeline.render.python import parser_expr

from tests.pipeline.minimal_specs import WIDGET, ok, only_operation, ref, spec

WIDGET_LIST = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": {"type": "array", "items": ref("Widget")}},
}


def get_with(responses: dict[str, Any], **extensions: Any) -> dict[str, Any]:
    operation = {"operationId": "get_thing", "tags": ["things"], "responses": responses, **extensions}
    return spec({"/things": {"get": operation}}, {"Widget": WIDGET, "WidgetList": WIDGET_LIST})


@pytest.mark.parametrize(
    ("responses", "kind", "annotation", "parser"),
    [
        (ok(), "none", "None", "_p.none_()"),
        (ok({"type": "string"}, "text/event-stream"), "sse", "ServerSentEvent", "_p.none_()"),
        (
            ok({"type": "string", "format": "binary"}, "application/octet-stream"),
            "bytes",
            "bytes",
            "_p.bytes_()",
        ),
        (ok({"type": "string"}, "text/plain"), "text", "str", "_p.text()"),
        (ok(ref("Widget")), "json", "Widget", "_p.model(Widget)"),
        (
            ok({"type": "array", "items": ref("Widget")}),
            "json",
            "list[Widget]",
            "_p.list_of(_p.model(Widget))",
        ),
        (ok({"type": "string", "format": "date-time"}), "json", "datetime.datetime", "_p.datetime_()"),
    ],
)
def test_the_media_type_and_schema_decide_what_a_method_returns(
    responses: dict[str, Any], kind: str, annotation: str, parser: str
) -> None:
    result = only_operation(get_with(responses)).result

    assert (result.kind, result.annotation, parser_expr(result.parser)) == (kind, annotation, parser)
    assert result.precise


def test_a_union_response_is_parsed_by_one_of_and_needs_a_cast() -> None:
    result = only_operation(get_with(ok({"oneOf": [ref("Widget"), {"type": "integer"}]}))).result

    assert result.parser == Parser(
        ParserKind.ONE_OF, inner=(Parser(ParserKind.MODEL, "Widget"), Parser(ParserKind.SCALAR, "int"))
    )
    assert parser_expr(result.parser) == "_p.one_of(_p.model(Widget), _p.scalar(int))"
    assert not result.parser.precise and not result.precise


def test_x_unwrap_returns_one_required_property_through_a_field_parser() -> None:
    result = only_operation(get_with(ok(ref("WidgetList")), **{"x-chaser-unwrap": "data"})).result

    assert (result.annotation, result.unwrap, result.model_class) == ("list[Widget]", "data", None)
    assert parser_expr(result.parser) == "_p.field(_p.model(WidgetList), lambda body: body.data)"
    assert result.precise


def test_x_unwrap_of_a_property_the_response_lacks_is_refused_with_a_hint() -> None:
    with pytest.raises(PipelineError, match="x-chaser-unwrap names 'items'") as caught:
        only_operation(get_with(ok(ref("WidgetList")), **{"x-chaser-unwrap": "items"}))

    assert caught.value.hint is not None and "spec/overlay.yaml" in caught.value.hint
