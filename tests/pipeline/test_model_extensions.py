"""The model's extensions on minimal specs: x-chaser-pagination, x-chaser-waiters, idempotency,
x-chaser-sdk-helpers, and the grouping of operations into resources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline.model.helpers import attach_helpers, read_helpers
from chaser_codegen.pipeline.model.types import Resource

from tests.pipeline.minimal_specs import WIDGET, build, json_body, ok, only_operation, ref, spec

PAGE = {
    "type": "object",
    "required": ["data", "has_more"],
    "properties": {"data": {"type": "array", "items": ref("Widget")}, "has_more": {"type": "boolean"}},
}
CURSOR = {"name": "after", "in": "query", "schema": {"type": "string"}}
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer"}}


def widgets(method: str = "get", **operation: Any) -> dict[str, Any]:
    operation = {
        "operationId": f"{method}_widgets",
        "tags": ["widgets"],
        "responses": ok(ref("Page")),
        **operation,
    }
    return spec({"/widgets": {method: operation}}, {"Widget": WIDGET, "Page": PAGE})


def test_cursor_pagination_names_the_page_items_and_the_cursor_attribute() -> None:
    paging = {
        "style": "cursor",
        "items": "data",
        "cursor_param": "after",
        "cursor_field": "id",
        "limit_param": "limit",
        "has_more": "has_more",
    }
    op = only_operation(widgets(parameters=[CURSOR, LIMIT], **{"x-chaser-pagination": paging}))

    assert op.pagination is not None
    assert (op.pagination.items_attr, op.pagination.cursor_param, op.pagination.cursor_attr) == (
        "data",
        "after",
        "id",
    )
    assert (op.pagination.item_annotation, op.pagination.page_annotation) == ("Widget", "Page")
    assert (op.pagination.limit_param, op.pagination.has_more_attr, op.pagination.offset_param) == (
        "limit",
        "has_more",
        None,
    )


def test_pagination_by_a_parameter_the_operation_lacks_is_refused() -> None:
    paging = {"style": "cursor", "items": "data", "cursor_param": "page_token", "cursor_field": "id"}
    with pytest.raises(PipelineError, match="cursor_param 'page_token' is not a query parameter"):
        build(widgets(parameters=[CURSOR], **{"x-chaser-pagination": paging}))


def get_widget(**operation: Any) -> dict[str, Any]:
    operation = {
        "operationId": "get_widget",
        "tags": ["widgets"],
        "responses": ok(ref("Widget")),
        **operation,
    }
    return spec(
        {
            "/widgets/{id}": {
                "get": {
                    **operation,
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                }
            }
        },
        {"Widget": WIDGET},
    )


def test_a_waiter_polls_the_status_attribute_until_its_states() -> None:
    waiter = {"name": "wait_until_ready", "field": "status", "success": ["ready"], "failure": ["failed"]}
    op = only_operation(get_widget(**{"x-chaser-waiters": [waiter]}))

    (w,) = op.waiters
    assert (w.name, w.field_attr, w.success, w.failure, w.pending) == (
        "wait_until_ready",
        "status",
        ("ready",),
        ("failed",),
        (),
    )


def test_a_waiter_on_a_state_the_enum_no_longer_has_is_refused() -> None:
    waiter = {"name": "wait_until_ready", "field": "status", "success": ["running"]}
    with pytest.raises(PipelineError, match="enum no longer has: running"):
        build(get_widget(**{"x-chaser-waiters": [waiter]}))


@pytest.mark.parametrize(
    ("method", "extensions", "idempotent"),
    [
        ("get", {}, True),
        ("delete", {}, True),
        ("post", {}, False),
        ("post", {"x-chaser-idempotent": True}, True),
        ("post", {"x-chaser-idempotency-key": {"in": "header", "name": "Idempotency-Key"}}, True),
    ],
)
def test_a_method_is_retried_when_http_the_overlay_or_a_key_makes_it_idempotent(
    method: str, extensions: dict[str, Any], idempotent: bool
) -> None:
    operation = {"operationId": "touch", "tags": ["widgets"], "responses": ok(), **extensions}
    if method == "post":
        operation["requestBody"] = json_body({"type": "object", "properties": {"note": {"type": "string"}}})
    op = only_operation(spec({"/widgets": {method: operation}}))

    assert op.idempotent is idempotent


def test_dotted_tags_make_sub_resources_and_a_model_named_like_a_resource_class_renames_that_class() -> None:
    document = spec(
        {
            "/jwt": {"get": {"operationId": "get_jwt", "tags": ["jwt"], "responses": ok(ref("JwtResource"))}},
            "/jwt/keys": {"get": {"operationId": "list_keys", "tags": ["jwt.keys"], "responses": ok()}},
        },
        {"JwtResource": {"type": "object", "properties": {"token": {"type": "string"}}}},
    )
    (top,) = build(document).resources

    assert [r.path for r in top.walk()] == [("jwt",), ("jwt", "keys")]
    assert [r.class_name for r in top.walk()] == ["JwtAPI", "JwtKeysResource"]


def test_two_operations_with_one_qualified_name_are_refused() -> None:
    document = spec(
        {
            "/a": {
                "get": {"operationId": "a", "tags": ["things"], "x-chaser-sdk-name": "get", "responses": ok()}
            },
            "/b": {
                "get": {"operationId": "b", "tags": ["things"], "x-chaser-sdk-name": "get", "responses": ok()}
            },
        }
    )
    with pytest.raises(PipelineError, match=r"GET /a and GET /b are both named things\.get"):
        build(document)


HELPERS = """
class WidgetHelpers:
    __requires__ = ("get", "create")

    def get_or_create(self): ...

    def _private(self): ...


class AsyncWidgetHelpers:
    __requires__ = ("get", "create")

    async def get_or_create(self): ...
"""


def test_helpers_are_read_without_importing_them_and_bound_to_their_resource(tmp_path: Path) -> None:
    module = tmp_path / "_helpers.py"
    module.write_text(HELPERS + "\nraise SystemExit('imported')\n", encoding="utf-8")
    helpers = read_helpers(module)
    resource = Resource(("widgets",))
    resource.operations = list(build(get_widget()).operations)

    assert helpers["WidgetHelpers"].defines == ("get_or_create",)
    assert helpers["WidgetHelpers"].requires == ("get", "create")
    with pytest.raises(PipelineError, match=r"relies on widgets\.get, create, which the spec"):
        attach_helpers({"widgets": "WidgetHelpers"}, [resource], helpers, "minimal.yaml")
