"""A real MCP server on 127.0.0.1 that speaks Streamable HTTP at /v1/mcp, as the Chaser API does.

It checks what a strict server checks (the bearer key, the Accept header, the session id and the
protocol version after initialize) and answers JSON or Server-Sent Events. Its tools script the
failures the bridge must survive:

| tool | answer |
|---|---|
| echo | its arguments, as JSON text |
| broken | a tool error (`isError: true`) |
| progress | an SSE stream: a priming event, a progress notification, then the result |
| gather | waits until `gather_parties` calls are in flight at once, then echoes (a barrier) |
| unauthorized | HTTP 401 |
| rate-limited | HTTP 429 with Retry-After: 0 the first time for each request id, then the result |
| slow | answers after `slow_seconds` (longer than the bridge's timeout) |
| reset | drops the connection with a TCP RST |
| malformed | 200 with a body that is not JSON |
| stream-broken | an SSE stream that breaks off after one notification (no event ids) |
| silent | 202 Accepted and no answer |
| resumable | a chunked SSE stream with event ids that breaks off after a progress and a log \
notification; a GET with its Last-Event-ID resumes it (see `Resumable`) |
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "sk_test_mcpbridge_5ecret0123456789"
SUPPORTED_VERSIONS = ("2025-03-26", "2025-06-18", "2025-11-25")
TOOL_NAMES = "echo broken progress gather unauthorized rate-limited slow reset malformed stream-broken silent resumable"
TOOLS = [
    {"name": name, "description": f"the {name} tool", "inputSchema": {"type": "object"}}
    for name in TOOL_NAMES.split()
]


@dataclass
class Seen:
    """One request the server received."""

    http_method: str
    headers: dict[str, str]
    body: bytes
    message: Any = None


@dataclass
class Resumable:
    """The event stream of one `resumable` call, kept for resumption (the server's event store).

    Its events: a priming event (an id, `retry:` when the call asks, no data), a progress
    notification, a log notification, a second progress notification, the result. The POST's
    answer breaks off after the log notification, the way `cut` says: "reset" (TCP RST),
    "chunked" (the connection closes mid-body: an incomplete chunked read) or "close" (the server
    ends the stream early, cleanly). A GET with Last-Event-ID sends what follows that id: one
    event and another break while `breaks` remain, else the rest. With `overlap`, the GET first
    sends the event the id names again (a server that delivers at least once). With `refuse`, a
    GET is answered 405 (a server that keeps no events); with `stall`, only after `slow_seconds`
    (longer than the bridge's timeout); with `empty`, it gets an event stream that ends at once
    (a server that lost the events).
    """

    session: str
    events: list[str]
    cut: str
    breaks: int
    overlap: bool
    refuse: bool
    stall: bool
    empty: bool


@dataclass
class State:
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> protocol version
    seen: list[Seen] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    streams: dict[str, Resumable] = field(default_factory=dict)  # stream id -> its events
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing ----------------------------------------------------------------------------

    def _send(self, status: int, body: Any = None, *, headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _sse(self, events: list[str], *, then_break: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for event in events:
            self.wfile.write(event.encode())
            self.wfile.flush()
        self.close_connection = True
        if then_break:
            _reset(self)

    def do_DELETE(self) -> None:
        self._record(b"")
        with self.server.owner.state.lock:
            self.server.owner.state.sessions.pop(self.headers.get("Mcp-Session-Id", ""), None)
        self._send(204)

    def _chunked_sse(self, events: list[str], cut: str | None) -> None:
        """An SSE answer in chunked encoding, ended as `cut` says (None: complete)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        for event in events:
            data = event.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.close_connection = True
        if cut == "reset":
            _reset(self)
        elif cut != "chunked":  # complete, or ended early on purpose ("close"): the last chunk
            self.wfile.write(b"0\r\n\r\n")
        # "chunked": the connection closes without the last chunk, when the handler returns.

    def do_GET(self) -> None:
        seen = self._record(b"")
        try:
            self._get(seen)
        except OSError:  # the bridge gave up first (a timeout test)
            self.close_connection = True

    def _get(self, seen: Seen) -> None:
        """Resumption: the events of a `resumable` call after Last-Event-ID. Without one, 405
        (the server offers no stream of its own)."""
        owner = self.server.owner
        last = seen.headers.get("last-event-id")
        if self.path != "/v1/mcp" or last is None:
            return self._send(405)
        if seen.headers.get("authorization") != f"Bearer {KEY}":
            return self._send(401, {"error": "unauthorized", "message": "invalid API key"})
        if "text/event-stream" not in seen.headers.get("accept", ""):
            return self._send(406, {"error": "not_acceptable", "message": "accept SSE"})
        problem = self._session_problem(seen)
        if problem is not None:
            return self._send(*problem)
        stream_id, _, position = last.rpartition("-")
        with owner.state.lock:
            stream = owner.state.streams.get(stream_id)
            if stream is None or stream.session != seen.headers["mcp-session-id"] or not position.isdigit():
                stream = None
            elif stream.empty:
                events, cut = [], None
            elif not (stream.refuse or stream.stall):
                start = int(position) + (0 if stream.overlap and int(position) > 0 else 1)
                if stream.breaks > 1:
                    stream.breaks -= 1
                    events, cut = stream.events[start : int(position) + 2], stream.cut
                else:
                    events, cut = stream.events[start:], None
        if stream is None:
            return self._send(400, _error(None, -32000, "Bad Request: unknown Last-Event-ID"))
        if stream.stall:
            owner.stopping.wait(owner.slow_seconds)
            return self._send(405)
        if stream.refuse:
            return self._send(405)
        self._chunked_sse(events, cut)

    def _record(self, body: bytes) -> Seen:
        seen = Seen(self.command, {k.lower(): v for k, v in self.headers.items()}, body)
        with contextlib.suppress(ValueError):
            seen.message = json.loads(body) if body else None
        with self.server.owner.state.lock:
            self.server.owner.state.seen.append(seen)
        return seen

    # -- the MCP endpoint -------------------------------------------------------------------

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = self._record(body)
        try:
            self._post(seen)
        except OSError:  # the bridge gave up first (a timeout test)
            self.close_connection = True

    def _post(self, seen: Seen) -> None:
        if self.path != "/v1/mcp":
            return self._send(404, {"error": "not_found", "message": "no such endpoint"})
        if seen.headers.get("authorization") != f"Bearer {KEY}":
            return self._send(401, {"error": "unauthorized", "message": "invalid API key"})
        accept = seen.headers.get("accept", "")
        if "application/json" not in accept or "text/event-stream" not in accept:
            return self._send(406, {"error": "not_acceptable", "message": "accept both JSON and SSE"})
        message = seen.message
        if message is None:
            return self._send(400, _error(None, -32700, "Parse error"))
        if isinstance(message, list):
            answers = [a for a in (self._answer(m, seen, batch=True) for m in message) if a is not None]
            return self._send(200, answers) if answers else self._send(202)
        if isinstance(message, dict) and message.get("method") == "initialize":
            return self._initialize(message)
        problem = self._session_problem(seen)
        if problem is not None:
            return self._send(*problem)
        if "id" not in message or "method" not in message:
            return self._send(202)  # a notification or a response
        if message["method"] == "tools/call":
            return self._call(message, seen)
        self._send(200, self._answer(message, seen, batch=False))

    def _session_problem(self, seen: Seen) -> tuple[int, Any] | None:
        session = seen.headers.get("mcp-session-id")
        if session is None:
            return 400, _error(None, -32000, "Bad Request: no Mcp-Session-Id")
        with self.server.owner.state.lock:
            version = self.server.owner.state.sessions.get(session)
        if version is None:
            return 404, _error(None, -32001, "Session not found")
        if seen.headers.get("mcp-protocol-version") != version:
            return 400, _error(None, -32000, "Bad Request: MCP-Protocol-Version does not match the session")
        return None

    def _initialize(self, message: dict[str, Any]) -> None:
        asked = (message.get("params") or {}).get("protocolVersion")
        version = asked if asked in SUPPORTED_VERSIONS else SUPPORTED_VERSIONS[-1]
        session = uuid.uuid4().hex
        with self.server.owner.state.lock:
            self.server.owner.state.sessions[session] = version
        result = {
            "protocolVersion": version,
            "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": {"name": "fake-chaser", "version": "1.0"},
        }
        self._send(
            200,
            {"jsonrpc": "2.0", "id": message["id"], "result": result},
            headers={"Mcp-Session-Id": session},
        )

    def _answer(self, message: Any, seen: Seen, *, batch: bool) -> Any:
        if not isinstance(message, dict) or "id" not in message:
            return None
        method = message.get("method")
        if method == "ping":
            return {"jsonrpc": "2.0", "id": message["id"], "result": {}}
        if method == "tools/list":
            return {"jsonrpc": "2.0", "id": message["id"], "result": {"tools": TOOLS}}
        if method == "tools/call" and batch:
            return _result(message["id"], _params(message).get("arguments"))
        return _error(message["id"], -32601, f"Method not found: {method}")

    def _call(self, message: dict[str, Any], seen: Seen) -> None:
        owner = self.server.owner
        request_id, name = message["id"], _params(message).get("name")
        arguments = _params(message).get("arguments") or {}
        if name == "echo":
            return self._send(200, _result(request_id, arguments))
        if name == "broken":
            result = {"content": [{"type": "text", "text": "the tool failed"}], "isError": True}
            return self._send(200, {"jsonrpc": "2.0", "id": request_id, "result": result})
        if name == "progress":
            token = ((_params(message).get("_meta") or {}).get("progressToken")) or "p"
            progress = {"method": "notifications/progress", "params": {"progressToken": token, "progress": 1}}
            return self._sse(
                [
                    "id: 0\ndata:\n\n",  # a priming event (2025-11-25): an id and no data
                    f"event: message\nid: 1\ndata: {json.dumps({'jsonrpc': '2.0', **progress})}\n\n",
                    f"event: message\nid: 2\ndata: {json.dumps(_result(request_id, arguments))}\n\n",
                ]
            )
        if name == "gather":
            try:
                owner.barrier.wait()
            except threading.BrokenBarrierError:
                return self._send(200, _error(request_id, -32000, "not all calls were in flight at once"))
            return self._send(200, _result(request_id, arguments))
        if name == "unauthorized":
            return self._send(401, {"error": "unauthorized", "message": "invalid API key"})
        if name == "rate-limited":
            with owner.state.lock:
                owner.state.attempts[json.dumps(request_id)] += 1
                first = owner.state.attempts[json.dumps(request_id)] == 1
            if first:
                return self._send(
                    429, {"error": "rate_limited", "message": "slow down"}, headers={"Retry-After": "0"}
                )
            return self._send(200, _result(request_id, {"attempt": 2}))
        if name == "slow":
            owner.stopping.wait(owner.slow_seconds)
            return self._send(200, _result(request_id, arguments))
        if name == "reset":
            return _reset(self)
        if name == "malformed":
            return self._send(200, b"{this is not json")
        if name == "stream-broken":
            note = {
                "jsonrpc": "2.0",
                "method": "notifications/message",
                "params": {"level": "info", "data": "x"},
            }
            return self._sse([f"data: {json.dumps(note)}\n\n"], then_break=True)
        if name == "silent":
            return self._send(202)
        if name == "resumable":
            return self._resumable(request_id, arguments, _params(message))
        self._send(200, _error(request_id, -32602, f"Unknown tool: {name}"))

    def _resumable(self, request_id: Any, arguments: dict[str, Any], params: dict[str, Any]) -> None:
        token = (params.get("_meta") or {}).get("progressToken", "p")
        stream_id = uuid.uuid4().hex
        retry = f"retry: {arguments['retry']}\n" if "retry" in arguments else ""
        messages = [
            {"method": "notifications/progress", "params": {"progressToken": token, "progress": 1}},
            {"method": "notifications/message", "params": {"level": "info", "data": f"part 1 of {token}"}},
            {"method": "notifications/progress", "params": {"progressToken": token, "progress": 2}},
        ]
        events = [f"id: {stream_id}-0\n{retry}data:\n\n"] + [
            f"event: message\nid: {stream_id}-{n}\ndata: {json.dumps(item)}\n\n"
            for n, item in enumerate(
                [*({"jsonrpc": "2.0", **m} for m in messages), _result(request_id, arguments)], 1
            )
        ]
        with self.server.owner.state.lock:
            self.server.owner.state.streams[stream_id] = Resumable(
                session=self.headers["Mcp-Session-Id"],
                events=events,
                cut=arguments.get("cut", "reset"),
                breaks=int(arguments.get("breaks", 1)),
                overlap=bool(arguments.get("overlap")),
                refuse=bool(arguments.get("refuse")),
                stall=bool(arguments.get("stall")),
                empty=bool(arguments.get("empty")),
            )
        self._chunked_sse(events[:3], arguments.get("cut", "reset"))


def _params(message: dict[str, Any]) -> dict[str, Any]:
    params = message.get("params")
    return params if isinstance(params, dict) else {}


def _result(request_id: Any, arguments: Any) -> dict[str, Any]:
    content = [{"type": "text", "text": json.dumps(arguments, sort_keys=True)}]
    return {"jsonrpc": "2.0", "id": request_id, "result": {"content": content, "isError": False}}


def _error(request_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Drop the connection without (finishing) an answer, with a TCP RST (SO_LINGER 0)."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 100 connections at once must not overflow the listen backlog
    owner: FakeChaserMCP

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a reset connection is the point of some tests


class FakeChaserMCP:
    """The server, its address, and what it saw."""

    def __init__(self, *, gather_parties: int = 100, slow_seconds: float = 3.0) -> None:
        self.state = State()
        self.stopping = threading.Event()
        self.barrier = threading.Barrier(gather_parties, timeout=20)
        self.slow_seconds = slow_seconds
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.owner = self
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def seen(self, method: str | None = None) -> list[Seen]:
        with self.state.lock:
            return [
                s
                for s in self.state.seen
                if method is None or (isinstance(s.message, dict) and s.message.get("method") == method)
            ]

    def end_sessions(self) -> None:
        with self.state.lock:
            self.state.sessions.clear()

    def __enter__(self) -> FakeChaserMCP:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.barrier.abort()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
