"""x-chaser-sdk-helpers: hand-written mixins (templates/runtime/_helpers.py) bound to resources."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import directives
from ...errors import PipelineError, json_pointer
from .types import Resource

EXTENSION = directives.SDK_HELPERS


@dataclass(frozen=True)
class Helper:
    """A mixin class: the public methods it defines and the generated methods it calls."""

    name: str
    defines: tuple[str, ...]
    requires: tuple[str, ...]


def read_helpers(module: Path) -> dict[str, Helper]:
    """The helper mixins of a module, by class name.

    Read with `ast`, not imported: the pipeline must not execute runtime code.
    """
    tree = ast.parse(module.read_text(encoding="utf-8"))
    helpers = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        defined = tuple(
            item.name
            for item in node.body
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_")
        )
        requires: tuple[str, ...] = ()
        for item in node.body:
            # `__requires__: ClassVar[tuple[str, ...]] = (...)`: declared, for type checkers.
            targets = (
                item.targets
                if isinstance(item, ast.Assign)
                else [item.target]
                if isinstance(item, ast.AnnAssign)
                else []
            )
            value = item.value if isinstance(item, ast.Assign | ast.AnnAssign) else None
            if value is not None and any(isinstance(t, ast.Name) and t.id == "__requires__" for t in targets):
                requires = tuple(ast.literal_eval(value))
        helpers[node.name] = Helper(node.name, defined, requires)
    return helpers


def attach_helpers(declared: Any, resources: list[Resource], helpers: dict[str, Helper], source: str) -> None:
    """Bind each declared helper to its resource, checking it against what the spec still has."""
    if declared is None:
        return
    if not isinstance(declared, dict):
        raise PipelineError(
            "model",
            "x-chaser-sdk-helpers must map resources to helper classes",
            location=f"{source} #/x-chaser-sdk-helpers",
        )
    by_path = {".".join(r.path): r for top in resources for r in top.walk()}
    for resource_name, class_name in declared.items():
        where = f"{source} {json_pointer(EXTENSION, resource_name)}"
        resource = by_path.get(resource_name)
        if resource is None:
            raise PipelineError(
                "model",
                f"helper {class_name} is bound to the resource {resource_name!r}, which the spec no longer has",
                location=where,
            )
        if class_name not in helpers or f"Async{class_name}" not in helpers:
            raise PipelineError(
                "model",
                f"helper classes {class_name} and Async{class_name} must exist in _helpers.py",
                location=where,
            )
        helper = helpers[class_name]
        have = {op.name for op in resource.operations}
        missing = [name for name in helper.requires if name not in have]
        if missing:
            raise PipelineError(
                "model",
                f"helper {class_name} relies on {resource_name}.{', '.join(missing)}, which the spec no longer has",
                location=where,
                hint="the helper's __requires__ lists the generated methods it calls: update the helper or the overlay",
            )
        resource.helper = class_name
        resource.helper_methods = helper.defines
