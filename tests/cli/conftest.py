from __future__ import annotations

import pytest
import respx
from chaser_core._env import ENV_VARS
from click.testing import CliRunner

BASE = "https://api.chaser.sh"
KEY = "sk_test_cli_0123456789abcdef"


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return CliRunner(env={"COLUMNS": "100"})


@pytest.fixture
def api():
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        yield mock


def session(session_id: str, status: str = "running") -> dict:
    return {
        "id": session_id,
        "created_at": "2026-11-28T00:00:00Z",
        "endpoints": {"control": f"wss://x/{session_id}"},
        "session_type": "sandbox",
        "status": status,
    }
