"""Generated methods build their RequestOptions positionally, one short line each: every such call
must name its arguments exactly as RequestOptions names its fields, in the same order, or a
reordered field would silently send, say, the extra query as headers."""

from __future__ import annotations

import ast
from pathlib import Path

import chaser_core
from chaser_core._types import RequestOptions

RESOURCES = Path(chaser_core.__file__).parent / "resources"


def request_options_calls(source: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "RequestOptions"
    ]


def passes_the_fields_in_order(call: ast.Call) -> bool:
    names = [arg.id if isinstance(arg, ast.Name) else ast.unparse(arg) for arg in call.args]
    return names == list(RequestOptions._fields) and not call.keywords


def test_every_generated_request_options_call_passes_the_fields_in_their_order() -> None:
    checked = 0
    for module in sorted(RESOURCES.glob("*.py")):
        for call in request_options_calls(module.read_text(encoding="utf-8")):
            assert passes_the_fields_in_order(call), f"{module.name}:{call.lineno}: {ast.unparse(call)}"
            checked += 1
    assert checked > 100  # every method of every resource, sync and async


def test_the_check_refuses_fields_out_of_order_or_by_keyword() -> None:
    swapped, keyword = request_options_calls(
        "RequestOptions(extra_query, extra_headers, extra_body, timeout, max_retries)\n"
        "RequestOptions(extra_headers=extra_headers)\n"
    )
    assert not passes_the_fields_in_order(swapped)
    assert not passes_the_fields_in_order(keyword)
