"""Relaying JSON-RPC messages to the API's MCP endpoint (MCP's Streamable HTTP transport).

How the bridge speaks Streamable HTTP
(https://modelcontextprotocol.io/specification/2025-11-25/basic/transports and
https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http):

- Each message from the agent is POSTed as it arrived, byte for byte, with
  `Accept: application/json, text/event-stream`, through the SDK's transport: authentication,
  account header, timeouts, redacted logging, and retries when they are safe (see `BridgeSpec`).
- The API answers a request with one JSON body, or with a text/event-stream whose events each
  carry a JSON-RPC message. Messages the API sends on its own (progress, logging, requests to
  the agent) are passed on at once; the stream is closed as soon as every request of the POST
  has its response. A notification or a response is accepted with 202 and no body, and nothing
  is read from it.
- Resumption ("Resumability and Redelivery"): when the event stream answering a request ends or
  breaks off before every response arrived, and the API gave its events ids, the bridge
  reconnects as the official MCP SDK does: a GET on the endpoint with `Last-Event-ID` (the last
  id it read), the POST's `Mcp-Session-Id` and `MCP-Protocol-Version`, after the `retry:` time
  the stream last named (1 s without one), doubling after each reconnection that brings nothing
  new. Events it has already relayed (by id) are dropped, so the agent gets each message once.
  It gives up with the error it would have given without resuming when the stream had no id,
  the API refuses the GET (a 4xx such as 405: it keeps no events), the client's timeout runs out
  since the break, or `_RESUME_ATTEMPTS` reconnections in a row bring nothing new. A read
  timeout is not resumed: the timeout of the call is spent.
- Sessions: the `Mcp-Session-Id` the API sets on its answer to `initialize` goes on every later
  request. A 404 to a request that carried it means the API ended the session; the spec says
  the client then starts a new one, so the bridge replays the agent's `initialize` and
  `notifications/initialized` (the agent's own session with the bridge never ends) and sends
  the request once more. On shutdown the session is ended with DELETE.
- `MCP-Protocol-Version` carries the version `initialize` negotiated, or, for a 2026-07-28
  message, the version its `_meta` declares. `Mcp-Method` and `Mcp-Name` (2026-07-28) name the
  method and the tool, prompt or resource it acts on, so a gateway can route without the body.

Every failure becomes a JSON-RPC error response with the id of each request it leaves without
an answer; nothing here raises to the stdio loop. The error codes are in the range JSON-RPC
leaves to implementations (-32000 to -32099), and `data` carries the HTTP status and request id.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

import httpx
from httpx_sse import EventSource, ServerSentEvent

from ..._env import ENV_API_KEY
from ..._exceptions import APIConnectionError, APIError, APIStatusError, APITimeoutError
from ..._parsing import none_
from ..._types import RequestOptions, Timeout
from ._spec import BridgeSpec

if TYPE_CHECKING:
    from ..._base_client import AsyncAPIClient

logger = logging.getLogger("chaser_core.mcp")

NOT_CONFIGURED = -32000  # the bridge cannot reach the API at all (no API key, bad base URL)
UPSTREAM_STATUS = -32001  # the API answered with an HTTP error status
UPSTREAM_TIMEOUT = -32002  # no answer in time
UPSTREAM_UNREACHABLE = -32003  # no answer: connection refused, reset or broken off
UPSTREAM_BAD_ANSWER = -32004  # an answer the bridge cannot use (not JSON, no response to the request)
INVALID_REQUEST = -32600
PARSE_ERROR = -32700
INTERNAL_ERROR = -32603

ACCEPT = "application/json, text/event-stream"
# The handshake-era version the doctor's own initialize offers (the API may answer with another).
HANDSHAKE_PROTOCOL_VERSION = "2025-11-25"
_META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion"
# Methods whose target the 2026-07-28 transport mirrors into Mcp-Name, and the param naming it.
_NAME_PARAMS = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}
_HEADER_SAFE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_SESSION_END_TIMEOUT = 2.0
# Resuming a broken event stream: the wait before reconnecting when the stream named no `retry:`
# (the MCP SDK's own default), and how many reconnections in a row may bring nothing new.
_RESUME_DELAY = 1.0
_RESUME_ATTEMPTS = 3

Emit = Callable[[Any], None]


class BridgeError(Exception):
    """A failure that leaves requests without an answer: each gets this JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def response(self, request_id: Any) -> dict[str, Any]:
        return error_response(request_id, self.code, self.message, self.data)


def error_response(request_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


# -- the shape of JSON-RPC messages -------------------------------------------------------------


def is_request(message: Any) -> bool:
    return isinstance(message, dict) and isinstance(message.get("method"), str) and "id" in message


def is_response(message: Any) -> bool:
    return (
        isinstance(message, dict) and "method" not in message and ("result" in message or "error" in message)
    )


def is_initialize(message: Any) -> bool:
    return is_request(message) and message["method"] == "initialize"


def requests_of(message: Any) -> list[dict[str, Any]]:
    """The requests in a message or a batch (the messages that expect a response)."""
    items = message if isinstance(message, list) else [message]
    return [item for item in items if is_request(item)]


def id_key(request_id: Any) -> str:
    """A hashable identity for an id (1 and "1" are different ids)."""
    return json.dumps(request_id, sort_keys=True)


def header_value(value: str) -> str:
    """A value that survives an HTTP header: printable ASCII as it is, anything else in the
    `=?base64?...?=` form the 2026-07-28 transport defines."""
    if _HEADER_SAFE.fullmatch(value) and not (value.startswith("=?base64?") and value.endswith("?=")):
        return value
    return "=?base64?" + base64.b64encode(value.encode("utf-8")).decode("ascii") + "?="


def decode(data: bytes | str) -> Any:
    """One JSON-RPC message or batch from the API."""
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise BridgeError(
            UPSTREAM_BAD_ANSWER, f"the Chaser API answered with a body that is not JSON ({exc})"
        ) from exc
    if not isinstance(value, dict | list):
        raise BridgeError(
            UPSTREAM_BAD_ANSWER, "the Chaser API answered with JSON that is not a JSON-RPC message"
        )
    return value


def _status_error(exc: APIStatusError) -> BridgeError:
    data: dict[str, Any] = {"status": exc.status_code}
    if exc.request_id:
        data["requestId"] = exc.request_id
    if exc.status_code == 429 and exc.rate_limit.retry_after is not None:
        data["retryAfter"] = exc.rate_limit.retry_after
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    if (
        isinstance(error, dict)
        and isinstance(error.get("code"), int)
        and isinstance(error.get("message"), str)
    ):
        # The API refused the message with a JSON-RPC error (its id may be null): pass it on.
        return BridgeError(error["code"], error["message"], error.get("data", data))
    if exc.status_code == 401:
        message = f"the Chaser API refused the API key (HTTP 401): check {ENV_API_KEY}"
    else:
        message = f"the Chaser API answered HTTP {exc.status_code}: {exc.message}"
    return BridgeError(UPSTREAM_STATUS, message, data)


def _transport_error(exc: Exception) -> BridgeError:
    if isinstance(exc, APITimeoutError | httpx.TimeoutException):
        return BridgeError(UPSTREAM_TIMEOUT, "the Chaser API did not answer in time")
    detail = exc.message if isinstance(exc, APIError) else f"{type(exc).__name__}: {exc}"
    return BridgeError(UPSTREAM_UNREACHABLE, f"no answer from the Chaser API ({detail})")


def _is_event_stream(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.partition(";")[0].strip().lower() == "text/event-stream"


def _broken_stream(exc: httpx.RequestError) -> BridgeError:
    return BridgeError(
        UPSTREAM_UNREACHABLE, f"no answer from the Chaser API (the event stream broke: {type(exc).__name__})"
    )


def _resume_budget(timeout: Timeout) -> float | None:
    """How long a resumption may take from the break: the client's (read) timeout, the time the
    bridge would have waited for the next event of an unbroken stream."""
    return timeout.read if isinstance(timeout, httpx.Timeout) else timeout


class _Cursor:
    """Where the answer to one POST stands across its connections: the last event id read (to
    resume from), the reconnection time the API last asked for, and the ids already relayed."""

    def __init__(self) -> None:
        self.last_event_id: str | None = None
        self.retry: float | None = None  # seconds
        self._relayed: set[str] = set()
        self._previous = ""

    def connected(self) -> None:
        """A new connection: httpx-sse's event id starts over from none."""
        self._previous = ""

    def take(self, event: ServerSentEvent) -> bool:
        """Whether the event is new: not one relayed before, and not an empty block.

        httpx-sse gives an event without an `id:` field the last id of its connection (the SSE
        rule for the last-event-ID buffer), so only an id that differs from the previous one is
        the event's own."""
        if event.retry is not None:
            self.retry = event.retry / 1000
        own = event.id if event.id and event.id != self._previous else None
        self._previous = event.id
        if own is None:
            return bool(event.data.strip())
        self.last_event_id = own
        if own in self._relayed:
            return False
        self._relayed.add(own)
        return True


# -- one MCP session with the API ----------------------------------------------------------------


class Upstream:
    """The bridge's MCP session with the API, shared by every message of the agent."""

    def __init__(self, client: AsyncAPIClient, spec: BridgeSpec) -> None:
        self.client = client
        self.spec = spec
        self.session_id: str | None = None
        self.protocol_version: str | None = None
        self._request = spec.request()
        self._initialize: dict[str, Any] | None = None  # the agent's, replayed when a session ends
        self._renewal = asyncio.Lock()
        self._renewals = 0

    def _headers(self, message: Any, session_id: str | None) -> dict[str, str]:
        headers = {"Accept": ACCEPT}
        single = isinstance(message, dict)
        meta = (message.get("params") or {}).get("_meta") if single else None
        version = meta.get(_META_PROTOCOL_VERSION) if isinstance(meta, dict) else None
        if not isinstance(version, str):
            version = None if is_initialize(message) else self.protocol_version
        if version:
            headers["MCP-Protocol-Version"] = header_value(version)
        if session_id is not None:
            headers["Mcp-Session-Id"] = session_id
        if single and isinstance(method := message.get("method"), str):
            headers["Mcp-Method"] = header_value(method)
            params = message.get("params")
            name = params.get(_NAME_PARAMS.get(method, "")) if isinstance(params, dict) else None
            if isinstance(name, str):
                headers["Mcp-Name"] = header_value(name)
        return headers

    async def _send(self, raw: bytes, message: Any, *, renewed: bool = False) -> httpx.Response:
        initialize = is_initialize(message)
        if initialize:
            self._initialize = message
        session_id = None if initialize else self.session_id
        methods = [request["method"] for request in requests_of(message)]
        try:
            response, _ = await self.client.send_request(
                {**self._request, "content": raw},
                RequestOptions(extra_headers=self._headers(message, session_id)),
                idempotent=self.spec.retryable(methods),
                stream=True,
            )
        except APIStatusError as exc:
            if exc.status_code == 404 and session_id is not None and not renewed:
                await self._renew(session_id)
                return await self._send(raw, message, renewed=True)
            raise _status_error(exc) from exc
        except APIConnectionError as exc:
            raise _transport_error(exc) from exc
        if initialize:
            self.session_id = response.headers.get("mcp-session-id")
        return response

    async def post(self, raw: bytes, message: Any, *, expect_answer: bool) -> AsyncGenerator[Any, None]:
        """POST one message (or batch) and yield what the API sends back: JSON-RPC messages or
        batches. Without `expect_answer` (notifications, responses) nothing is read."""
        response = await self._send(raw, message)
        try:
            if not expect_answer:
                return
            if _is_event_stream(response):
                async with aclosing(self._events(response, message)) as answers:
                    async for answer in answers:
                        yield answer
                return
            body = await response.aread()
            if not body.strip():
                raise BridgeError(
                    UPSTREAM_BAD_ANSWER,
                    f"the Chaser API answered HTTP {response.status_code} without a JSON-RPC response",
                    {"status": response.status_code},
                )
            yield decode(body)
        except (APIError, httpx.RequestError) as exc:
            # The body or the event stream broke off (a malformed stream is an APIError too).
            raise _transport_error(exc) from exc
        finally:
            await response.aclose()

    async def _events(self, response: httpx.Response, message: Any) -> AsyncGenerator[Any, None]:
        """The messages of an event stream answering a POST, resumed when it ends or breaks off
        before the consumer has every response it waits for (it closes this generator then)."""
        cursor = _Cursor()
        budget = _resume_budget(self.client.timeout)
        loop = asyncio.get_running_loop()
        deadline: float | None = None  # for the resumption under way: the break plus the budget
        failures = 0  # reconnections in a row that brought nothing new
        failure: BridgeError | None = None  # what the agent gets if resumption fails
        current = response
        while True:
            cursor.connected()
            progressed = False
            try:
                async with aclosing(EventSource(current).aiter_sse()) as events:
                    async for event in events:
                        if not cursor.take(event):
                            continue
                        progressed = True
                        if event.data.strip():
                            yield decode(event.data)
                ended = "ended"
            except httpx.TimeoutException as exc:
                raise _transport_error(exc) from exc  # the call's timeout is spent
            except httpx.RequestError as exc:
                ended = f"broke off ({type(exc).__name__})"
                failure = failure or _broken_stream(exc)
            finally:
                await current.aclose()  # a broken or ended connection goes back to no pool
            if cursor.last_event_id is None:  # nothing to resume from: as without resumption
                if failure is not None:
                    raise failure
                return
            if progressed:
                deadline, failures = None, 0
            elif current is not response:
                failures += 1
            if deadline is None and budget is not None:
                deadline = loop.time() + budget
            while True:  # reconnect
                reason = None
                delay = (_RESUME_DELAY if cursor.retry is None else cursor.retry) * 2**failures
                if failures >= _RESUME_ATTEMPTS:
                    reason = f"{failures} reconnections in a row brought nothing new"
                elif deadline is not None and loop.time() + delay >= deadline:
                    reason = "the timeout runs out before the next reconnection"
                else:
                    logger.debug(
                        "The event stream of %s %s; resuming with Last-Event-ID in %.2f s (attempt %d of %d)",
                        _describe(message),
                        ended,
                        delay,
                        failures + 1,
                        _RESUME_ATTEMPTS,
                    )
                    await asyncio.sleep(delay)
                    try:
                        async with asyncio.timeout_at(deadline):
                            current = await self._reconnect(response, cursor.last_event_id)
                        logger.debug("Resumed the event stream of %s", _describe(message))
                        break
                    except APIStatusError as exc:
                        if exc.status_code < 500 and exc.status_code not in (408, 429):
                            reason = f"the Chaser API refused to resume it (HTTP {exc.status_code})"
                        ended = f"could not be resumed (HTTP {exc.status_code})"
                    except (APIConnectionError, TimeoutError) as exc:
                        ended = f"could not be resumed ({type(exc).__name__})"
                    except BridgeError as exc:
                        reason = exc.message
                if reason is not None:
                    logger.debug("Gave up resuming the event stream of %s: %s", _describe(message), reason)
                    failure = failure or BridgeError(
                        UPSTREAM_BAD_ANSWER, "the Chaser API's event stream ended without a response"
                    )
                    raise BridgeError(failure.code, failure.message, {"resumption": reason})
                failures += 1

    async def _reconnect(self, post: httpx.Response, last_event_id: str) -> httpx.Response:
        """GET the stream the POST opened from after `last_event_id`, in the POST's session and
        protocol version, once (the caller paces the attempts)."""
        sent = post.request.headers
        headers = {"Accept": "text/event-stream", "Last-Event-ID": last_event_id}
        for name in ("Mcp-Session-Id", "MCP-Protocol-Version"):
            if name in sent:
                headers[name] = sent[name]
        kwargs = {**self._request, "method": "get", "headers": {}}
        kwargs.pop("content", None)
        response, _ = await self.client.send_request(
            kwargs, RequestOptions(extra_headers=headers, max_retries=0), idempotent=True, stream=True
        )
        if not _is_event_stream(response):
            await response.aclose()
            raise BridgeError(UPSTREAM_BAD_ANSWER, "the Chaser API answered the GET without an event stream")
        return response

    async def call(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its response; what else the API sends is dropped."""
        raw = json.dumps(message, separators=(",", ":")).encode("utf-8")
        async with aclosing(self.post(raw, message, expect_answer=True)) as answers:
            async for answer in answers:
                for item in answer if isinstance(answer, list) else [answer]:
                    if is_response(item) and id_key(item.get("id")) == id_key(message.get("id")):
                        self.observe(message, item)
                        response: dict[str, Any] = item
                        return response
        raise BridgeError(UPSTREAM_BAD_ANSWER, "the Chaser API's answer has no response to the request")

    async def notify(self, message: dict[str, Any]) -> None:
        raw = json.dumps(message, separators=(",", ":")).encode("utf-8")
        async with aclosing(self.post(raw, message, expect_answer=False)) as answers:
            async for _ in answers:
                pass

    def observe(self, request: Any, response: Any) -> None:
        """Learn the protocol version from the answer to initialize."""
        if is_initialize(request) and isinstance(result := response.get("result"), dict):
            version = result.get("protocolVersion")
            self.protocol_version = version if isinstance(version, str) else None

    async def _renew(self, stale: str) -> None:
        """Open a new session after the API ended `stale` (a 404 to a request that carried it)."""
        async with self._renewal:
            if self.session_id != stale:
                return  # another request renewed it first
            self.session_id = None
            if self._initialize is None:
                raise BridgeError(UPSTREAM_STATUS, "the Chaser API ended the MCP session", {"status": 404})
            self._renewals += 1
            logger.info("The API ended the MCP session; opening a new one (renewal %d)", self._renewals)
            replay = {**self._initialize, "id": f"chaser-core-bridge-renewal-{self._renewals}"}
            answer = await self.call(replay)
            if "error" in answer:
                raise BridgeError(
                    UPSTREAM_STATUS, "the Chaser API ended the MCP session and refused a new one"
                )
            await self.notify({"jsonrpc": "2.0", "method": "notifications/initialized"})

    async def close(self) -> None:
        """End the session (DELETE, as the transport asks of a client that is done) and close."""
        if self.session_id is not None:
            kwargs = {**self._request, "method": "delete"}
            kwargs.pop("content", None)
            kwargs["headers"] = {}
            try:
                async with asyncio.timeout(_SESSION_END_TIMEOUT + 1):
                    await self.client.request(
                        kwargs,
                        none_(),
                        RequestOptions(
                            extra_headers={"Mcp-Session-Id": self.session_id},
                            timeout=_SESSION_END_TIMEOUT,
                            max_retries=0,
                        ),
                        idempotent=True,
                    )
            except (APIError, TimeoutError) as exc:  # 405: the API keeps sessions to itself
                logger.debug("Ending the MCP session: %s", exc)
            self.session_id = None
        closing = self.client.close()
        if closing is not None:
            await closing


# -- the agent's messages --------------------------------------------------------------------------


class Relay:
    """Relays each message of the agent and writes what comes back with `emit`."""

    def __init__(self, upstream: Upstream | None, emit: Emit, *, problem: str | None = None) -> None:
        self.upstream = upstream
        self.emit = emit
        self.problem = problem  # why there is no upstream (no API key, ...): every request gets it

    def inline(self, message: Any) -> bool:
        """Whether to relay this message before reading the next one: initialize (the session
        must exist before anything follows it), and notifications and responses (in order)."""
        return isinstance(message, dict) and (is_initialize(message) or not is_request(message))

    async def handle(self, raw: bytes, message: Any) -> None:
        """Relay one message or batch. Never raises: failures become JSON-RPC errors."""
        requests = requests_of(message)
        pending = {id_key(request["id"]): request for request in requests}
        batch = isinstance(message, list)
        answers: list[Any] = []
        try:
            if self.upstream is None:
                raise BridgeError(NOT_CONFIGURED, self.problem or "the bridge is not configured")
            incoming = self.upstream.post(raw, message, expect_answer=bool(pending))
            async with aclosing(incoming):
                async for answer in incoming:
                    self._dispatch(answer, pending, answers if batch else None)
                    if not pending:
                        break
            if pending:
                raise BridgeError(
                    UPSTREAM_BAD_ANSWER, "the Chaser API's answer has no response to this request"
                )
        except BridgeError as exc:
            answers += [exc.response(request["id"]) for request in pending.values()]
        except Exception as exc:  # a bug here must not leave the agent waiting
            logger.exception("Relaying %s failed", _describe(message))
            answers += [
                error_response(request["id"], INTERNAL_ERROR, f"the bridge failed: {type(exc).__name__}")
                for request in pending.values()
            ]
        if batch and answers:
            self.emit(answers)
        else:
            for answer in answers:
                self.emit(answer)

    def _dispatch(self, answer: Any, pending: dict[str, dict[str, Any]], batch: list[Any] | None) -> None:
        for item in answer if isinstance(answer, list) else [answer]:
            if is_response(item):
                request = pending.pop(id_key(item.get("id")), None)
                if request is None:
                    logger.warning("Dropped a response from the API that answers no pending request")
                    continue
                assert self.upstream is not None
                self.upstream.observe(request, item)
                if batch is not None:
                    batch.append(item)
                    continue
            elif not (isinstance(item, dict) and isinstance(item.get("method"), str)):
                logger.warning("Dropped a message from the API that is not JSON-RPC")
                continue
            # A response, or a message the API sends on its own (progress, logging, a request).
            self.emit(item)


def _describe(message: Any) -> str:
    if isinstance(message, list):
        return f"a batch of {len(message)}"
    method = message.get("method") if isinstance(message, dict) else None
    return f"{method} (id {message.get('id')!r})" if isinstance(method, str) else "a message"


def invalid(message: Any) -> dict[str, Any] | None:
    """The error for a message that is not JSON-RPC at all, answered without asking the API."""
    if isinstance(message, list):
        return None if message else error_response(None, INVALID_REQUEST, "an empty batch")
    if not isinstance(message, dict):
        return error_response(None, INVALID_REQUEST, "not a JSON-RPC message")
    if isinstance(message.get("method"), str) or is_response(message):
        return None
    return error_response(
        message.get("id"), INVALID_REQUEST, "not a JSON-RPC request, notification or response"
    )
