"""Trim the low-level package down to what the SDK calls.

openapi-python-client writes, for each operation, a module with `_get_kwargs` (the request as
keyword arguments for httpx) and six functions around it (`sync`, `sync_detailed`, `asyncio`,
`asyncio_detailed`, `_parse_response`, `_build_response`) that send it through its own
`Client`. Our resources, CLI and MCP bridge call `_get_kwargs` only: they send the request
through our transport and parse the response themselves. The `_api` package is internal (the
README says what is supported), so shipping those functions, and the `client` and `errors`
modules only they use, would give users a second client that nothing tests.

The trim cuts whole top-level functions out of the rendered text and the imports that only
they used (the package is imported before ruff's unused-import fix runs, and the modules some
of them named are gone); every other line stays as openapi-python-client wrote it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .errors import PipelineError

# What the resources, the CLI and the MCP bridge import from an endpoint module.
KEPT_FUNCTIONS = frozenset({"_get_kwargs"})
# Modules of the low-level package that only the cut functions import.
UNUSED_MODULES = ("client.py", "errors.py")


def trim_endpoint_module(source: str, *, location: str = "<endpoint module>") -> str:
    """The module without its top-level functions other than KEPT_FUNCTIONS, and without the
    imported names that nothing left uses."""
    tree = ast.parse(source)
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    missing = KEPT_FUNCTIONS - {node.name for node in functions}
    if missing:
        raise PipelineError(
            "low-level", f"the endpoint module has no {', '.join(sorted(missing))}", location=location
        )
    cut = [node for node in functions if node.name not in KEPT_FUNCTIONS]
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    used = {
        name.id
        for node in tree.body
        if node not in cut and node not in imports
        for name in ast.walk(node)
        if isinstance(name, ast.Name)
    }
    # Line ranges (first index, end index) to replace, with what replaces them.
    replacements: list[tuple[int, int, str]] = []
    for function in cut:
        first = min([function.lineno, *(decorator.lineno for decorator in function.decorator_list)])
        replacements.append((first - 1, _end(function), ""))
    for statement in imports:
        names = [alias for alias in statement.names if _bound_name(alias) in used]
        if len(names) < len(statement.names):
            text = ast.unparse(_with_names(statement, names)) + "\n" if names else ""
            replacements.append((statement.lineno - 1, _end(statement), text))
    lines = source.splitlines(keepends=True)
    for first, end, text in sorted(replacements, reverse=True):
        lines[first:end] = [text]
    return "".join(lines)


def _end(node: ast.stmt) -> int:
    assert node.end_lineno is not None  # always set by ast.parse
    return node.end_lineno


def _bound_name(alias: ast.alias) -> str:
    """The name an import binds: `import a.b` binds `a`, `from m import x as y` binds `y`."""
    return alias.asname or alias.name.split(".")[0]


def _with_names(node: ast.Import | ast.ImportFrom, names: list[ast.alias]) -> ast.Import | ast.ImportFrom:
    if isinstance(node, ast.Import):
        return ast.Import(names=names)
    return ast.ImportFrom(module=node.module, names=names, level=node.level)


def trim_package(low_level_dir: Path, *, encoding: str = "utf-8") -> None:
    """Trim every endpoint module under low_level_dir/api and remove the unused modules."""
    for path in sorted((low_level_dir / "api").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding=encoding)
        path.write_text(trim_endpoint_module(source, location=str(path)), encoding=encoding)
    for name in UNUSED_MODULES:
        (low_level_dir / name).unlink(missing_ok=True)
