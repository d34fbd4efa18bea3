"""`chaser-core mcp serve` as agents run it: a subprocess on stdio, against a real local MCP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import mcp
import pytest
from mcp.client.stdio import stdio_client

from tests.mcp.upstream import KEY, FakeChaserMCP

# The bridge as an agent configured by `install` starts it (python -m, so no PATH is involved).
BRIDGE = [sys.executable, "-m", "chaser_core._cli"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def upstream() -> Iterator[FakeChaserMCP]:
    with FakeChaserMCP() as server:
        yield server


def bridge_env(upstream: FakeChaserMCP | None, **extra: str) -> dict[str, str]:
    """A small environment, as agents give servers, with debug logging on (to prove redaction)."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "SYSTEMROOT", "TMPDIR") if name in os.environ}
    env.update(CHASER_API_KEY=KEY, CHASER_LOG="debug", PYTHONUNBUFFERED="1")
    if upstream is not None:
        env["CHASER_BASE_URL"] = upstream.base_url
    env.update(extra)
    return env


def bridge_args(*options: str) -> list[str]:
    """Arguments of `chaser-core [options] --debug mcp serve` after the executable."""
    return [*BRIDGE[1:], *options, "--debug", "mcp", "serve"]


def message(request_id: Any, method: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if request_id is not None:
        body["id"] = request_id
    if params:
        body["params"] = params
    return body


INITIALIZE = message(
    0,
    "initialize",
    protocolVersion="2025-06-18",
    capabilities={},
    clientInfo={"name": "raw-test-client", "version": "1"},
)
INITIALIZED = message(None, "notifications/initialized")


def run_bridge(
    lines: list[Any], env: dict[str, str], *options: str, stdin_file: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Feed the bridge these messages (dicts, lists, or raw text lines) through a pipe (or from
    `stdin_file`, a regular file, which the bridge reads differently), then wait for it to end."""
    data = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines).encode()
    argv = [sys.executable, *bridge_args(*options)]
    if stdin_file is None:
        return subprocess.run(argv, input=data, capture_output=True, env=env, timeout=30)
    stdin_file.write_bytes(data)
    with stdin_file.open("rb") as stdin:
        return subprocess.run(argv, stdin=stdin, capture_output=True, env=env, timeout=30)


def stdout_messages(stdout: bytes) -> list[Any]:
    """Every line of the bridge's stdout, each of which must be one JSON-RPC message or batch."""
    messages = []
    for line in stdout.decode("utf-8").splitlines():
        value = json.loads(line)
        for item in value if isinstance(value, list) else [value]:
            assert isinstance(item, dict) and item.get("jsonrpc") == "2.0", line
            assert ("id" in item and ("result" in item) != ("error" in item)) or "method" in item, line
        messages.append(value)
    return messages


def answers_by_id(messages: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    found: dict[Any, list[dict[str, Any]]] = {}
    for value in messages:
        for item in value if isinstance(value, list) else [value]:
            if "id" in item and "method" not in item:
                found.setdefault(item["id"], []).append(item)
    return found


@asynccontextmanager
async def agent(
    upstream: FakeChaserMCP, log: Path, *options: str, mode: str = "legacy", **client_options: Any
) -> AsyncIterator[mcp.Client]:
    """The MCP SDK's client with the bridge as its stdio server; the bridge's stderr goes to `log`.
    `client_options` go to `mcp.Client` (callbacks for progress, logging, ...)."""
    params = mcp.StdioServerParameters(
        command=sys.executable, args=bridge_args(*options), env=bridge_env(upstream)
    )
    with log.open("w") as errlog:
        async with mcp.Client(stdio_client(params, errlog=errlog), mode=mode, **client_options) as client:
            yield client


def text(result: Any) -> str:
    return "".join(block.text for block in result.content)
