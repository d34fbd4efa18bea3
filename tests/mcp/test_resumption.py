"""The bridge resumes an event stream that breaks off mid-answer (MCP Streamable HTTP,
"Resumability and Redelivery"): a GET with Last-Event-ID, and each message relayed once.

The upstream is a real server on 127.0.0.1 (tests/mcp/upstream.py, tool `resumable`): its answer
breaks off after a progress and a log notification, and a GET with the last event id sends what
follows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp
import pytest
from mcp.shared.exceptions import MCPError

from tests.mcp.conftest import (
    INITIALIZE,
    INITIALIZED,
    agent,
    answers_by_id,
    bridge_env,
    message,
    run_bridge,
    stdout_messages,
    text,
)
from tests.mcp.upstream import KEY, FakeChaserMCP, Seen


def resumable(request_id: int, **arguments: Any) -> dict[str, Any]:
    """A call of the `resumable` tool whose progress token is its own id."""
    return message(
        request_id, "tools/call", name="resumable", arguments=arguments, _meta={"progressToken": request_id}
    )


def gets(upstream: FakeChaserMCP) -> list[Seen]:
    return [seen for seen in upstream.seen() if seen.http_method == "GET"]


def notifications_of(messages: list[Any], token: int) -> list[Any]:
    """What the agent got about one call: each progress value and each log line, in order."""
    found = []
    for value in messages:
        for item in value if isinstance(value, list) else [value]:
            params = item.get("params") or {}
            if item.get("method") == "notifications/progress" and params.get("progressToken") == token:
                found.append(params["progress"])
            elif item.get("method") == "notifications/message" and params.get("data", "").endswith(
                f"of {token}"
            ):
                found.append(params["data"])
    return found


@pytest.mark.anyio
async def test_an_mcp_client_gets_the_whole_answer_once_when_the_stream_breaks_midway(
    upstream: FakeChaserMCP, tmp_path: Path
) -> None:
    progress: list[float] = []
    logs: list[Any] = []

    async def on_progress(value: float, total: float | None, note: str | None) -> None:
        progress.append(value)

    async def on_log(params: mcp.types.LoggingMessageNotificationParams) -> None:
        logs.append(params.data)

    # The stream breaks off twice (a reset, then mid-body), and each resumption first sends
    # again the event the bridge already had (an at-least-once server).
    arguments = {"cut": "reset", "breaks": 2, "overlap": True, "retry": 10}
    async with agent(upstream, tmp_path / "stderr.log", logging_callback=on_log) as client:
        result = await client.call_tool("resumable", arguments, progress_callback=on_progress)
        assert (await client.list_tools()).tools  # the session goes on

    assert not result.is_error and json.loads(text(result)) == arguments
    assert progress == [1, 2]
    assert len(logs) == 1 and logs[0].startswith("part 1 of ")
    (call,) = upstream.seen("tools/call")
    resumed = gets(upstream)
    assert len(resumed) == 2
    (stream_id,) = upstream.state.streams
    assert [seen.headers["last-event-id"] for seen in resumed] == [f"{stream_id}-2", f"{stream_id}-3"]
    for seen in resumed:  # as the MCP SDK's own client reconnects: the POST's session and version
        assert seen.headers["accept"] == "text/event-stream"
        assert seen.headers["mcp-session-id"] == call.headers["mcp-session-id"]
        assert seen.headers["mcp-protocol-version"] == call.headers["mcp-protocol-version"]
        assert seen.headers["authorization"] == f"Bearer {KEY}"
    log = (tmp_path / "stderr.log").read_text()
    assert "resuming with Last-Event-ID" in log and "Resumed the event stream of tools/call" in log
    assert KEY not in log and call.headers["mcp-session-id"] not in log


def test_every_message_is_relayed_exactly_once_however_the_stream_breaks(upstream: FakeChaserMCP) -> None:
    cuts = {1: "reset", 2: "chunked", 3: "close"}  # a TCP reset, an incomplete chunked body, an early end
    calls = [resumable(n, cut=cut, breaks=2, overlap=True, retry=10) for n, cut in cuts.items()]
    done = run_bridge([INITIALIZE, INITIALIZED, *calls, message(4, "ping")], bridge_env(upstream))

    assert done.returncode == 0
    messages = stdout_messages(done.stdout)
    answers = answers_by_id(messages)
    assert sorted(answers) == [0, 1, 2, 3, 4]
    for n, cut in cuts.items():
        (answer,) = answers[n]
        assert json.loads(answer["result"]["content"][0]["text"])["cut"] == cut
        assert notifications_of(messages, n) == [1, f"part 1 of {n}", 2]
        # The response comes after every notification of its call.
        position = messages.index(answer)
        assert all(
            messages.index(item) < position
            for item in messages
            if isinstance(item, dict) and (item.get("params") or {}).get("progressToken") == n
        )
    assert len(gets(upstream)) == 6  # two resumptions per call
    assert b"Traceback" not in done.stderr and KEY.encode() not in done.stderr


@pytest.mark.parametrize(
    ("behaviour", "reason", "reconnections"),
    [
        ("refuse", "the Chaser API refused to resume it (HTTP 405)", 1),  # a refusal is not tried again
        ("empty", "3 reconnections in a row brought nothing new", 3),
    ],
)
def test_a_server_that_does_not_resume_gets_the_error_of_a_broken_stream(
    upstream: FakeChaserMCP, behaviour: str, reason: str, reconnections: int
) -> None:
    done = run_bridge(
        [INITIALIZE, INITIALIZED, resumable(1, retry=10, **{behaviour: True}), message(2, "ping")],
        bridge_env(upstream),
    )

    messages = stdout_messages(done.stdout)
    answers = answers_by_id(messages)
    (error,) = answers[1]
    assert error["error"]["code"] == -32003  # the error of a broken stream, as without resumption
    assert "the event stream broke" in error["error"]["message"]
    assert error["error"]["data"] == {"resumption": reason}
    assert notifications_of(messages, 1) == [1, "part 1 of 1"]  # what came before the break, once
    assert len(gets(upstream)) == reconnections
    assert answers[2][0]["result"] == {}


def test_a_stream_that_breaks_before_any_event_id_is_not_resumed(upstream: FakeChaserMCP) -> None:
    done = run_bridge(
        [INITIALIZE, INITIALIZED, message(1, "tools/call", name="stream-broken")], bridge_env(upstream)
    )

    (error,) = answers_by_id(stdout_messages(done.stdout))[1]
    assert error["error"]["code"] == -32003 and "data" not in error["error"]  # as before resumption
    assert error["error"]["message"].startswith("no answer from the Chaser API (the event stream broke: ")
    assert gets(upstream) == []


@pytest.mark.anyio
async def test_a_resumption_that_outlasts_the_timeout_ends_in_the_error_of_a_broken_stream(
    upstream: FakeChaserMCP, tmp_path: Path
) -> None:
    async with agent(upstream, tmp_path / "stderr.log", "--timeout", "1") as client:
        # The server accepts the reconnection and never answers it.
        with pytest.raises(MCPError) as stalled:
            await client.call_tool("resumable", {"stall": True, "retry": 10})
        # The server asks for a reconnection time longer than the timeout: no GET at all.
        with pytest.raises(MCPError) as too_late:
            await client.call_tool("resumable", {"retry": 60_000})
        assert (await client.list_tools()).tools

    for failed in (stalled.value, too_late.value):
        assert failed.code == -32003
        assert failed.error.data == {"resumption": "the timeout runs out before the next reconnection"}
    assert len(gets(upstream)) == 1  # the stalled one
