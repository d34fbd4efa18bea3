"""`chaser-core mcp doctor`: the environment, each agent's config, and a live initialize + tools/list.

Each check is one row: ok, warn (works, but worth knowing), fail (the bridge will not work
until it is fixed) or skip. The command exits 1 when any check failed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..._env import ENV_ACCOUNT, ENV_API_KEY
from ._agents import Agent, ConfigError, Platform, Scope, read_config
from ._relay import HANDSHAKE_PROTOCOL_VERSION, BridgeError, Upstream
from ._spec import BridgeSpec

if TYPE_CHECKING:
    from ..._base_client import AsyncAPIClient

CheckStatus = Literal["ok", "warn", "fail", "skip"]
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class Check:
    name: str
    status: CheckStatus
    detail: str


def environment_checks(api_key: str | None, base_url: str | None, account: str | None) -> list[Check]:
    checks = [
        Check(ENV_API_KEY, "ok", "set (never printed)")
        if api_key
        else Check(ENV_API_KEY, "fail", f"not set: export {ENV_API_KEY}=sk_... where the agent starts")
    ]
    url = base_url or "https://api.chaser.sh"
    if url.startswith("https://") or any(url.startswith(f"http://{host}") for host in _LOCAL_HOSTS):
        checks.append(Check("base-url", "ok", url))
    else:
        checks.append(Check("base-url", "warn", f"{url} is not HTTPS: the key would travel unencrypted"))
    checks.append(Check("account", "ok", account or f"personal ({ENV_ACCOUNT} not set)"))
    return checks


def agent_checks(
    agents: Sequence[Agent],
    *,
    scope: Scope,
    platform: Platform,
    project: Path,
    name: str,
    spec: BridgeSpec,
    explicit: bool,
) -> list[Check]:
    return [
        _agent_check(
            agent, scope=scope, platform=platform, project=project, name=name, spec=spec, explicit=explicit
        )
        for agent in agents
    ]


def _agent_check(
    agent: Agent,
    *,
    scope: Scope,
    platform: Platform,
    project: Path,
    name: str,
    spec: BridgeSpec,
    explicit: bool,
) -> Check:
    install = f"run `chaser-core {' '.join(spec.cli_path)} install --agent {agent.name}`"
    path = agent.config_path(scope, platform, project)
    if path is None:
        return Check(agent.name, "skip", f"{agent.title} has no {scope} configuration")
    if scope == "user" and not explicit and not agent.installed(platform):
        return Check(agent.name, "skip", "not installed")
    try:
        text, data = read_config(path, agent.servers_key)
    except ConfigError as exc:
        return Check(agent.name, "fail", str(exc))
    entry = (data.get(agent.servers_key) or {}).get(name)
    if text is None:
        return Check(agent.name, "fail", f"no {path}: {install}")
    if not isinstance(entry, dict):
        return Check(agent.name, "fail", f"no {name!r} server in {path}: {install}")
    command, args = entry.get("command"), entry.get("args") or []
    if not isinstance(command, str) or not isinstance(args, list):
        return Check(agent.name, "fail", f"the {name!r} server in {path} has no command: {install}")
    if not (os.path.isabs(command) and os.access(command, os.X_OK)) and not shutil.which(command):
        return Check(agent.name, "fail", f"{command} (the {name!r} server in {path}) is not found: {install}")
    if args[-len(spec.serve_args) :] != spec.serve_args:
        return Check(
            agent.name, "warn", f"the {name!r} server in {path} runs `{command} {' '.join(map(str, args))}`"
        )
    key = _object(entry.get("env")).get(ENV_API_KEY)
    if isinstance(key, str) and key and not key.startswith("${"):
        return Check(agent.name, "warn", f"{path} holds the API key in plain text: prefer the environment")
    if agent.env_note and not key:
        return Check(agent.name, "warn", agent.env_note)
    return Check(agent.name, "ok", f"{path}: {name!r} runs {command}")


async def live_checks(client: AsyncAPIClient, spec: BridgeSpec, version: str) -> list[Check]:
    """initialize, notifications/initialized and tools/list against the API, as the bridge does."""
    upstream = Upstream(client, spec)
    checks: list[Check] = []
    try:
        started = time.monotonic()
        answer = await upstream.call(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": HANDSHAKE_PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "chaser-core-doctor", "version": version},
                },
            }
        )
        if "error" in answer:
            return [Check("initialize", "fail", _error_text(answer))]
        server = _object(_object(answer.get("result")).get("serverInfo"))
        checks.append(
            Check(
                "initialize",
                "ok",
                f"protocol {upstream.protocol_version or '?'}, server {server.get('name', '?')} "
                f"{server.get('version', '')}".rstrip()
                + f" ({(time.monotonic() - started) * 1000:.0f} ms)",
            )
        )
        await upstream.notify({"jsonrpc": "2.0", "method": "notifications/initialized"})
        answer = await upstream.call({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        tools = _object(answer.get("result")).get("tools")
        if not isinstance(tools, list):
            checks.append(Check("tools/list", "fail", _error_text(answer)))
        else:
            names = ", ".join(str(tool.get("name")) for tool in tools if isinstance(tool, dict))
            checks.append(Check("tools/list", "ok", f"{len(tools)} tool(s): {names or '-'}"))
    except BridgeError as exc:
        checks.append(Check("initialize" if not checks else "tools/list", "fail", exc.message))
    finally:
        await upstream.close()
    return checks


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _error_text(answer: Mapping[str, Any]) -> str:
    error = answer.get("error")
    if isinstance(error, dict):
        return f"JSON-RPC error {error.get('code')}: {error.get('message')}"
    return "the answer has no result"


def format_checks(checks: Sequence[Check]) -> str:
    """One line per check, columns aligned; details are never cut."""
    rows = [("CHECK", "STATUS", "DETAIL"), *((c.name, c.status, c.detail) for c in checks)]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return (
        "\n".join(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip() for row in rows) + "\n"
    )
