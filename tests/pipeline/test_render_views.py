"""pipeline/render/: how each surface spells the model (CLI names and options, Python argument
expressions and examples, low-level aliases), and runtime_source, which reads the facts the
runtime holds."""

from __future__ import annotations

import pytest
from chaser_codegen import runtime_source
from chaser_codegen.pipeline.render import api_names, cli, python
from chaser_codegen.pipeline.render.public_names import public_names

from tests.pipeline.minimal_specs import WIDGET, json_body, ok, only_operation, ref, spec


def test_an_option_named_like_one_the_command_defines_gets_its_location_as_prefix() -> None:
    operation = {
        "operationId": "list_widgets",
        "tags": ["widget_groups"],
        "parameters": [
            {"name": "format", "in": "query", "schema": {"type": "string"}},
            {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
        ],
        "responses": ok(ref("Widget")),
    }
    op = only_operation(spec({"/widgets": {"get": operation}}, {"Widget": WIDGET}))

    assert [name for _, name in cli.cli_options(op)] == ["query-format", "page-size"]
    assert (cli.cli_path(op), cli.cli_name(op), cli.cli_function(op)) == (
        ("widget-groups",),
        "list-widgets",
        "_cmd_widget_groups_list_widgets",
    )
    assert cli.cli_example(op).raw == "chaser-core widget-groups list-widgets"
    assert (api_names.ll_alias(op), api_names.const(op)) == (
        "_widget_groups_list_widgets_api",
        "_WIDGET_GROUPS_LIST_WIDGETS",
    )


def test_an_upload_and_a_nested_model_are_converted_before_the_low_level_call() -> None:
    body = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"type": "string"},
                    },
                }
            }
        },
    }
    upload = only_operation(
        spec(
            {
                "/uploads": {
                    "post": {
                        "operationId": "upload",
                        "tags": ["files"],
                        "requestBody": body,
                        "responses": ok(),
                    }
                }
            }
        )
    )
    nested = only_operation(
        spec(
            {
                "/w": {
                    "post": {
                        "operationId": "create",
                        "tags": ["w"],
                        "requestBody": json_body(ref("Outer")),
                        "responses": ok(),
                    }
                }
            },
            {"Outer": {"type": "object", "properties": {"inner": ref("Widget")}}, "Widget": WIDGET},
        )
    )

    assert [python.value_expr(f) for f in upload.body_fields] == [
        "to_file(file, field='file', limit=None)",
        "note",
    ]
    assert [python.value_expr(f) for f in nested.body_fields] == ["as_optional_model(Widget, inner)"]
    assert python.python_example(upload).raw == 'client.files.upload(file=Path("local-file"))'


def test_facts_the_runtime_holds_are_read_from_its_source() -> None:
    exceptions = runtime_source.constant("_exceptions.py", "__all__")

    assert "GET" in runtime_source.constant("_retry.py", "IDEMPOTENT_METHODS")
    assert {name for name, module in public_names() if module == "._exceptions"} == set(exceptions)
    with pytest.raises(LookupError, match="no literal constant NOT_THERE"):
        runtime_source.constant("_retry.py", "NOT_THERE")
