"""Generated methods build their RequestOptions by keyword, every field by its own name: the
runtime's RequestOptions is the one definition of the per-call options, and a field it reorders or
adds cannot shift what a method sends (passed by position, a reordered field would silently send,
say, the extra query as headers)."""

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


def passes_every_field_by_keyword(call: ast.Call) -> bool:
    passed = {
        keyword.arg: keyword.value.id if isinstance(keyword.value, ast.Name) else ast.unparse(keyword.value)
        for keyword in call.keywords
    }
    return not call.args and passed == {field: field for field in RequestOptions._fields}


def test_every_generated_request_options_call_passes_every_field_by_keyword() -> None:
    checked = 0
    for module in sorted(RESOURCES.glob("*.py")):
        for call in request_options_calls(module.read_text(encoding="utf-8")):
            assert passes_every_field_by_keyword(call), f"{module.name}:{call.lineno}: {ast.unparse(call)}"
            checked += 1
    assert checked > 100  # every method of every resource, sync and async


def test_the_check_refuses_positional_missing_or_crossed_fields() -> None:
    positional, missing, crossed = request_options_calls(
        "RequestOptions(extra_headers, extra_query, extra_body, timeout, max_retries)\n"
        "RequestOptions(extra_headers=extra_headers)\n"
        "RequestOptions(extra_headers=extra_query, extra_query=extra_headers, extra_body=extra_body,"
        " timeout=timeout, max_retries=max_retries)\n"
    )
    assert not passes_every_field_by_keyword(positional)
    assert not passes_every_field_by_keyword(missing)
    assert not passes_every_field_by_keyword(crossed)
