"""The one escaping helper: every string from the spec reaches generated output through here.

Spec text (descriptions, summaries, names, enum values, defaults, paths, server URLs) is wrapped
in `SpecText` the moment the model reads it. `SpecText` is deliberately not a `str`: the Jinja
environment's `finalize` hook refuses to print one, so a template that forgets to choose an
escaping filter fails at generation time instead of emitting injectable code. Each filter below
turns `SpecText` into text that is inert in one output context:

- `pystr`      a complete Python string literal (quotes included), safe anywhere an expression is
- `docstring`  the inside of a triple-quoted docstring
- `comment`    the rest of one `#` comment line
- `md`         Markdown prose (api.md), with HTML and Markdown control characters neutralised
- `md_code`    the inside of a Markdown code span
- `md_fence`   a whole fenced code block (api.md examples)
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any

MAX_TEXT_LENGTH = 4000


class SpecText:
    """Untrusted text from the spec. Render it only through one of this module's filters."""

    __slots__ = ("raw",)

    def __init__(self, raw: str) -> None:
        self.raw = raw

    def __repr__(self) -> str:
        return f"SpecText({self.raw!r})"

    def __bool__(self) -> bool:
        return bool(self.raw.strip())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpecText) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)


def spec_text(value: Any) -> SpecText | None:
    """Wrap a spec value as SpecText; None and empty strings stay None."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return SpecText(text) if text.strip() else None


def _raw(value: SpecText | str | None) -> str:
    if value is None:
        return ""
    return value.raw if isinstance(value, SpecText) else str(value)


def printable(value: SpecText | str | None, *, keep_newlines: bool = True) -> str:
    """Drop control and format characters (NUL, bidi overrides, zero-width joiners, ...).

    Line and paragraph separators become newlines, as does CR, so that no later context sees
    an unexpected line break. Tabs become spaces.
    """
    text = _raw(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    kept = []
    for char in text:
        if char == "\n":
            kept.append("\n" if keep_newlines else " ")
        elif unicodedata.category(char)[0] == "C":  # Cc, Cf, Cs, Co, Cn
            continue
        else:
            kept.append(char)
    result = "".join(kept)
    if len(result) > MAX_TEXT_LENGTH:
        result = result[: MAX_TEXT_LENGTH - 1] + "…"
    return result


def pystr(value: SpecText | str | None) -> str:
    """A Python string literal. repr() escapes quotes, backslashes and non-printables itself."""
    return repr(printable(value))


def docstring(value: SpecText | str | None, width: int | None = None) -> str:
    """Text for inside a non-raw triple-double-quoted docstring, optionally wrapped at `width`.

    Backslashes are doubled (so nothing forms an escape sequence such as \\N{...} or a line
    continuation) and every quote is escaped, so that no run of quotes can close the docstring.
    The text never ends with a backslash or a quote. Wrapping happens before escaping, so it
    can never split an escape sequence.
    """
    lines = printable(value).strip().split("\n")
    if width:
        lines = [
            wrapped
            for line in lines
            for wrapped in (textwrap.wrap(line, width, break_on_hyphens=False) or [""])
        ]
    return "\n".join(line.rstrip().replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def comment(value: SpecText | str | None) -> str:
    """One line of comment text: newlines (the only way out of a comment) become spaces."""
    return " ".join(printable(value, keep_newlines=False).split())


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(value: SpecText | str | None) -> str:
    """Markdown prose: HTML is escaped and Markdown syntax characters are backslash-escaped."""
    text = printable(value).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    # Keep a table cell or list item on one line.
    return " ".join(text.split())


def md_code(value: SpecText | str | None) -> str:
    """The inside of a Markdown code span: backticks and pipes cannot end the span or a cell."""
    text = " ".join(printable(value, keep_newlines=False).split())
    return text.replace("`", "'").replace("|", "\\|")


def md_fence(value: SpecText | str | None, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside, so the content
    can never close it (CommonMark: the closing fence must be at least as long)."""
    text = printable(value).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


FILTERS = {
    "pystr": pystr,
    "docstring": docstring,
    "comment": comment,
    "md": md,
    "md_code": md_code,
    "md_fence": md_fence,
}


class UnescapedSpecText(Exception):
    """A template printed SpecText without choosing an escaping filter."""


def finalize(value: Any) -> Any:
    """Jinja `finalize` hook: refuse to print spec text that no filter has escaped."""
    if isinstance(value, SpecText):
        raise UnescapedSpecText(
            f"a template printed spec text without an escaping filter: {value.raw[:60]!r}; "
            "use one of |pystr, |docstring, |comment, |md, |md_code"
        )
    return value
