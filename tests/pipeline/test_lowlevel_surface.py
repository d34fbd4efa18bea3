"""The low-level layer openapi-python-client generates is complete: its client, and every
operation's module with the functions openapi-python-client's users call."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

LOW_LEVEL = ROOT / "generated" / "chaser_core" / "_api"
# (`sync` and `asyncio`, the parsed-value shortcuts, exist where a response has a declared type.)
FUNCTIONS = {"_get_kwargs", "sync_detailed", "asyncio_detailed"}


def test_each_endpoint_module_has_every_function_of_an_operation() -> None:
    modules = [path for path in (LOW_LEVEL / "api").rglob("*.py") if path.name != "__init__.py"]
    assert modules
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {
            node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert functions >= FUNCTIONS, path


def test_openapi_python_clients_own_client_is_shipped() -> None:
    assert {"client.py", "errors.py", "types.py"} <= {path.name for path in LOW_LEVEL.glob("*.py")}
