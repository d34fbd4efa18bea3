"""Raw responses: `client.sessions.with_raw_response.get(...)` returns an `APIResponse`.

The raw variant of a method asks for it explicitly, on the call itself: it calls the method
with a flag among its `extra_headers` (`raw_headers()`), which the client takes out again
(`take_raw_flag()`) before anything is sent. Instead of parsing the body, the client then
returns the response wrapped in an `APIResponse`, whose `parse()` gives the value the plain
method would have. Nothing is kept between calls: a raw call cannot make another call raw.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._idempotency import REQUEST_KEY
from ._logging import redact_url

if TYPE_CHECKING:
    from ._parsing import Parser
    from ._types import RequestOptions

__all__ = ["APIResponse"]

T = TypeVar("T")

# The flag a raw call carries among its extra_headers. The client removes it before sending:
# it never reaches the wire (tests/sdk/test_raw_responses.py checks).
_RAW_FLAG = "X-Chaser-Raw-Response"


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


def raw_headers(extra_headers: Mapping[str, str] | None) -> dict[str, str]:
    """The extra_headers of a raw call: the caller's, plus the flag that asks for the APIResponse."""
    return {**(extra_headers or {}), _RAW_FLAG: "true"}


def take_raw_flag(options: RequestOptions) -> tuple[bool, RequestOptions]:
    """Whether the call asks for its APIResponse, and its options without the flag."""
    headers = options.extra_headers
    if not headers or _RAW_FLAG not in headers:
        return False, options
    rest = {name: value for name, value in headers.items() if name != _RAW_FLAG}
    return True, options._replace(extra_headers=rest or None)
