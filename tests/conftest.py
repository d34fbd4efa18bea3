"""Shared fixtures: paths of the project and its vendored inputs, and what every suite that
calls the API uses (the base URL, a key, a session as the API returns it, a clean CHASER_*
environment). Defined once here; the suites import them from here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.layout import ROOT
from chaser_core._env import ENV_VARS

SPEC = ROOT / "spec" / "openapi.json"
OVERLAY = ROOT / "spec" / "overlay.yaml"
EXCLUSIONS = ROOT / "spec" / "exclusions.yaml"
FIXTURE_SPECS = ROOT / "tests" / "fixtures" / "specs"

BASE = "https://api.chaser.sh"
KEY = "sk_test_5ecret0f4k3ab12cd34ef56"
# Every CHASER_* variable the SDK reads, from the runtime's one list of them.
CHASER_ENV = ENV_VARS


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def clean_chaser_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on the developer's own CHASER_* variables."""
    for name in CHASER_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def session_json(session_id: str = "s1", status: str = "running", **extra: Any) -> dict[str, Any]:
    """A session as the API returns it."""
    return {
        "id": session_id,
        "created_at": "2026-11-28T00:00:00Z",
        "endpoints": {"control": f"wss://api.chaser.sh/control/{session_id}"},
        "session_type": "sandbox",
        "status": status,
        **extra,
    }
