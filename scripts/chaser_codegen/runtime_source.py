"""The hand-written runtime (templates/runtime/), and the facts whose one home is its source.

A constant the generated package uses at run time and the pipeline needs at generation time
(which methods are idempotent, the waiters' defaults, the exception names) is written once, in
the runtime module that uses it; the pipeline reads it from the source with `ast`, because the
pipeline never imports or runs runtime code.
"""

from __future__ import annotations

import ast
import functools
from typing import Any

from .layout import ROOT

RUNTIME = ROOT / "templates" / "runtime"


@functools.cache
def constant(module: str, name: str) -> Any:
    """The literal value of a module-level constant of a runtime module: constant("_retry.py", ...)."""
    tree = ast.parse((RUNTIME / module).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return ast.literal_eval(value)
    raise LookupError(f"templates/runtime/{module} has no literal constant {name}")


@functools.cache
def named_tuple_fields(module: str, class_name: str) -> tuple[tuple[str, str, str | None], ...]:
    """(name, annotation, default) of each field of a NamedTuple (or any class of annotated
    fields) of a runtime module, in order, as its source spells them."""
    tree = ast.parse((RUNTIME / module).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return tuple(
                (
                    statement.target.id,
                    ast.unparse(statement.annotation),
                    None if statement.value is None else ast.unparse(statement.value),
                )
                for statement in node.body
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            )
    raise LookupError(f"templates/runtime/{module} has no class {class_name}")
