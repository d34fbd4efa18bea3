from __future__ import annotations

import pytest
import respx
from click.testing import CliRunner

BASE = "https://api.chaser.sh"
KEY = "sk_test_cli_0123456789abcdef"


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    for name in ("CHASER_API_KEY", "CHASER_BASE_URL", "CHASER_API_URL", "CHASER_ACCOUNT", "CHASER_LOG"):
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
