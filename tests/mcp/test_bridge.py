"""`chaser-core mcp serve`, driven by the official MCP Python SDK's stdio client (as an agent does)
and by hand, against a real MCP server on 127.0.0.1 (tests/mcp/upstream.py)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from tests.mcp.conftest import (
    INITIALIZE,
    INITIALIZED,
    agent,
    answers_by_id,
    bridge_args,
    bridge_env,
    message,
    run_bridge,
    stdout_messages,
    text,
)
from tests.mcp.upstream import KEY, FakeChaserMCP


def start_bridge(upstream: FakeChaserMCP) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *bridge_args()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=bridge_env(upstream),
    )


@pytest.mark.anyio
async def test_an_mcp_client_initializes_lists_tools_and_calls_them_through_the_bridge(
    upstream: FakeChaserMCP, tmp_path: Path
) -> None:
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, note: str | None) -> None:
        progress.append(value)

    # mode="auto", as current clients connect: a 2026-07-28 server/discover probe first, which
    # the handshake-era API refuses, then the initialize handshake.
    async with agent(upstream, tmp_path / "stderr.log", mode="auto") as client:
        assert client.server_info is not None and client.server_info.name == "fake-chaser"
        assert client.protocol_version == "2025-11-25"
        tools = await client.list_tools()
        assert "echo" in {tool.name for tool in tools.tools}
        called = await client.call_tool("echo", {"greeting": "hello"})
        assert not called.is_error and json.loads(text(called)) == {"greeting": "hello"}
        failed = await client.call_tool("broken", {})
        assert failed.is_error and text(failed) == "the tool failed"
        streamed = await client.call_tool("progress", {"n": 1}, progress_callback=on_progress)
        assert json.loads(text(streamed)) == {"n": 1}

    assert progress == [1]  # the notification of the SSE answer reached the client first
    (discover,) = upstream.seen("server/discover")
    assert discover.headers["mcp-protocol-version"] == "2026-07-28"
    assert discover.headers["mcp-method"] == "server/discover"
    for seen in upstream.seen():
        assert seen.headers["authorization"] == f"Bearer {KEY}"
        if seen.http_method == "POST":
            assert seen.headers["accept"] == "application/json, text/event-stream"
    (initialize,) = upstream.seen("initialize")
    assert "mcp-session-id" not in initialize.headers
    after = (
        upstream.seen("notifications/initialized") + upstream.seen("tools/list") + upstream.seen("tools/call")
    )
    assert len({seen.headers["mcp-session-id"] for seen in after}) == 1  # the session initialize opened
    for seen in after:
        assert seen.headers["mcp-protocol-version"] == "2025-11-25"
        assert seen.headers["mcp-method"] == seen.message["method"]
    assert [s.headers["mcp-name"] for s in upstream.seen("tools/call")] == ["echo", "broken", "progress"]
    last = upstream.seen()[-1]  # the bridge ended the session when the client went away
    assert (
        last.http_method == "DELETE" and last.headers["mcp-session-id"] == after[0].headers["mcp-session-id"]
    )


@pytest.mark.anyio
async def test_each_upstream_failure_reaches_the_client_as_a_json_rpc_error(
    upstream: FakeChaserMCP, tmp_path: Path
) -> None:
    async with agent(upstream, tmp_path / "stderr.log", "--timeout", "1") as client:
        with pytest.raises(MCPError) as unauthorized:
            await client.call_tool("unauthorized", {})
        with pytest.raises(MCPError) as timed_out:
            await client.call_tool("slow", {})
        with pytest.raises(MCPError) as reset:
            await client.call_tool("reset", {})
        with pytest.raises(MCPError) as malformed:
            await client.call_tool("malformed", {})
        with pytest.raises(MCPError) as broken_stream:
            await client.call_tool("stream-broken", {})
        rate_limited = await client.call_tool("rate-limited", {})
        assert (await client.list_tools()).tools  # the bridge is still up and the session usable

    assert (unauthorized.value.code, unauthorized.value.error.data) == (-32001, {"status": 401})
    assert "refused the API key" in unauthorized.value.message
    assert timed_out.value.code == -32002 and "did not answer in time" in timed_out.value.message
    assert reset.value.code == -32003
    assert malformed.value.code == -32004 and "not JSON" in malformed.value.message
    assert broken_stream.value.code == -32003
    # 429 then 200: retried after Retry-After (a refusal never reached the tool), once.
    assert json.loads(text(rate_limited)) == {"attempt": 2}
    assert len([s for s in upstream.seen("tools/call") if s.message["params"]["name"] == "rate-limited"]) == 2
    # A tool call that may have reached the API is never sent twice.
    for name in ("slow", "reset", "malformed"):
        assert len([s for s in upstream.seen("tools/call") if s.message["params"]["name"] == name]) == 1


@pytest.mark.anyio
async def test_a_hundred_concurrent_calls_are_in_flight_at_once_and_each_gets_its_own_answer(
    upstream: FakeChaserMCP, tmp_path: Path
) -> None:
    results: dict[int, Any] = {}
    async with agent(upstream, tmp_path / "stderr.log", "--timeout", "30") as client:

        async def call(n: int) -> None:
            results[n] = await client.call_tool("gather", {"n": n})

        async with anyio.create_task_group() as group:
            for n in range(100):
                group.start_soon(call, n)

    # The server answers `gather` only once all 100 calls wait in it together (a barrier).
    assert sorted(results) == list(range(100))
    assert all(json.loads(text(result)) == {"n": n} for n, result in results.items())


def test_stdout_carries_only_json_rpc_and_the_key_appears_nowhere(upstream: FakeChaserMCP) -> None:
    lines: list[Any] = [
        INITIALIZE,
        INITIALIZED,
        message(1, "tools/list"),
        message("two", "ping"),
        message(3, "tools/call", name="echo", arguments={"x": 1}),
        message(4, "tools/call", name="unauthorized"),
        message(5, "tools/call", name="malformed"),
        message(6, "tools/call", name="silent"),
        [message(7, "ping"), message(8, "tools/call", name="echo", arguments={"y": 2}), INITIALIZED],
        message(9, "server/discover", _meta={"io.modelcontextprotocol/protocolVersion": "2026-07-28"}),
        "this is not JSON",
        [],
        {"jsonrpc": "2.0", "id": 10},
        message(11, "tools/call", name="progress", arguments={"z": 3}),
    ]
    done = run_bridge(lines, bridge_env(upstream))

    assert done.returncode == 0
    messages = stdout_messages(done.stdout)
    answers = answers_by_id(messages)
    # Every request has exactly one answer with its own id; input that is not JSON-RPC gets id null.
    assert sorted(answers, key=str) == sorted([0, 1, "two", 3, 4, 5, 6, 7, 8, 9, 10, 11, None], key=str)
    assert all(len(found) == 1 for request_id, found in answers.items() if request_id is not None)
    assert [a["error"]["code"] for a in answers[None]] == [-32700, -32600]
    assert answers[10][0]["error"]["code"] == -32600
    assert answers[3][0]["result"]["content"][0]["text"] == '{"x": 1}'
    assert [answers[n][0]["error"]["code"] for n in (4, 5, 6)] == [-32001, -32004, -32004]
    # A 2026-07-28 message carries its own version header, which the session refuses with a
    # JSON-RPC error of its own (id null): the client gets that error, with its id.
    assert answers[9][0]["error"] == {
        "code": -32000,
        "message": "Bad Request: MCP-Protocol-Version does not match the session",
        "data": {"status": 400},
    }
    (batch,) = [m for m in messages if isinstance(m, list)]
    assert [item["id"] for item in batch] == [7, 8]
    # Nothing secret in any output: not the key, not the session id (debug logs redact both).
    session = upstream.seen("tools/list")[0].headers["mcp-session-id"]
    assert b"Authorization" not in done.stdout
    for output in (done.stdout, done.stderr):
        assert KEY.encode() not in output
        assert session.encode() not in output
    assert b"<redacted>" in done.stderr and b"Traceback" not in done.stderr
    # End of input: the calls in flight were answered first, then the session was ended.
    assert upstream.seen()[-1].http_method == "DELETE"


def test_a_session_the_api_ended_is_reopened_and_the_request_answered(upstream: FakeChaserMCP) -> None:
    lines: list[Any] = [INITIALIZE, INITIALIZED, message(1, "tools/list"), message(2, "ping")]
    with start_bridge(upstream) as process:
        assert process.stdin is not None and process.stdout is not None
        for line in lines[:3]:
            process.stdin.write(json.dumps(line).encode() + b"\n")
        process.stdin.flush()
        answers = [json.loads(process.stdout.readline()) for _ in range(2)]
        upstream.end_sessions()  # the API forgets the session: the next request gets 404
        process.stdin.write(json.dumps(lines[3]).encode() + b"\n")
        process.stdin.close()
        answers.append(json.loads(process.stdout.readline()))
        assert process.wait(timeout=10) == 0

    assert [a["id"] for a in answers] == [0, 1, 2] and answers[2]["result"] == {}
    initializes = upstream.seen("initialize")
    assert [i.message["id"] for i in initializes] == [0, "chaser-core-bridge-renewal-1"]
    assert initializes[1].message["params"] == INITIALIZE["params"]  # the agent's own, replayed
    assert len(upstream.seen("notifications/initialized")) == 2
    assert len(upstream.seen("ping")) == 2  # refused with 404, then answered in the new session


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_shuts_the_bridge_down_cleanly_with_a_call_in_flight(
    upstream: FakeChaserMCP, signum: signal.Signals
) -> None:
    with start_bridge(upstream) as process:
        assert process.stdin is not None and process.stdout is not None
        for line in (INITIALIZE, INITIALIZED, message(1, "tools/call", name="slow")):
            process.stdin.write(json.dumps(line).encode() + b"\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["id"] == 0
        deadline = time.monotonic() + 10
        while not upstream.seen("tools/call") and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signum)
        returncode = process.wait(timeout=10)
        stdout, stderr = process.communicate()

    assert returncode == 0
    assert stdout_messages(stdout) == []  # the abandoned call gets nothing: the agent asked to stop
    assert b"Traceback" not in stderr and KEY.encode() not in stderr
    assert upstream.seen()[-1].http_method == "DELETE"


def test_without_an_api_key_the_bridge_answers_every_request_with_the_reason(tmp_path: Path) -> None:
    env = bridge_env(None)
    del env["CHASER_API_KEY"]
    # Input redirected from a file this time (`chaser-core mcp serve < requests.jsonl`).
    done = run_bridge(
        [INITIALIZE, INITIALIZED, message(1, "tools/list")], env, stdin_file=tmp_path / "in.jsonl"
    )

    assert done.returncode == 0
    answers = answers_by_id(stdout_messages(done.stdout))
    assert sorted(answers) == [0, 1]
    for (answer,) in answers.values():
        assert answer["error"]["code"] == -32000 and "CHASER_API_KEY" in answer["error"]["message"]
    assert b"error: no API key" in done.stderr
