"""Chrome DevTools Protocol clients for browser sessions. Requires the `cdp` extra:
pip install "chaser-core[cdp]" (it brings `websockets`).

    with client.browser.cdp(session.id) as cdp:                 # a connected CdpClient
        print(cdp.send("Browser.getVersion")["product"])
        cdp.on("Target.targetCreated", lambda event: print(event.params))
        cdp.send("Target.createTarget", {"url": "https://example.com"}, timeout=10)

    async with await async_client.browser.cdp(session.id) as cdp:  # an AsyncCdpClient (asyncio)
        await cdp.send("Browser.getVersion")

A command is a JSON message with an `id`; the browser answers with the same id and, at any time
in between, sends events (a `method` and no id). Each client reads the socket in the background
(a thread, or an asyncio task) and hands every answer to the command waiting for it. Events go,
in order, to a second worker that calls the handlers registered with `on()` and wakes `wait_for()`;
so a handler may itself send commands. Failures are `CDPError`s, part of the ChaserError hierarchy:

- `CDPCommandError`: the browser answered with an error (its code, message and data);
- `CDPTimeoutError`: no answer within the command's timeout (a late answer is dropped);
- `CDPConnectionError`: the socket did not open, or closed; every command still waiting gets it.

The WebSocket URL comes from the authenticated API (`browser.version`), as with chaser-sdk's
CdpClient: the socket itself carries no API key. Pass `headers=` for a proxy that wants some;
websockets honours the proxy environment variables as httpx does.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import queue
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

try:
    import websockets  # noqa: F401 - the check that the extra is installed
except ImportError as _missing:  # pragma: no cover - depends on the installation
    # A private name: type checkers would read `exc` as a public name of this module.
    raise ImportError(
        'chaser_core.cdp needs the cdp extra: pip install "chaser-core[cdp]" (it installs websockets)'
    ) from _missing

from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection as SyncConnection
from websockets.sync.client import connect as sync_connect

from ._exceptions import CDPCommandError, CDPConnectionError, CDPError, CDPTimeoutError
from ._logging import logger
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncCdpClient",
    "CDPCommandError",
    "CDPConnectionError",
    "CDPError",
    "CDPEvent",
    "CDPTimeoutError",
    "CdpClient",
]

DEFAULT_TIMEOUT = 30.0  # seconds a command waits for its answer (None: forever)
# Screenshots and DOM snapshots are large: allow big messages, but not unbounded ones.
DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024
ALL_EVENTS = "*"


@dataclass(frozen=True)
class CDPEvent:
    """One event the browser sent: its method (`Page.loadEventFired`), params and target session."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    session_id: str | None = None


Handler = Callable[[CDPEvent], Any]


# -- what both clients share: message framing, answers, handlers ----------------------------------


@dataclass
class _Reply:
    """An answer (or a failure) for one command."""

    method: str
    result: Any = None
    error: CDPError | None = None

    def value(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class _Protocol:
    """Ids, encoding, decoding and handler bookkeeping; no I/O, no locking (the clients lock)."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.handlers: dict[str, list[Handler]] = {}

    @staticmethod
    def encode(command_id: int, method: str, params: Mapping[str, Any] | None, session_id: str | None) -> str:
        message: dict[str, Any] = {"id": command_id, "method": method, "params": dict(params or {})}
        if session_id:
            message["sessionId"] = session_id
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False)

    @staticmethod
    def decode(raw: str | bytes) -> tuple[int, Any, Any] | CDPEvent | None:
        """(id, result, error) for an answer, a CDPEvent for an event, None for anything else."""
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("CDP: ignored a message that is not JSON: %.200r", raw)
            return None
        if not isinstance(message, dict):
            return None
        if isinstance(message.get("id"), int):
            return message["id"], message.get("result"), message.get("error")
        if isinstance(message.get("method"), str):
            params = message.get("params")
            session_id = message.get("sessionId")
            return CDPEvent(
                message["method"],
                params if isinstance(params, dict) else {},
                session_id if isinstance(session_id, str) else None,
            )
        return None

    @staticmethod
    def reply(method: str, result: Any, error: Any) -> _Reply:
        if error is None:
            return _Reply(method, result=result if result is not None else {})
        if not isinstance(error, dict):
            return _Reply(method, error=CDPCommandError(method, code=None, message=str(error)))
        code = error.get("code")
        return _Reply(
            method,
            error=CDPCommandError(
                method,
                code=code if isinstance(code, int) else None,
                message=str(error.get("message") or "error"),
                data=error.get("data"),
            ),
        )

    def add(self, event: str, handler: Handler) -> None:
        self.handlers.setdefault(event, []).append(handler)

    def remove(self, event: str, handler: Handler) -> None:
        handlers = self.handlers.get(event, [])
        if handler in handlers:
            handlers.remove(handler)

    def handlers_for(self, event: CDPEvent) -> list[Handler]:
        return [*self.handlers.get(event.method, ()), *self.handlers.get(ALL_EVENTS, ())]


def _closed_error(connection: SyncConnection | AsyncConnection, what: str) -> CDPConnectionError:
    code, reason = connection.close_code, connection.close_reason
    detail = f" (close code {code}{f': {reason}' if reason else ''})" if code is not None else ""
    return CDPConnectionError(f"the CDP connection closed {what}{detail}")


def _open_error(url: str, exc: Exception) -> CDPConnectionError:
    return CDPConnectionError(f"cannot open the CDP WebSocket {url}: {type(exc).__name__}: {exc}")


def _matches(event: CDPEvent, method: str, predicate: Callable[[CDPEvent], bool] | None) -> bool:
    return (method in (ALL_EVENTS, event.method)) and (predicate is None or predicate(event))


# -- sync -------------------------------------------------------------------------------------------


class CdpClient:
    """A synchronous CDP client. Thread-safe: send() may be called from any thread, handlers too.

    `CdpClient(url)` then `connect()` (or a `with` block) opens the socket, as chaser-sdk's did.
    """

    def __init__(
        self,
        websocket_url: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        open_timeout: float | None = 10.0,
        headers: Mapping[str, str] | None = None,
        max_message_bytes: int | None = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.websocket_url = websocket_url
        self.timeout = timeout
        self._open_timeout = open_timeout
        self._headers = dict(headers or {})
        self._max_message_bytes = max_message_bytes
        self._protocol = _Protocol()
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[threading.Event, _Reply]] = {}
        self._connection: SyncConnection | None = None
        self._closed: CDPConnectionError | None = None
        self._events: queue.SimpleQueue[CDPEvent | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        # wait_for() calls to wake when no event can come any more (the events were all handled).
        self._wakeups: set[threading.Event] = set()
        self._events_done = False

    def __repr__(self) -> str:
        return f"CdpClient({self.websocket_url!r})"

    # -- connection --------------------------------------------------------------------------------

    def connect(self) -> Self:
        """Open the WebSocket (once) and start reading it. Returns the client. A closed client
        stays closed: make a new one to reconnect."""
        if self._connection is not None:
            if self._closed is not None:
                raise CDPConnectionError("this CDP client was closed: make a new one to reconnect")
            return self
        try:
            connection = sync_connect(
                self.websocket_url,
                additional_headers=self._headers or None,
                open_timeout=self._open_timeout,
                max_size=self._max_message_bytes,
            )
        except (OSError, TimeoutError, InvalidURI, InvalidHandshake) as exc:
            raise _open_error(self.websocket_url, exc) from exc
        # The connection outlives this call: enter its context as a `with` block would (websockets
        # 17.1+ warns about a connection used outside one); close() closes it.
        connection.__enter__()
        self._connection = connection
        self._threads = [
            threading.Thread(target=self._read, args=(connection,), name="chaser-cdp-reader", daemon=True),
            threading.Thread(target=self._dispatch, name="chaser-cdp-events", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def close(self) -> None:
        """Close the socket; commands still waiting fail with CDPConnectionError."""
        if self._connection is None:
            return
        self._connection.close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)

    @property
    def connected(self) -> bool:
        return self._connection is not None and self._closed is None

    def __enter__(self) -> Self:
        return self.connect()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # -- commands ----------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        session_id: str | None = None,
        *,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> Any:
        """Send a command and return its `result` (a dict). `timeout` (seconds, None: forever)
        applies to this command; the client's own `timeout` is the default."""
        connection = self._require_connection()
        done, reply = threading.Event(), _Reply(method)
        with self._lock:
            if self._closed is not None:
                raise self._closed
            command_id = next(self._protocol.ids)
            self._pending[command_id] = (done, reply)
        try:
            connection.send(self._protocol.encode(command_id, method, params, session_id))
        except ConnectionClosed:
            self._forget(command_id)
            raise _closed_error(connection, f"before {method} was sent") from None
        limit = self.timeout if isinstance(timeout, NotGiven) else timeout
        if not done.wait(limit):
            self._forget(command_id)
            raise CDPTimeoutError(f"{method} got no answer within {limit}s")
        return reply.value()

    # -- events ------------------------------------------------------------------------------------

    def on(self, event: str, handler: Handler) -> Callable[[], None]:
        """Call handler(CDPEvent) for each `event` ("*": every event). Returns a function that
        unsubscribes. Handlers run one at a time, in order, on the client's event thread."""
        with self._lock:
            self._protocol.add(event, handler)

        def unsubscribe() -> None:
            with self._lock:
                self._protocol.remove(event, handler)

        return unsubscribe

    def wait_for(
        self,
        event: str,
        *,
        predicate: Callable[[CDPEvent], bool] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> CDPEvent:
        """The next `event` (that `predicate` accepts) from now on; `timeout` as for send()."""
        self._require_connection()
        seen: list[CDPEvent] = []
        arrived = threading.Event()

        def catch(candidate: CDPEvent) -> None:
            if not seen and _matches(candidate, event, predicate):
                seen.append(candidate)
                arrived.set()

        with self._lock:
            self._protocol.add(ALL_EVENTS, catch)
            self._wakeups.add(arrived)
            finished = self._events_done
        try:
            if not finished:
                arrived.wait(self.timeout if isinstance(timeout, NotGiven) else timeout)
            if seen:
                return seen[0]
            if self._closed is not None:
                raise self._closed
            raise CDPTimeoutError(f"no {event} event arrived in time")
        finally:
            with self._lock:
                self._protocol.remove(ALL_EVENTS, catch)
                self._wakeups.discard(arrived)

    # -- the background threads --------------------------------------------------------------------

    def _read(self, connection: SyncConnection) -> None:
        try:
            for raw in connection:
                decoded = self._protocol.decode(raw)
                if isinstance(decoded, CDPEvent):
                    self._events.put(decoded)
                elif decoded is not None:
                    self._answer(*decoded)
        except ConnectionClosed:
            pass
        finally:
            self._fail_pending(_closed_error(connection, "before the command was answered"))
            self._events.put(None)

    def _answer(self, command_id: int, result: Any, error: Any) -> None:
        with self._lock:
            waiting = self._pending.pop(command_id, None)
        if waiting is None:
            return  # the command timed out already: its late answer is dropped
        done, reply = waiting
        answered = self._protocol.reply(reply.method, result, error)
        reply.result, reply.error = answered.result, answered.error
        done.set()

    def _fail_pending(self, error: CDPConnectionError) -> None:
        with self._lock:
            self._closed = error
            pending, self._pending = self._pending, {}
        for done, reply in pending.values():
            reply.error = error
            done.set()

    def _dispatch(self) -> None:
        while (event := self._events.get()) is not None:
            with self._lock:
                handlers = self._protocol.handlers_for(event)
            for handler in handlers:
                try:
                    handler(event)
                except Exception:
                    logger.exception("CDP: a handler of %s raised", event.method)
        with self._lock:
            self._events_done = True
            wakeups = list(self._wakeups)
        for arrived in wakeups:
            arrived.set()

    def _forget(self, command_id: int) -> None:
        with self._lock:
            self._pending.pop(command_id, None)

    def _require_connection(self) -> SyncConnection:
        if self._connection is None:
            raise CDPConnectionError("the CDP client is not connected: call connect() or use a with block")
        return self._connection


# -- async ------------------------------------------------------------------------------------------


class AsyncCdpClient:
    """An asyncio CDP client: the twin of CdpClient, with awaitable connect/send/wait_for/close.

    Handlers may be plain functions or coroutine functions (awaited in order)."""

    def __init__(
        self,
        websocket_url: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        open_timeout: float | None = 10.0,
        headers: Mapping[str, str] | None = None,
        max_message_bytes: int | None = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.websocket_url = websocket_url
        self.timeout = timeout
        self._open_timeout = open_timeout
        self._headers = dict(headers or {})
        self._max_message_bytes = max_message_bytes
        self._protocol = _Protocol()
        self._pending: dict[int, tuple[asyncio.Future[None], _Reply]] = {}
        self._connection: AsyncConnection | None = None
        self._closed: CDPConnectionError | None = None
        self._events: asyncio.Queue[CDPEvent | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        # wait_for() calls to wake when no event can come any more (the events were all handled).
        self._wakeups: set[asyncio.Future[CDPEvent]] = set()
        self._events_done = False

    def __repr__(self) -> str:
        return f"AsyncCdpClient({self.websocket_url!r})"

    # -- connection --------------------------------------------------------------------------------

    async def connect(self) -> Self:
        """Open the WebSocket (once) and start reading it. Returns the client. A closed client
        stays closed: make a new one to reconnect."""
        if self._connection is not None:
            if self._closed is not None:
                raise CDPConnectionError("this CDP client was closed: make a new one to reconnect")
            return self
        try:
            connection = await async_connect(
                self.websocket_url,
                additional_headers=self._headers or None,
                open_timeout=self._open_timeout,
                max_size=self._max_message_bytes,
            )
        except (OSError, TimeoutError, InvalidURI, InvalidHandshake) as exc:
            raise _open_error(self.websocket_url, exc) from exc
        self._connection = connection
        self._tasks = [
            asyncio.create_task(self._read(connection), name="chaser-cdp-reader"),
            asyncio.create_task(self._dispatch(), name="chaser-cdp-events"),
        ]
        return self

    async def close(self) -> None:
        """Close the socket; commands still waiting fail with CDPConnectionError."""
        if self._connection is None:
            return
        await self._connection.close()
        current = asyncio.current_task()
        await asyncio.gather(*(task for task in self._tasks if task is not current))

    @property
    def connected(self) -> bool:
        return self._connection is not None and self._closed is None

    async def __aenter__(self) -> Self:
        return await self.connect()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    # -- commands ----------------------------------------------------------------------------------

    async def send(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        session_id: str | None = None,
        *,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> Any:
        """Send a command and return its `result` (a dict). `timeout` (seconds, None: forever)
        applies to this command; the client's own `timeout` is the default."""
        connection = self._require_connection()
        if self._closed is not None:
            raise self._closed
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        reply = _Reply(method)
        command_id = next(self._protocol.ids)
        self._pending[command_id] = (done, reply)
        try:
            await connection.send(self._protocol.encode(command_id, method, params, session_id))
        except ConnectionClosed:
            self._pending.pop(command_id, None)
            raise _closed_error(connection, f"before {method} was sent") from None
        limit = self.timeout if isinstance(timeout, NotGiven) else timeout
        try:
            await asyncio.wait_for(done, limit)
        except TimeoutError:
            self._pending.pop(command_id, None)
            raise CDPTimeoutError(f"{method} got no answer within {limit}s") from None
        return reply.value()

    # -- events ------------------------------------------------------------------------------------

    def on(self, event: str, handler: Callable[[CDPEvent], Awaitable[Any] | Any]) -> Callable[[], None]:
        """Call handler(CDPEvent) for each `event` ("*": every event); a coroutine function is
        awaited. Returns a function that unsubscribes. Handlers run one at a time, in order."""
        self._protocol.add(event, handler)
        return lambda: self._protocol.remove(event, handler)

    async def wait_for(
        self,
        event: str,
        *,
        predicate: Callable[[CDPEvent], bool] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> CDPEvent:
        """The next `event` (that `predicate` accepts) from now on; `timeout` as for send()."""
        self._require_connection()
        arrived: asyncio.Future[CDPEvent] = asyncio.get_running_loop().create_future()

        def catch(candidate: CDPEvent) -> None:
            if not arrived.done() and _matches(candidate, event, predicate):
                arrived.set_result(candidate)

        self._protocol.add(ALL_EVENTS, catch)
        self._wakeups.add(arrived)
        if self._events_done:
            self._wake(arrived)
        try:
            return await asyncio.wait_for(arrived, self.timeout if isinstance(timeout, NotGiven) else timeout)
        except TimeoutError:
            raise CDPTimeoutError(f"no {event} event arrived in time") from None
        finally:
            self._protocol.remove(ALL_EVENTS, catch)
            self._wakeups.discard(arrived)

    # -- the background tasks ----------------------------------------------------------------------

    async def _read(self, connection: AsyncConnection) -> None:
        try:
            async for raw in connection:
                decoded = self._protocol.decode(raw)
                if isinstance(decoded, CDPEvent):
                    self._events.put_nowait(decoded)
                elif decoded is not None:
                    self._answer(*decoded)
        except ConnectionClosed:
            pass
        finally:
            self._fail_pending(_closed_error(connection, "before the command was answered"))
            self._events.put_nowait(None)

    def _answer(self, command_id: int, result: Any, error: Any) -> None:
        waiting = self._pending.pop(command_id, None)
        if waiting is None:
            return  # the command timed out already: its late answer is dropped
        done, reply = waiting
        answered = self._protocol.reply(reply.method, result, error)
        reply.result, reply.error = answered.result, answered.error
        if not done.done():
            done.set_result(None)

    def _fail_pending(self, error: CDPConnectionError) -> None:
        self._closed = error
        pending, self._pending = self._pending, {}
        for done, reply in pending.values():
            reply.error = error
            if not done.done():
                done.set_result(None)

    async def _dispatch(self) -> None:
        while (event := await self._events.get()) is not None:
            for handler in self._protocol.handlers_for(event):
                try:
                    outcome = handler(event)
                    if inspect.isawaitable(outcome):
                        await outcome
                except Exception:
                    logger.exception("CDP: a handler of %s raised", event.method)
        self._events_done = True
        for arrived in list(self._wakeups):
            self._wake(arrived)

    def _wake(self, arrived: asyncio.Future[CDPEvent]) -> None:
        if not arrived.done():
            arrived.set_exception(self._closed or CDPConnectionError("the CDP connection closed"))

    def _require_connection(self) -> AsyncConnection:
        if self._connection is None:
            raise CDPConnectionError("the CDP client is not connected: await connect() or use async with")
        return self._connection
