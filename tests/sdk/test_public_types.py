"""chaser_core.types: the public home of every model and enum, loaded lazily.

A user annotates `def f(session: SessionInfo)` with `from chaser_core.types import SessionInfo`,
never with a path under chaser_core._api. These tests fail when a model that a public method
takes or returns is missing from it.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import typing
from typing import Any

import chaser_core
import pytest
from chaser_core import types
from chaser_core._api import models

from tests.conftest import ROOT
from tests.spec_model import project_api

RESOURCES = ROOT / "generated" / "chaser_core" / "resources"


def test_every_model_and_enum_of_the_low_level_layer_is_exported() -> None:
    assert set(types.__all__) == set(models.__all__)
    assert len(types.__all__) == len(set(types.__all__)) > 100


def test_each_name_is_the_low_level_class_itself() -> None:
    for name in types.__all__:
        assert getattr(types, name) is getattr(models, name), name


def test_models_the_resource_modules_import_are_all_exported() -> None:
    """A resource module imports exactly the models its methods take or return."""
    imported: dict[str, str] = {}
    for path in RESOURCES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 2
                and (node.module or "").startswith("_api.models.")
            ):
                imported.update({alias.name: path.name for alias in node.names})

    assert "SessionInfo" in imported and "CreateSessionEphemeralRequestDoc" in imported
    assert {name: where for name, where in imported.items() if name not in types.__all__} == {}


def _model_classes(hint: Any) -> set[type]:
    found: set[type] = set()
    if isinstance(hint, type) and hint.__module__.startswith("chaser_core._api.models."):
        found.add(hint)
    for argument in typing.get_args(hint):
        found |= _model_classes(argument)
    return found


@pytest.mark.parametrize("client_class", [chaser_core.Chaser, chaser_core.AsyncChaser])
def test_every_model_a_public_method_takes_or_returns_is_exported_under_its_name(client_class: type) -> None:
    client = client_class(api_key="sk_test_types")
    seen: set[type] = set()
    for op in project_api().operations:
        target: Any = client
        for segment in op.resource_path:
            target = getattr(target, segment)
        method = getattr(target, op.name)
        module = sys.modules[type(target).__module__]
        for hint in typing.get_type_hints(method, vars(module)).values():
            seen |= _model_classes(hint)

    assert len(seen) > 30
    assert {cls.__name__ for cls in seen if getattr(types, cls.__name__, None) is not cls} == set()


def test_an_unknown_name_raises_attribute_error_and_dir_lists_the_exports() -> None:
    with pytest.raises(AttributeError, match="no attribute 'SessionInfoo'"):
        types.SessionInfoo  # noqa: B018
    assert dir(types) == sorted(types.__all__)


def test_from_import_of_every_name_works() -> None:
    namespace: dict[str, Any] = {}
    exec(f"from chaser_core.types import {', '.join(types.__all__)}", namespace)
    assert namespace["SessionInfo"] is models.SessionInfo


def test_importing_types_loads_no_model_and_no_httpx() -> None:
    probe = (
        "import json, sys; import chaser_core.types as t; before = sorted(sys.modules); t.SessionInfo; "
        "print(json.dumps([before, sorted(sys.modules)]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    before, after = json.loads(completed.stdout)

    assert [name for name in before if name.startswith(("chaser_core._api", "httpx", "attrs"))] == []
    assert "chaser_core._api.models.session_info" in after
    assert importlib.import_module("chaser_core.types") is types
