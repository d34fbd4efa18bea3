"""MCP's stdio transport: one JSON-RPC message per line on stdin and stdout, diagnostics on stderr.

(https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#stdio.) Standard
output carries nothing but messages: the loop writes to its own copy of file descriptor 1 and
points `sys.stdout` at stderr while it runs, so a stray print cannot corrupt the stream.

Messages are relayed concurrently, each request in its own task, so a slow tool call does not
hold up a ping. `initialize`, notifications and responses are relayed in the order they came,
before the next line is read (see `Relay.inline`).

Shutdown: at end of input (the agent closed stdin) the requests in flight are answered first,
then the API session is ended; on SIGINT or SIGTERM the requests in flight are abandoned at
once. Either way the process exits 0 without a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import stat
import sys
import threading
from collections.abc import AsyncIterator
from typing import IO, Any

from ._relay import PARSE_ERROR, Relay, Upstream, error_response, invalid

logger = logging.getLogger("chaser_core.mcp")

_CHUNK = 1 << 16
_CHUNKS_AHEAD = 8  # chunks read ahead of the relay: backpressure on a flood of input


class LineWriter:
    """Writes JSON-RPC messages to the agent, one per line. A closed pipe stops the bridge."""

    def __init__(self, stream: IO[bytes], on_closed: Any) -> None:
        self._stream = stream
        self._on_closed = on_closed
        self.closed = False

    def __call__(self, message: Any) -> None:
        if self.closed:
            return
        try:
            text = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from the API: keep it escaped
            data = json.dumps(message, separators=(",", ":")).encode("ascii")
        try:
            self._stream.write(data + b"\n")
            self._stream.flush()
        except (OSError, ValueError):  # the agent is gone
            self.closed = True
            self._on_closed()


async def _lines(fd: int) -> AsyncIterator[bytes]:
    """The lines of a file descriptor, as they arrive."""
    chunks = _pipe_chunks(fd) if _is_pipe(fd) else _thread_chunks(fd)
    pending = b""
    async for chunk in chunks:
        pending += chunk
        if b"\n" in chunk:
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line
    if pending:
        yield pending


def _is_pipe(fd: int) -> bool:
    """A pipe or socket, which the event loop can read without a thread (not on Windows)."""
    if sys.platform == "win32":
        return False
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


async def _pipe_chunks(fd: int) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_CHUNK * _CHUNKS_AHEAD)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(os.dup(fd), "rb", buffering=0)
    )
    try:
        while chunk := await reader.read(_CHUNK):
            yield chunk
    finally:
        transport.close()


async def _thread_chunks(fd: int) -> AsyncIterator[bytes]:
    """Chunks read by a daemon thread: for regular files (input redirected from a file) and
    Windows, where the event loop cannot watch the descriptor. The thread reads with os.read,
    so a read still blocked at exit holds no lock of sys.stdin's buffer."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue()
    slots = threading.Semaphore(_CHUNKS_AHEAD)

    def pump() -> None:
        while True:
            slots.acquire()
            try:
                chunk = os.read(fd, _CHUNK)
            except OSError:
                chunk = b""
            try:
                loop.call_soon_threadsafe(chunks.put_nowait, chunk)
            except RuntimeError:  # the loop is closed: the bridge is shutting down
                return
            if not chunk:
                return

    threading.Thread(target=pump, name="chaser-core-mcp-stdin", daemon=True).start()
    while chunk := await chunks.get():
        slots.release()
        yield chunk


class StdioServer:
    """Reads the agent's messages, relays them, and shuts down cleanly."""

    def __init__(
        self, upstream: Upstream | None, problem: str | None, *, stdin_fd: int, out: IO[bytes]
    ) -> None:
        self.stdin_fd = stdin_fd
        self.stop = asyncio.Event()
        self.writer = LineWriter(out, self.stop.set)
        self.relay = Relay(upstream, self.writer, problem=problem)
        self.tasks: set[asyncio.Task[None]] = set()

    async def _read(self) -> None:
        async for line in _lines(self.stdin_fd):
            raw = line.rstrip(b"\r")
            if not raw.strip():
                continue
            try:
                message = json.loads(raw)
            except ValueError as exc:
                self.writer(error_response(None, PARSE_ERROR, f"not valid JSON: {exc}"))
                continue
            rejected = invalid(message)
            if rejected is not None:
                self.writer(rejected)
            elif self.relay.inline(message):
                await self.relay.handle(raw, message)
            else:
                task = asyncio.create_task(self.relay.handle(raw, message))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self.stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: no signal handlers on the loop
                signal.signal(signum, lambda *_: loop.call_soon_threadsafe(self.stop.set))
        reader = asyncio.create_task(self._read())
        stopped = asyncio.create_task(self.stop.wait())
        await asyncio.wait({reader, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if reader.done():
            reader.result()
            logger.debug("End of input: answering %d request(s) in flight", len(self.tasks))
            while self.tasks and not self.stop.is_set():
                await asyncio.wait({*self.tasks, stopped}, return_when=asyncio.FIRST_COMPLETED)
        else:
            logger.debug("Stopping: %d request(s) in flight abandoned", len(self.tasks))
        for task in (reader, stopped, *self.tasks):
            task.cancel()
        await asyncio.gather(reader, stopped, *self.tasks, return_exceptions=True)
        if self.relay.upstream is not None:
            await self.relay.upstream.close()


def serve(upstream: Upstream | None, *, problem: str | None = None) -> int:
    """Run the bridge on this process's stdin and stdout until either side ends it. Without an
    upstream, every request is answered with `problem`."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # nothing but JSON-RPC may reach the agent's end of the pipe
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(StdioServer(upstream, problem, stdin_fd=sys.stdin.fileno(), out=out).run())
    finally:
        sys.stdout = real_stdout
        with contextlib.suppress(OSError):
            out.close()
    return 0
