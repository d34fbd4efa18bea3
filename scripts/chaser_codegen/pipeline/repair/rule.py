"""What a repair rule is, and the registry the repair stage runs them from.

A rule is one small function for one class of defect that real specs carry. It is registered
with a name (what `spec/repairs.json` and the summary call it), a one-line reason (why a
tolerant reader may make this change without guessing), and the kinds of object it looks at.
It changes the document in place and records each change through the context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .log import ABSENT, RepairLog
from .walk import Node


@dataclass
class Context:
    document: dict[str, Any]
    version: str  # "3.0" or "3.1"
    log: RepairLog
    rule: str = ""
    # What rules compute once per run and share (a schema validator bound to the document).
    memo: dict[str, Any] = field(default_factory=dict)

    def record(self, path: Iterable[str | int], before: Any = ABSENT, after: Any = ABSENT) -> None:
        self.log.record(self.rule, path, before, after)

    @property
    def is_31(self) -> bool:
        return self.version == "3.1"


Apply = Callable[[Node, Context], None]


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    kinds: frozenset[str]
    apply: Apply
    versions: frozenset[str] = frozenset({"3.0", "3.1"})
    # The rule renames keys or moves objects: nodes walked before it ran may have stale paths.
    restructures: bool = False


RULES: list[Rule] = []

# Every rule name that can appear in a report, with its reason: the walked rules above, and the
# repairs later stages make (naming in normalize, what the low-level parse cannot express).
REASONS: dict[str, str] = {}


def named(name: str, reason: str) -> str:
    """Register a repair made outside the walked rules; returns its name for `log.record`."""
    if name in REASONS:
        raise ValueError(f"two repairs are named {name!r}")
    REASONS[name] = reason
    return name


def rule(
    name: str,
    reason: str,
    *,
    kinds: Iterable[str],
    versions: Iterable[str] = ("3.0", "3.1"),
    restructures: bool = False,
) -> Callable[[Apply], Apply]:
    """Register a rule; rules run in the order they are registered."""

    def register(apply: Apply) -> Apply:
        named(name, reason)
        RULES.append(Rule(name, reason, frozenset(kinds), apply, frozenset(versions), restructures))
        return apply

    return register


def catalogue() -> str:
    """docs/repairs.md: every repair, in the order the pipeline makes them, with its reason."""
    import importlib

    # The modules that register repairs besides the walked rules: the low-level stage's, the
    # parse's (parameter names) and normalize's (operation and model names).
    for module in ("repair.parse_errors", "parse", "normalize"):
        importlib.import_module(f"chaser_codegen.pipeline.{module}")

    walked = [rule.name for rule in RULES]
    later = sorted(name for name in REASONS if name not in walked)
    lines = [
        "# Repairs",
        "",
        "<!-- Written by `PYTHONPATH=scripts python -m chaser_codegen repairs > docs/repairs.md`; a test",
        "     keeps it equal to the rules in scripts/chaser_codegen/pipeline/repair/. -->",
        "",
        "Real specs carry defects that every tolerant reader accepts. The pipeline repairs each with a",
        "named rule, and writes every repair it makes (rule, JSON pointer, before, after) to a report:",
        "`spec/repairs.json` for the vendored spec, `OUT/repairs.json` for `scripts/generate --spec",
        "FILE --out OUT`. `--strict` turns any repair into an error. A rule changes only what a reviewer",
        "can confirm from the document; where openapi-python-client cannot express a construct by any",
        "exact rule, a fallback (named `*-fallback-*`) types that one schema as `Any` and says so.",
        "",
        "## Rules of the repair stage (before the overlay and validation, in this order)",
        "",
        "| rule | OpenAPI | why |",
        "|---|---|---|",
    ]
    for rule in RULES:
        versions = "3.0, 3.1" if rule.versions == {"3.0", "3.1"} else ", ".join(sorted(rule.versions))
        lines.append(f"| `{rule.name}` | {versions} | {_cell(REASONS[rule.name])} |")
    lines += [
        "",
        "## Other repairs (the version field; names, in normalize; what the low-level parse reports)",
        "",
        "| repair | why |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {_cell(REASONS[name])} |" for name in later]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text in a Markdown table cell: a `|` (as in `int | None`) would end the cell."""
    return text.replace("|", "\\|")
