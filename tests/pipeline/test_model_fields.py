"""model/fields.py: parameters become method arguments named after the spec, never clashing
with the names a generated method uses itself."""

from __future__ import annotations

from typing import Any

from tests.pipeline.minimal_specs import WIDGET, ok, only_operation, ref, spec


def get_widgets(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return spec(
        {
            "/widgets": {
                "get": {
                    "operationId": "list_widgets",
                    "tags": ["widgets"],
                    "parameters": parameters,
                    "responses": ok(ref("Widget")),
                }
            }
        },
        {"Widget": WIDGET, "Limit": {"type": "integer", "maximum": 100}},
    )


def query(name: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **extra}


def test_a_parameter_named_like_a_per_call_option_gets_a_trailing_underscore() -> None:
    op = only_operation(
        get_widgets([query("timeout", {"type": "number"}), query("limit", {"type": "integer"})])
    )

    assert [(f.wire_name.raw, f.arg_name) for f in op.query_params] == [
        ("timeout", "timeout_"),
        ("limit", "limit"),
    ]


def test_a_builtin_name_keeps_the_spec_name_and_a_keyword_keeps_its_underscore() -> None:
    op = only_operation(get_widgets([query("input", {"type": "string"}), query("from", {"type": "string"})]))

    assert {f.wire_name.raw: (f.python_name, f.arg_name) for f in op.query_params} == {
        "input": ("input_", "input"),
        "from": ("from_", "from_"),
    }


def test_a_parameter_carries_its_declared_description_deprecation_and_resolved_schema() -> None:
    op = only_operation(
        get_widgets([query("limit", ref("Limit"), description="At most this many.", deprecated=True)])
    )

    (limit,) = op.query_params
    assert limit.description is not None and limit.description.raw == "At most this many."
    assert limit.deprecated
    assert limit.json_schema == {"type": "integer", "maximum": 100}
    assert (limit.annotation, limit.required, limit.cli_kind) == ("int | Unset", False, "integer")


def test_a_string_enum_is_a_choice_and_a_list_of_integers_a_list() -> None:
    op = only_operation(
        get_widgets(
            [
                query("order", {"type": "string", "enum": ["desc", "asc"]}),
                query("ids", {"type": "array", "items": {"type": "integer"}}),
                query("filter", {"type": "object", "properties": {"a": {"type": "string"}}}),
            ]
        )
    )

    shapes = {f.wire_name.raw: (f.cli_kind, f.cli_item, f.choices) for f in op.query_params}
    assert shapes["order"] == ("choice", "string", ("asc", "desc"))
    assert shapes["ids"] == ("list", "integer", ())
    assert shapes["filter"][0] == "json"
