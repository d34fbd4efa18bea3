"""Each escaping filter on minimal hostile inputs: the text stays inert in its context.

The generated code is parsed (never executed) to prove that nothing broke out of the string,
docstring or comment it was put in.
"""

from __future__ import annotations

import ast

import pytest
from chaser_codegen.escaping import (
    MAX_TEXT_LENGTH,
    SpecText,
    UnescapedSpecText,
    comment,
    docstring,
    finalize,
    md,
    md_code,
    md_fence,
    printable,
    pystr,
    spec_text,
)

HOSTILE = [
    '"',
    "'",
    '"""',
    "'''",
    '""""',
    "\\",
    "ends with a backslash\\",
    'ends with a quote"',
    '"""; import os; """',
    "\\N{BULLET} \\u0041 \\x41",
    "line\nbreak",
    "carriage\rreturn",
    "separator\u2028and\u2029paragraph",
    "next-line\x85control",
    "nul\x00byte",
    "bidi \u202eoverride\u202c",
    "zero\u200dwidth",
    "{braces} %s {0}",
    "tab\there",
]


def statements(source: str) -> list[ast.stmt]:
    return ast.parse(source).body


@pytest.mark.parametrize("text", HOSTILE)
def test_pystr_is_one_literal_whose_value_is_the_printable_text(text: str) -> None:
    (statement,) = statements(f"x = {pystr(SpecText(text))}\n")
    assert isinstance(statement, ast.Assign)
    assert isinstance(statement.value, ast.Constant)
    assert statement.value.value == printable(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_stays_inside_its_quotes_and_reads_back_as_the_text(text: str) -> None:
    source = f'def f():\n    """{docstring(SpecText(text))}"""\n'
    (function,) = statements(source)
    assert isinstance(function, ast.FunctionDef)
    assert len(function.body) == 1
    assert ast.get_docstring(function, clean=False) == printable(text).strip()


def test_wrapped_docstring_never_splits_an_escape() -> None:
    text = "a" * 9 + '\\"' * 20
    escaped = docstring(text, width=10)
    (function,) = statements(f'def f():\n    """{escaped}"""\n')
    assert len(function.body) == 1
    assert all(not line.endswith("\\") or line.endswith("\\\\") for line in escaped.split("\n"))


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_is_one_line_that_cannot_start_a_statement(text: str) -> None:
    body = statements(f"x = 1  # {comment(SpecText(text))}\ny = 2\n")
    assert [type(s) for s in body] == [ast.Assign, ast.Assign]
    assert "\n" not in comment(text)


def test_markdown_prose_escapes_html_and_markdown_syntax_on_one_line() -> None:
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
    assert md("a | b\n\n# heading *bold* `code`") == "a \\| b \\# heading \\*bold\\* \\`code\\`"
    assert md("[link](javascript:x)") == "\\[link\\]\\(javascript:x\\)"


def test_markdown_code_span_cannot_be_closed_or_split() -> None:
    assert md_code("a`b|c\nd") == "a'b\\|c d"


@pytest.mark.parametrize("content", ["```", "````\n```", "x ``````` y", ""])
def test_markdown_fence_is_longer_than_any_backtick_run_inside(content: str) -> None:
    block = md_fence(content, "python")
    lines = block.split("\n")
    fence = lines[-1]
    assert lines[0] == f"{fence}python"
    assert set(fence) == {"`"} and len(fence) >= 3
    assert all(not line.startswith(fence) for line in lines[1:-1])


def test_printable_drops_control_and_format_characters_and_caps_the_length() -> None:
    assert printable("a\x00b\u202ec\u200dd\x1be") == "abcde"
    assert printable("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert printable("a\nb", keep_newlines=False) == "a b"
    long = printable("x" * (MAX_TEXT_LENGTH + 10))
    assert len(long) == MAX_TEXT_LENGTH and long.endswith("…")


def test_spec_text_wraps_values_and_drops_blank_ones() -> None:
    assert spec_text(None) is None
    assert spec_text("  \n") is None
    assert spec_text(5) == SpecText("5")
    assert spec_text("text") == SpecText("text")
    assert not SpecText(" ")


def test_printing_unescaped_spec_text_is_refused() -> None:
    with pytest.raises(UnescapedSpecText, match="escaping filter"):
        finalize(SpecText("description"))
    assert finalize("already escaped") == "already escaped"
