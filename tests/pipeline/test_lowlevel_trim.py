"""The low-level package is trimmed to `_get_kwargs`, the one function the SDK calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.lowlevel_trim import trim_endpoint_module, trim_package

from tests.conftest import ROOT

ENDPOINT = '''\
import httpx
from typing import Any, cast

from ...client import Client
from ...models.item import Item
from ...types import UNSET, Response, Unset


def _get_kwargs(*, limit: int | Unset = UNSET) -> dict[str, Any]:
    return {"method": "get", "url": "/v1/items", "params": {"limit": limit}}


def _parse_response(*, client: Client, response: httpx.Response) -> None:
    return None


def sync_detailed(*, client: Client, limit: int) -> None:
    """Docstring with a def sync(): inside it."""
    return None


@staticmethod
async def asyncio(*, client: Client, limit: int) -> None:
    return None
'''


def test_only_get_kwargs_and_the_imports_it_uses_remain() -> None:
    trimmed = trim_endpoint_module(ENDPOINT)

    # The blank lines that separated the cut functions stay; the format stage removes them.
    assert trimmed.rstrip("\n") + "\n" == (
        "from typing import Any\n"
        "\n"
        "from ...types import UNSET, Unset\n"
        "\n"
        "\n"
        "def _get_kwargs(*, limit: int | Unset = UNSET) -> dict[str, Any]:\n"
        '    return {"method": "get", "url": "/v1/items", "params": {"limit": limit}}\n'
    )


def test_a_module_without_get_kwargs_is_an_error_not_an_empty_module() -> None:
    with pytest.raises(PipelineError, match="no _get_kwargs") as raised:
        trim_endpoint_module("def sync():\n    pass\n", location="api/items/list.py")
    assert raised.value.stage == "low-level" and raised.value.location == "api/items/list.py"


def test_the_package_loses_the_client_and_errors_modules_and_keeps_the_markers(tmp_path: Path) -> None:
    (tmp_path / "api" / "items").mkdir(parents=True)
    (tmp_path / "api" / "items" / "__init__.py").write_text('"""Marker."""\n')
    (tmp_path / "api" / "items" / "list_items.py").write_text(ENDPOINT)
    for name in ("client.py", "errors.py", "types.py"):
        (tmp_path / name).write_text("X = 1\n")

    trim_package(tmp_path)

    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.py")) == [
        "api/items/__init__.py",
        "api/items/list_items.py",
        "types.py",
    ]
    assert "def sync_detailed" not in (tmp_path / "api" / "items" / "list_items.py").read_text()


def test_the_generated_endpoint_modules_define_get_kwargs_only() -> None:
    modules = [
        p
        for p in (ROOT / "generated" / "chaser_core" / "_api" / "api").rglob("*.py")
        if p.name != "__init__.py"
    ]
    assert modules
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        assert functions == ["_get_kwargs"], path
    assert not (ROOT / "generated" / "chaser_core" / "_api" / "client.py").exists()
