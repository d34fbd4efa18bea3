"""The low-level package ships what the SDK calls, and no second client."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

LOW_LEVEL = ROOT / "generated" / "chaser_core" / "_api"


def test_each_endpoint_module_defines_get_kwargs_only() -> None:
    modules = [path for path in (LOW_LEVEL / "api").rglob("*.py") if path.name != "__init__.py"]
    assert modules
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        assert functions == ["_get_kwargs"], path
        assert "Not a supported interface" in (ast.get_docstring(tree) or ""), path


def test_openapi_python_clients_own_client_is_not_shipped() -> None:
    assert sorted(path.name for path in LOW_LEVEL.glob("*.py")) == ["__init__.py", "types.py"]
    assert "Not a supported interface" in (
        ast.get_docstring(ast.parse((LOW_LEVEL / "__init__.py").read_text())) or ""
    )
