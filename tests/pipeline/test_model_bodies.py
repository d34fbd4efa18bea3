"""model/bodies.py: a JSON body becomes one keyword argument per property when its properties
fit beside the parameters, and stays one `body` argument when they do not."""

from __future__ import annotations

from typing import Any

from tests.pipeline.minimal_specs import json_body, ok, only_operation, ref, spec

NEW_WIDGET = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
}


def post_widgets(
    body: dict[str, Any], parameters: list[dict[str, Any]] | None = None, **schemas: Any
) -> dict[str, Any]:
    operation = {
        "operationId": "create_widget",
        "tags": ["widgets"],
        "parameters": parameters or [],
        "requestBody": body,
        "responses": ok(),
    }
    return spec({"/widgets": {"post": operation}}, {"NewWidget": NEW_WIDGET, **schemas})


def test_an_object_body_flattens_into_one_argument_per_property() -> None:
    op = only_operation(post_widgets(json_body(ref("NewWidget"))))

    assert op.body is not None and op.body.flattened and op.body.kind == "json"
    assert op.body.variants == ("NewWidget",)
    assert [(f.arg_name, f.annotation, f.required) for f in op.body_fields] == [
        ("name", "str", True),
        ("size", "int | Unset", False),
    ]
    assert not op.passthrough_body


def test_a_property_named_like_a_parameter_keeps_the_body_as_one_argument() -> None:
    op = only_operation(
        post_widgets(
            json_body(ref("NewWidget")), [{"name": "name", "in": "query", "schema": {"type": "string"}}]
        )
    )

    assert op.body is not None and not op.body.flattened
    (body,) = op.body_fields
    assert (body.arg_name, body.model_class) == ("body", "NewWidget")
    assert body.annotation == "NewWidget | Mapping[str, Any]"


def test_union_variants_merge_by_name_and_a_property_required_in_one_only_is_optional() -> None:
    other = {
        "type": "object",
        "required": ["url"],
        "properties": {"url": {"type": "string"}, "size": {"type": "integer"}},
    }
    op = only_operation(post_widgets(json_body({"oneOf": [ref("NewWidget"), ref("FromUrl")]}), FromUrl=other))

    assert op.body is not None and op.body.variants == ("NewWidget", "FromUrl")
    assert op.body.variant_fields == (("name", "size"), ("url", "size"))
    assert [(f.arg_name, f.required) for f in op.body_fields] == [
        ("name", False),
        ("size", False),
        ("url", False),
    ]


def test_a_binary_body_is_one_upload_argument() -> None:
    body = {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
    op = only_operation(post_widgets(body))

    assert op.body is not None and op.body.kind == "binary"
    (upload,) = op.body_fields
    assert (upload.arg_name, upload.annotation, upload.is_file, upload.cli_kind) == (
        "body",
        "FileInput",
        True,
        "file",
    )


def test_a_body_property_named_like_a_per_call_option_is_renamed_as_a_parameter_is() -> None:
    timed = {
        "type": "object",
        "properties": {"timeout": {"type": "integer"}, "extra_body": {"type": "string"}},
    }
    query = {"name": "timeout", "in": "query", "schema": {"type": "integer"}}
    as_body = only_operation(post_widgets(json_body(ref("Timed")), Timed=timed))
    as_query = only_operation(
        spec({"/t": {"get": {"operationId": "t", "parameters": [query], "responses": ok()}}})
    )

    assert as_body.body is not None and as_body.body.flattened
    assert [(f.wire_name.raw, f.arg_name) for f in as_body.body_fields] == [
        ("timeout", "timeout_"),
        ("extra_body", "extra_body_"),
    ]
    assert [(f.wire_name.raw, f.arg_name) for f in as_query.query_params] == [("timeout", "timeout_")]
