"""The agents the bridge installs into: where each keeps its MCP servers, and how to edit it safely.

Every agent keeps a JSON file with an object of servers, each a command and its arguments:

| agent | user file | project file | servers under |
|---|---|---|---|
| Claude Desktop | macOS `~/Library/Application Support/Claude/claude_desktop_config.json`, Windows `%APPDATA%\\Claude\\...`, Linux `$XDG_CONFIG_HOME/Claude/...` | none | `mcpServers` |
| Claude Code | `~/.claude.json` | `.mcp.json` | `mcpServers` (`"type": "stdio"`) |
| Cursor | `~/.cursor/mcp.json` | `.cursor/mcp.json` | `mcpServers` |
| VS Code | macOS `~/Library/Application Support/Code/User/mcp.json`, Windows `%APPDATA%\\Code\\User\\mcp.json`, Linux `$XDG_CONFIG_HOME/Code/User/mcp.json` | `.vscode/mcp.json` | `servers` (`"type": "stdio"`) |
| Windsurf | `~/.codeium/windsurf/mcp_config.json` | none | `mcpServers` |

Sources: https://modelcontextprotocol.io/docs/develop/connect-local-servers,
https://code.claude.com/docs/en/mcp, https://cursor.com/docs/mcp,
https://code.visualstudio.com/docs/copilot/reference/mcp-configuration,
https://docs.windsurf.com/windsurf/cascade/mcp.

Editing rules: only the bridge's own entry changes (and in it only `type`, `command` and
`args`; keys the user added stay); every other entry and key of the file is kept; the file is
backed up before it changes, written to a temporary file in the same folder and renamed over
the original (a symlinked file is written through its link); nothing is written when nothing
changes. The API key is never written: the entry has no `env`, and the bridge reads
CHASER_API_KEY from the environment the agent starts it with. A file that is not plain JSON
(VS Code accepts comments) is left alone, with the entry to add by hand.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Scope = Literal["user", "project"]
Status = Literal["created", "updated", "unchanged", "skipped", "error"]
DEFAULT_ENTRY_NAME = "chaser"


@dataclass(frozen=True)
class Platform:
    """Where things are on this machine (a parameter, so tests can ask about any OS)."""

    system: str  # sys.platform: "darwin", "win32", "linux", ...
    home: Path
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def current(cls) -> Platform:
        return cls(sys.platform, Path.home(), dict(os.environ))

    @property
    def app_data(self) -> Path:
        """Where desktop apps keep settings: the user's Application Support, AppData or XDG folder."""
        if self.system == "darwin":
            return self.home / "Library" / "Application Support"
        if self.system == "win32":
            return Path(self.env.get("APPDATA") or self.home / "AppData" / "Roaming")
        return Path(self.env.get("XDG_CONFIG_HOME") or self.home / ".config")


@dataclass(frozen=True)
class Agent:
    name: str
    title: str
    servers_key: str  # the object of servers in the file
    typed: bool  # entries say "type": "stdio"
    user_file: Callable[[Platform], Path]
    marker: Callable[[Platform], Path]  # exists when the agent is installed
    project_file: str | None = None
    # Set for agents that start servers without the user's shell environment.
    env_note: str | None = None

    def config_path(self, scope: Scope, platform: Platform, project: Path) -> Path | None:
        if scope == "project":
            return project / self.project_file if self.project_file else None
        return self.user_file(platform)

    def installed(self, platform: Platform) -> bool:
        return self.marker(platform).exists()

    def entry(self, command: str, args: list[str]) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "stdio"} if self.typed else {}
        entry.update(command=command, args=args)
        return entry


AGENTS: dict[str, Agent] = {
    agent.name: agent
    for agent in (
        Agent(
            "claude-desktop",
            "Claude Desktop",
            "mcpServers",
            typed=False,
            user_file=lambda p: p.app_data / "Claude" / "claude_desktop_config.json",
            marker=lambda p: p.app_data / "Claude",
            env_note=(
                "Claude Desktop may start servers without your shell's environment: if the bridge "
                "answers that it has no API key, set CHASER_API_KEY in this entry's env yourself "
                "(install never writes it)"
            ),
        ),
        Agent(
            "claude-code",
            "Claude Code",
            "mcpServers",
            typed=True,
            user_file=lambda p: p.home / ".claude.json",
            marker=lambda p: p.home / ".claude",
            project_file=".mcp.json",
        ),
        Agent(
            "cursor",
            "Cursor",
            "mcpServers",
            typed=False,
            user_file=lambda p: p.home / ".cursor" / "mcp.json",
            marker=lambda p: p.home / ".cursor",
            project_file=".cursor/mcp.json",
        ),
        Agent(
            "vscode",
            "VS Code",
            "servers",
            typed=True,
            user_file=lambda p: p.app_data / "Code" / "User" / "mcp.json",
            marker=lambda p: p.app_data / "Code" / "User",
            project_file=".vscode/mcp.json",
        ),
        Agent(
            "windsurf",
            "Windsurf",
            "mcpServers",
            typed=False,
            user_file=lambda p: p.home / ".codeium" / "windsurf" / "mcp_config.json",
            marker=lambda p: p.home / ".codeium" / "windsurf",
        ),
    )
}


def bridge_command(serve_args: list[str]) -> tuple[str, list[str]]:
    """The command an agent runs to start this bridge: this environment's chaser-core script by
    its absolute path (agents start servers with a short PATH), else this Python with -m."""
    scripts = Path(sys.executable).parent
    found = shutil.which("chaser-core", path=str(scripts)) or shutil.which("chaser-core")
    if found:
        return str(Path(found).absolute()), list(serve_args)
    package = __name__.split(".")[0]
    return sys.executable, ["-m", f"{package}._cli", *serve_args]


class ConfigError(Exception):
    """A config file the bridge will not edit."""


def read_config(path: Path, servers_key: str) -> tuple[str | None, dict[str, Any]]:
    """The file's text (None when it does not exist) and its parsed content."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    if not text.strip():
        return text, {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        hint = (
            " (it has comments or trailing commas, which only the agent's own editor keeps)"
            if _jsonc(text)
            else ""
        )
        raise ConfigError(f"{path} is not valid JSON{hint}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path} does not hold a JSON object")
    servers = data.get(servers_key)
    if servers is not None and not isinstance(servers, dict):
        raise ConfigError(f"{servers_key!r} in {path} is not an object")
    return text, data


def _jsonc(text: str) -> bool:
    return bool(re.search(r"^\s*//|/\*|,\s*[}\]]", text, re.MULTILINE))


def _indent(text: str | None) -> str | int:
    """The file's indentation, so a rewrite changes only what it must (2 spaces by default)."""
    match = re.search(r"^[\[{]\s*\n([ \t]+)\S", text or "", re.MULTILINE)
    if match is None:
        return 2
    unit = match.group(1)
    return unit if "\t" in unit else len(unit)


def render(data: dict[str, Any], before: str | None) -> str:
    text = json.dumps(data, indent=_indent(before), ensure_ascii=False)
    return text + "\n" if before is None or before.endswith("\n") or not before.strip() else text


@dataclass
class Change:
    """What install does (or would do) to one agent's config file."""

    agent: Agent
    path: Path | None
    status: Status
    message: str = ""
    before: str | None = None
    after: str | None = None
    backup: Path | None = None

    def diff(self) -> str:
        if self.after is None or self.path is None:
            return ""
        return "".join(
            difflib.unified_diff(
                (self.before or "").splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                str(self.path) if self.before is not None else "/dev/null",
                str(self.path),
            )
        )


def plan(
    agent: Agent,
    *,
    scope: Scope,
    platform: Platform,
    project: Path,
    name: str,
    command: str,
    args: list[str],
    explicit: bool,
) -> Change:
    """The change that puts the bridge's entry into the agent's config (nothing is written)."""
    path = agent.config_path(scope, platform, project)
    if path is None:
        return Change(agent, None, "skipped", f"{agent.title} has no {scope} configuration")
    if scope == "user" and not explicit and not agent.installed(platform):
        return Change(
            agent, path, "skipped", f"{agent.title} is not installed ({agent.marker(platform)} is missing)"
        )
    try:
        before, data = read_config(path, agent.servers_key)
    except ConfigError as exc:
        snippet = json.dumps({agent.servers_key: {name: agent.entry(command, args)}}, indent=2)
        return Change(agent, path, "error", f"{exc}; left as it is. Add the entry by hand:\n{snippet}")
    servers = data.setdefault(agent.servers_key, {})
    current = servers.get(name)
    entry = dict(current) if isinstance(current, dict) else {}
    entry.update(agent.entry(command, args))
    if current == entry:
        return Change(agent, path, "unchanged", f"entry {name!r} is up to date", before, None)
    servers[name] = entry
    after = render(data, before)
    return Change(agent, path, "created" if before is None else "updated", f"entry {name!r}", before, after)


def apply(change: Change) -> Change:
    """Write a planned change: back the file up, then replace it atomically."""
    if change.after is None or change.path is None:
        return change
    target = change.path.resolve() if change.path.is_symlink() else change.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if change.before is not None and target.exists():
        change.backup = _backup(target)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(change.after)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return change


def _backup(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
        counter += 1
    shutil.copy2(path, backup)
    return backup


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
