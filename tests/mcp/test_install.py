"""`chaser-core mcp install`: agents' config files, edited safely (run in-process on a fake HOME)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from chaser_core._cli import cli
from chaser_core._cli._mcp import _agents
from chaser_core._cli._mcp._agents import AGENTS, Platform
from click.testing import CliRunner, Result

from tests.mcp.upstream import KEY

SERVE = ["mcp", "serve"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def install(home: Path, *args: str, **env: str) -> Result:
    runner = CliRunner()
    environment = {"HOME": str(home), "XDG_CONFIG_HOME": None, "APPDATA": None, "CHASER_API_KEY": KEY, **env}
    return runner.invoke(cli, ["mcp", "install", *args], env=environment, catch_exceptions=False)


def claude_desktop(home: Path) -> Path:
    return (
        Platform.current().__class__(sys.platform, home, {}).app_data
        / "Claude"
        / "claude_desktop_config.json"
    )


def write_json(path: Path, data: Any, indent: int = 2) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    return path.read_bytes()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.*.bak"))


EXISTING = {
    "mcpServers": {
        "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}
    },
    "preferences": {"sidebarMode": "chat", "locale": "fr-FR", "title": "Réglages ☕"},
    "globalShortcut": "",
}


def test_install_adds_the_entry_and_keeps_every_other_server_and_key(home: Path) -> None:
    config = claude_desktop(home)
    original = write_json(config, EXISTING)

    result = install(home, "--agent", "claude-desktop")

    assert result.exit_code == 0, result.output
    data = json.loads(config.read_text(encoding="utf-8"))
    assert data["preferences"] == EXISTING["preferences"] and data["globalShortcut"] == ""
    assert data["mcpServers"]["filesystem"] == EXISTING["mcpServers"]["filesystem"]
    entry = data["mcpServers"]["chaser"]
    assert entry["args"] == SERVE and set(entry) == {"command", "args"}
    assert Path(entry["command"]).is_absolute() and os.access(entry["command"], os.X_OK)
    (backup,) = backups(config)
    assert backup.read_bytes() == original
    assert f"claude-desktop: updated {config} (backup: {backup})" in result.output
    # Only the new entry differs from the original text: nothing else was reformatted.
    assert config.read_text(encoding="utf-8").startswith(
        original.decode("utf-8")[: original.index(b'"filesystem"')]
    )


def test_install_again_changes_nothing(home: Path) -> None:
    config = claude_desktop(home)
    write_json(config, EXISTING)
    assert install(home, "--agent", "claude-desktop").exit_code == 0
    first = config.read_bytes()

    again = install(home, "--agent", "claude-desktop")

    assert again.exit_code == 0 and "claude-desktop: unchanged" in again.output
    assert config.read_bytes() == first
    assert len(backups(config)) == 1  # no write, so no second backup


def test_install_never_writes_the_api_key(home: Path) -> None:
    (home / ".cursor").mkdir()
    (home / ".codeium" / "windsurf").mkdir(parents=True)

    result = install(home, "--agent", "all", CHASER_ACCOUNT="team", CHASER_BASE_URL="https://api.chaser.sh")

    assert result.exit_code == 0, result.output
    written = [path for path in home.rglob("*") if path.is_file()]
    assert {p.name for p in written} == {"mcp.json", "mcp_config.json"}
    for path in written:
        assert KEY not in path.read_text(encoding="utf-8")
        assert "env" not in json.loads(path.read_text(encoding="utf-8"))["mcpServers"]["chaser"]
    assert KEY not in result.output


def test_dry_run_prints_the_diff_and_writes_nothing(home: Path) -> None:
    config = claude_desktop(home)
    original = write_json(config, EXISTING)

    result = install(home, "--agent", "claude-desktop", "--dry-run")

    assert result.exit_code == 0
    assert config.read_bytes() == original and backups(config) == []
    assert f"--- {config}\n+++ {config}\n" in result.output
    assert '+    "chaser": {\n' in result.output
    assert '+      "args": [\n+        "mcp",\n+        "serve"\n' in result.output
    assert "claude-desktop: would be updated" in result.output


def test_an_existing_entry_keeps_the_keys_the_user_added_to_it(home: Path) -> None:
    config = home / ".cursor" / "mcp.json"
    user_entry = {
        "command": "npx",
        "args": ["chaser", "mcp", "serve"],
        "env": {"CHASER_ACCOUNT": "team"},
        "disabled": False,
    }
    write_json(config, {"mcpServers": {"chaser": user_entry}})

    assert install(home, "--agent", "cursor", "--command", "uvx chaser-core").exit_code == 0

    entry = json.loads(config.read_text())["mcpServers"]["chaser"]
    assert entry == {**user_entry, "command": "uvx", "args": ["chaser-core", "mcp", "serve"]}


def test_a_file_with_comments_is_left_alone_with_the_entry_to_add_by_hand(home: Path) -> None:
    config = Platform(sys.platform, home, {}).app_data / "Code" / "User" / "mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text('{\n  // my servers\n  "servers": {},\n}\n', encoding="utf-8")
    original = config.read_bytes()

    result = install(home, "--agent", "vscode")

    assert result.exit_code == 1
    assert config.read_bytes() == original and backups(config) == []
    assert "has comments or trailing commas" in result.output
    assert '"servers": {\n    "chaser": {\n      "type": "stdio"' in result.output


def test_a_failed_write_leaves_the_original_file_and_no_temporary_file(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = claude_desktop(home)
    original = write_json(config, EXISTING)

    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_agents.os, "replace", disk_full)
    result = install(home, "--agent", "claude-desktop")

    assert result.exit_code == 1 and "No space left on device" in result.output
    assert config.read_bytes() == original
    assert [p.name for p in config.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_symlinked_config_is_written_through_its_link(home: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles" / "mcp.json"
    write_json(dotfiles, {"mcpServers": {}}, indent=4)
    link = home / ".cursor" / "mcp.json"
    link.parent.mkdir()
    link.symlink_to(dotfiles)

    assert install(home, "--agent", "cursor").exit_code == 0

    assert link.is_symlink() and link.resolve() == dotfiles
    assert json.loads(dotfiles.read_text())["mcpServers"]["chaser"]["args"] == SERVE
    assert '\n    "mcpServers": {\n        "chaser"' in dotfiles.read_text()  # its 4-space indent kept


def test_all_installs_only_into_the_agents_on_this_machine(home: Path) -> None:
    (home / ".cursor").mkdir()

    result = install(home, "--agent", "all")

    assert result.exit_code == 0
    assert "cursor: created" in result.output
    for name in ("claude-desktop", "claude-code", "vscode", "windsurf"):
        assert f"{name}: skipped" in result.output
    assert [p.relative_to(home).as_posix() for p in home.rglob("*.json")] == [".cursor/mcp.json"]


def test_project_scope_writes_each_agents_project_file(home: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()

    result = install(home, "--agent", "all", "--scope", "project", "--project-dir", str(project))

    assert result.exit_code == 0, result.output
    assert json.loads((project / ".mcp.json").read_text())["mcpServers"]["chaser"]["type"] == "stdio"
    assert json.loads((project / ".cursor" / "mcp.json").read_text())["mcpServers"]["chaser"]["args"] == SERVE
    assert json.loads((project / ".vscode" / "mcp.json").read_text())["servers"]["chaser"]["type"] == "stdio"
    assert "claude-desktop: skipped" in result.output and "windsurf: skipped" in result.output


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        (
            "darwin",
            {
                "claude-desktop": "Library/Application Support/Claude/claude_desktop_config.json",
                "vscode": "Library/Application Support/Code/User/mcp.json",
            },
        ),
        (
            "win32",
            {
                "claude-desktop": "AppData/Roaming/Claude/claude_desktop_config.json",
                "vscode": "AppData/Roaming/Code/User/mcp.json",
            },
        ),
        (
            "linux",
            {
                "claude-desktop": ".config/Claude/claude_desktop_config.json",
                "vscode": ".config/Code/User/mcp.json",
            },
        ),
    ],
)
def test_each_agents_config_is_where_that_agent_reads_it_on_each_system(
    system: str, expected: dict[str, str], tmp_path: Path
) -> None:
    platform = Platform(system, tmp_path, {})
    same_everywhere = {
        "claude-code": ".claude.json",
        "cursor": ".cursor/mcp.json",
        "windsurf": ".codeium/windsurf/mcp_config.json",
    }
    for name, relative in {**expected, **same_everywhere}.items():
        assert AGENTS[name].config_path("user", platform, tmp_path) == tmp_path / relative
    roaming = tmp_path / "Roaming"
    assert Platform("win32", tmp_path, {"APPDATA": str(roaming)}).app_data == roaming
    assert Platform("linux", tmp_path, {"XDG_CONFIG_HOME": str(roaming)}).app_data == roaming
