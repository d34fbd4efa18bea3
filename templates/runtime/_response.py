"""Raw responses: `client.sessions.with_raw_response.get(...)` returns an `APIResponse`.

The raw variant of a method is the method itself, called with raw mode switched on. Raw mode
is a context variable, so it is private to the calling thread or asyncio task, and the client
checks it after the response arrives: instead of parsing the body it returns the response
wrapped in an `APIResponse`, whose `parse()` gives the value the plain method would have.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast

import httpx

from ._idempotency import REQUEST_KEY
from ._logging import redact_url

if TYPE_CHECKING:
    from ._parsing import Parser

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

raw_response_mode: contextvars.ContextVar[bool] = contextvars.ContextVar("chaser_core_raw_response", default=False)


class APIResponse(Generic[T]):
    """An HTTP response from the API, with the typed value one `parse()` away."""

    def __init__(self, http_response: httpx.Response, parse: Callable[[], T], *, retries_taken: int = 0) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self._parse = parse
        self._parsed: T
        self._is_parsed = False

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def idempotency_key(self) -> str | None:
        """The idempotency key the request carried (on every attempt), for an operation that has one."""
        value = self.http_response.request.extensions.get(REQUEST_KEY)
        return value if isinstance(value, str) else None

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def elapsed(self) -> datetime.timedelta:
        return self.http_response.elapsed

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return json.loads(self.http_response.content)

    def parse(self) -> T:
        """The typed value (parsed once, then cached)."""
        if not self._is_parsed:
            self._parsed = self._parse()
            self._is_parsed = True
        return self._parsed

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.method} {redact_url(self.url)}>"


def make_api_response(
    response: httpx.Response, parser: Parser[T], decode: Callable[[httpx.Response, Parser[T]], T], retries_taken: int
) -> APIResponse[T]:
    return APIResponse(response, functools.partial(decode, response, parser), retries_taken=retries_taken)


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """The raw variant of a sync method: same arguments, returns APIResponse[R]."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        token = raw_response_mode.set(True)
        try:
            return cast("APIResponse[R]", func(*args, **kwargs))
        finally:
            raw_response_mode.reset(token)

    return wrapped


def async_to_raw_response_wrapper(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[APIResponse[R]]]:
    """The raw variant of an async method: same arguments, awaits to APIResponse[R]."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        token = raw_response_mode.set(True)
        try:
            return cast("APIResponse[R]", await func(*args, **kwargs))
        finally:
            raw_response_mode.reset(token)

    return wrapped
