"""`chaser-core mcp doctor`: one line per check, exit code 1 on a problem (against a real MCP server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chaser_core._cli import cli
from chaser_core._env import ENV_VARS
from click.testing import CliRunner, Result

from tests.mcp.upstream import KEY, FakeChaserMCP


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def run(home: Path, *args: str, **env: str | None) -> Result:
    environment: dict[str, str | None] = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": None,
        **dict.fromkeys(ENV_VARS),
        **env,
    }
    return CliRunner().invoke(cli, ["mcp", *args], env=environment, catch_exceptions=False)


def rows(result: Result) -> dict[str, tuple[str, str]]:
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CHECK", "STATUS", "DETAIL"]
    table = {}
    for line in lines[1:]:
        name, status, detail = line.split(maxsplit=2) if len(line.split()) > 2 else (*line.split(), "")
        table[name] = (status, detail)
    return table


def test_doctor_passes_and_exits_0_when_the_bridge_would_work(home: Path) -> None:
    (home / ".cursor").mkdir()
    with FakeChaserMCP() as upstream:
        env = {"CHASER_API_KEY": KEY, "CHASER_BASE_URL": upstream.base_url}
        assert run(home, "install", "--agent", "cursor", **env).exit_code == 0
        result = run(home, "doctor", **env)

    assert result.exit_code == 0, result.output
    table = rows(result)
    assert table["CHASER_API_KEY"] == ("ok", "set (never printed)")
    assert table["cursor"][0] == "ok" and str(home / ".cursor" / "mcp.json") in table["cursor"][1]
    assert table["claude-desktop"] == ("skip", "not installed")
    assert (
        table["initialize"][0] == "ok"
        and "protocol 2025-11-25, server fake-chaser 1.0" in table["initialize"][1]
    )
    assert table["tools/list"] == (
        "ok",
        f"{len(_tools())} tool(s): " + ", ".join(t["name"] for t in _tools()),
    )
    assert KEY not in result.output
    # The live check went through the bridge's own relay: session headers and all.
    assert [s.message["method"] for s in upstream.seen() if s.message] == [
        "initialize",
        "notifications/initialized",
        "tools/list",
    ]
    assert upstream.seen("tools/list")[0].headers["mcp-protocol-version"] == "2025-11-25"


def test_doctor_prints_one_line_per_problem_and_exits_1(home: Path) -> None:
    (home / ".cursor").mkdir()
    desktop = home / ".config" / "Claude" / "claude_desktop_config.json"
    desktop.parent.mkdir(parents=True)
    desktop.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "chaser": {"command": "/bin/sh", "args": ["mcp", "serve"], "env": {"CHASER_API_KEY": KEY}}
                }
            }
        )
    )
    windsurf = home / ".codeium" / "windsurf" / "mcp_config.json"
    windsurf.parent.mkdir(parents=True)
    windsurf.write_text(
        '{"mcpServers": {"chaser": {"command": "/nowhere/chaser-core", "args": ["mcp", "serve"]}}}'
    )
    with FakeChaserMCP() as upstream:
        result = run(home, "doctor", CHASER_API_KEY="sk_wrong", CHASER_BASE_URL=upstream.base_url)

    assert result.exit_code == 1
    table = rows(result)
    assert table["cursor"] == (
        "fail",
        f"no {home / '.cursor' / 'mcp.json'}: run `chaser-core mcp install --agent cursor`",
    )
    assert table["windsurf"][0] == "fail" and "/nowhere/chaser-core" in table["windsurf"][1]
    assert (
        table["claude-desktop"][0] == "warn"
        and "holds the API key in plain text" in table["claude-desktop"][1]
    )
    assert table["initialize"] == (
        "fail",
        "the Chaser API refused the API key (HTTP 401): check CHASER_API_KEY",
    )
    assert "3 problem(s)" in result.stderr
    assert KEY not in result.output and "sk_wrong" not in result.output


def test_doctor_without_a_key_says_so_and_skips_the_live_check(home: Path) -> None:
    result = run(home, "doctor", CHASER_API_KEY=None, CHASER_BASE_URL="http://api.example.test")

    assert result.exit_code == 1
    table = rows(result)
    assert table["CHASER_API_KEY"][0] == "fail"
    assert table["base-url"][0] == "warn" and "not HTTPS" in table["base-url"][1]
    assert table["initialize"] == ("skip", "no API key")


def _tools() -> list[dict[str, str]]:
    from tests.mcp.upstream import TOOLS

    return TOOLS
