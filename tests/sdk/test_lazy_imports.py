"""`import chaser_core` is cheap: names, resources and models load on first use."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import chaser_core
import pytest

_PROBE = textwrap.dedent(
    """
    import json, sys

    def loaded():
        return sorted(name for name in sys.modules if name.startswith(("chaser_core", "httpx")))

    steps = {}
    import chaser_core
    steps["import"] = loaded()
    chaser_core.Chaser
    steps["Chaser"] = loaded()
    client = chaser_core.Chaser(api_key="sk_test_lazy")
    steps["construct"] = loaded()
    client.sessions
    steps["sessions"] = loaded()
    print(json.dumps(steps))
    """
)


@pytest.fixture(scope="module")
def steps() -> dict[str, list[str]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    result: dict[str, list[str]] = json.loads(completed.stdout)
    return result


def _under(modules: list[str], prefix: str) -> list[str]:
    return [name for name in modules if name == prefix or name.startswith(prefix + ".")]


def test_import_loads_no_resource_model_client_or_httpx(steps: dict[str, list[str]]) -> None:
    modules = steps["import"]

    assert _under(modules, "chaser_core.resources") == []
    assert _under(modules, "chaser_core._api.models") == []
    assert _under(modules, "chaser_core._client") == []
    assert _under(modules, "httpx") == []
    assert set(modules) <= {"chaser_core", "chaser_core._version"}


def test_chaser_resolves_lazily_without_resources_or_models(steps: dict[str, list[str]]) -> None:
    modules = steps["Chaser"]

    assert "chaser_core._client" in modules
    assert "httpx" in modules
    assert _under(modules, "chaser_core.resources") == []
    assert _under(modules, "chaser_core._api.models") == []


def test_building_a_client_loads_no_resource(steps: dict[str, list[str]]) -> None:
    assert _under(steps["construct"], "chaser_core.resources") == []


def test_a_resource_loads_only_its_own_module(steps: dict[str, list[str]]) -> None:
    resources = _under(steps["sessions"], "chaser_core.resources")

    assert resources == ["chaser_core.resources", "chaser_core.resources.sessions"]


def test_dir_and_all_list_the_public_names() -> None:
    public = {
        "Chaser",
        "AsyncChaser",
        "APIStatusError",
        "NotFoundError",
        "RateLimitError",
        "APIResponse",
        "__version__",
    }

    assert public <= set(chaser_core.__all__)
    assert dir(chaser_core) == sorted(chaser_core.__all__)
    assert len(set(chaser_core.__all__)) == len(chaser_core.__all__)


def test_every_name_in_all_resolves() -> None:
    for name in chaser_core.__all__:
        assert getattr(chaser_core, name) is not None, name
    assert chaser_core.Chaser.__module__ == "chaser_core._client"


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Chaserr'"):
        chaser_core.Chaserr  # noqa: B018


def test_the_default_async_client_imports_no_aiohttp_even_when_it_is_installed() -> None:
    probe = textwrap.dedent(
        """
        import asyncio, sys
        import chaser_core

        async def main():
            async with chaser_core.AsyncChaser(api_key="sk_test_lazy") as client:
                client.sessions
        asyncio.run(main())
        print(sorted(n for n in sys.modules if n == "chaser_core._aiohttp" or n.split(".")[0] == "aiohttp"))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert completed.stdout.strip() == "[]"
