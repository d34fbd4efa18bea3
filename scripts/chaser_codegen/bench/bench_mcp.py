"""`scripts/bench --only mcp-bridge`: what the stdio MCP bridge adds to each message.

Baseline: the message POSTed straight to a loopback MCP server with httpx (keep-alive, the
headers the bridge sends) and its answer decoded. Candidate: the same message written to
`chaser-core mcp serve` on stdin and its answer read back from stdout and decoded, the bridge
relaying to the same server. One message in flight at a time, so the ratio is the latency a
sequential agent sees; a small answer and a 64 KiB one (the bridge decodes and re-encodes it).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any

import httpx

from .loopback import BENCH_API_KEY
from .plan import Context
from .process import base_env
from .report import Row, ratio_row
from .stats import interleave, median

PROTOCOL = "2025-11-25"
SESSION = "bench-session"
BIG_TEXT = "x" * 65536


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if "id" not in message:
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if message["method"] == "initialize":
            result: dict[str, Any] = {"protocolVersion": PROTOCOL, "capabilities": {"tools": {}}}
        else:
            size = (message.get("params") or {}).get("arguments", {}).get("size", 0)
            result = {"content": [{"type": "text", "text": BIG_TEXT[:size] or "ok"}], "isError": False}
        body = json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Mcp-Session-Id", SESSION)
        self.end_headers()
        self.wfile.write(body)


class _Server:
    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _call(request_id: int, size: int) -> dict[str, Any]:
    params = {"name": "read", "arguments": {"size": size}}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def _exchange(stdin: IO[bytes], stdout: IO[bytes], message: dict[str, Any]) -> Any:
    stdin.write(json.dumps(message).encode() + b"\n")
    stdin.flush()
    return json.loads(stdout.readline())


def _versus_sdk(
    url: str,
    headers: dict[str, str],
    stdin: IO[bytes],
    stdout: IO[bytes],
    counter: Iterator[int],
    messages: int,
    rounds: int,
) -> Row:
    """The bridge against the transport it relays with (AsyncChaser, in this process): what the
    stdio hop, the relay and the JSON round trip add on top of the SDK's async HTTP."""
    from chaser_core import AsyncChaser
    from chaser_core._types import RequestOptions

    loop = asyncio.new_event_loop()
    client = AsyncChaser(api_key=BENCH_API_KEY, base_url=url)
    request = {"method": "post", "url": "/v1/mcp", "headers": {"Content-Type": "application/json"}}

    async def sdk_round() -> float:
        started = time.perf_counter()
        for _ in range(messages):
            body = json.dumps(_call(next(counter), 0)).encode()
            response, _ = await client.send_request(
                {**request, "content": body},
                RequestOptions(extra_headers=headers),
                idempotent=False,
                stream=True,
            )
            assert "result" in json.loads(await response.aread())
            await response.aclose()
        return (time.perf_counter() - started) / messages

    def bridged() -> float:
        started = time.perf_counter()
        for _ in range(messages):
            assert "result" in _exchange(stdin, stdout, _call(next(counter), 0))
        return (time.perf_counter() - started) / messages

    try:
        base, cand = interleave(
            lambda: loop.run_until_complete(sdk_round()), bridged, rounds=rounds, warmup=1
        )
    finally:
        loop.run_until_complete(client.close())
        loop.close()
    return ratio_row(
        "mcp-bridge-vs-sdk",
        "one tools/call (small answer) through `chaser-core mcp serve` vs AsyncChaser.stream_response",
        base,
        cand,
        None,
        f"{median(cand) * 1e6:.0f} us vs {median(base) * 1e6:.0f} us per message "
        f"(+{(median(cand) - median(base)) * 1e6:.0f} us: stdio, relay, JSON)",
    )


def bench_mcp_bridge(ctx: Context) -> list[Row]:
    messages, rounds = ctx.plan.per_call_calls, ctx.plan.per_call_rounds
    rows = []
    with _Server() as server:
        env = base_env(CHASER_API_KEY=BENCH_API_KEY, CHASER_BASE_URL=server.url)
        env.pop("CHASER_LOG", None)
        bridge = subprocess.Popen(
            [sys.executable, "-m", "chaser_core._cli", "mcp", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert bridge.stdin is not None and bridge.stdout is not None
        stdin, stdout = bridge.stdin, bridge.stdout
        headers = {
            "Authorization": f"Bearer {BENCH_API_KEY}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "Mcp-Session-Id": SESSION,
            "MCP-Protocol-Version": PROTOCOL,
            "Mcp-Method": "tools/call",
            "Mcp-Name": "read",
        }
        try:
            initialize = {
                "jsonrpc": "2.0",
                "id": 0,
                "method": "initialize",
                "params": {"protocolVersion": PROTOCOL},
            }
            assert "result" in _exchange(stdin, stdout, initialize)
            with httpx.Client() as http:
                counter = itertools.count(1)
                for size, label in ((0, "small"), (65536, "64k")):

                    def direct(size: int = size) -> float:
                        started = time.perf_counter()
                        for _ in range(messages):
                            body = json.dumps(_call(next(counter), size)).encode()
                            response = http.post(f"{server.url}/v1/mcp", content=body, headers=headers)
                            assert "result" in json.loads(response.content)
                        return (time.perf_counter() - started) / messages

                    def bridged(size: int = size) -> float:
                        started = time.perf_counter()
                        for _ in range(messages):
                            assert "result" in _exchange(stdin, stdout, _call(next(counter), size))
                        return (time.perf_counter() - started) / messages

                    base, cand = interleave(direct, bridged, rounds=rounds, warmup=1)
                    overhead = (median(cand) - median(base)) * 1e6
                    rows.append(
                        ratio_row(
                            f"mcp-bridge-{label}",
                            f"one tools/call ({label} answer) through `chaser-core mcp serve` vs POSTed with httpx",
                            base,
                            cand,
                            None,
                            f"{median(cand) * 1e6:.0f} us vs {median(base) * 1e6:.0f} us per message "
                            f"(+{overhead:.0f} us)",
                        )
                    )
            rows.append(_versus_sdk(server.url, headers, stdin, stdout, counter, messages, rounds))
        finally:
            stdin.close()
            bridge.wait(timeout=30)
            stdout.close()
    return rows
