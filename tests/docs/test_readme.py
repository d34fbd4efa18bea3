"""The README's examples run, as a new user would run them, against chaser_core.testing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chaser_core._env import ENV_API_KEY
from chaser_core.testing import MockAPI

from tests.conftest import ROOT
from tests.fake_browser import FakeBrowser

README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def ready_session(api: MockAPI) -> dict:
    return {**api.example_response("sessions.get"), "id": "s_1", "status": "ready"}


@pytest.fixture
def browser(monkeypatch):
    """The DevTools WebSocket the README's CDP example talks to."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeBrowser()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def api(monkeypatch, tmp_path, browser):
    monkeypatch.setenv(ENV_API_KEY, "sk_readme")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("print('hello')\n")
    monkeypatch.setattr("chaser_core._waiters.time.sleep", lambda seconds: None)
    with MockAPI() as mock:
        mock.respond("sessions.get", json=ready_session(mock))
        mock.respond("sessions.create", json=ready_session(mock))
        mock.respond("commands.get", json={"command_id": "c_1", "status": "exited", "exit_code": 0})
        mock.respond("jobs.get", json={"id": "j_1", "status": "completed"})
        mock.respond(
            "browser.version", json={"Browser": "HeadlessChrome/130", "webSocketDebuggerUrl": browser.url}
        )
        yield mock


def test_the_readme_has_the_examples_this_test_runs():
    assert len(PYTHON_BLOCKS) >= 8


def run_block(index: int, block: str, namespace: dict) -> None:
    exec(compile(block, f"README.md python block {index}", "exec"), namespace)


def test_every_usage_example_of_the_readme_runs(api, browser):
    namespace: dict = {"Path": Path, "command_id": "c_1", "job": type("Job", (), {"id": "j_1"})()}
    for index, block in enumerate(PYTHON_BLOCKS):
        if "MockAPI" not in block:
            run_block(index, block, namespace)
    assert api.calls("sessions.create") and api.calls("exec.in_session") and api.calls("files.upload")
    assert [m["method"] for m in browser.received] == [
        "Browser.getVersion",
        "Target.createTarget",
        "Target.closeTarget",
    ]


@pytest.mark.parametrize("index", [i for i, block in enumerate(PYTHON_BLOCKS) if "MockAPI" in block])
def test_the_testing_examples_of_the_readme_run_and_their_tests_pass(monkeypatch, index):
    monkeypatch.setenv("CHASER_API_KEY", "sk_readme")
    namespace: dict = {
        "run_my_deploy": lambda client: client.sessions.create(session_type="sandbox", ephemeral=True)
    }
    run_block(index, PYTHON_BLOCKS[index], namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_") and callable(value)]
    assert tests
    for test in tests:
        test()


def test_each_row_of_the_comparison_table_names_a_test_that_exists():
    table = README.split("## Compared with chaser-sdk 0.2.1", 1)[1].split("\n## ", 1)[0]
    proofs = re.findall(r"\| `(tests/[\w/]+\.py)::(\w+)` \|$", table, re.MULTILINE)
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| |")]

    assert len(proofs) == len(rows) >= 20
    for path, name in proofs:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^(async )?def {name}\(", source, re.MULTILINE), f"{path}::{name}"
