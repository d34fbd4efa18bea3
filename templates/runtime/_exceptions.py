"""Every error chaser-core raises, in one hierarchy::

    ChaserError
    ├── ConfigurationError              the client cannot be built (for example, no API key)
    ├── UploadTooLargeError             an upload exceeds its documented limit; nothing was sent
    ├── WaiterError
    │   ├── WaiterTimeoutError          a waiter gave up before the resource reached its state
    │   └── WaiterFailedError           the resource reached a state it will not leave
    ├── CDPError                        chaser_core.cdp: the Chrome DevTools Protocol clients
    │   ├── CDPCommandError             the browser answered a command with an error
    │   ├── CDPConnectionError          the WebSocket could not open, or closed
    │   └── CDPTimeoutError             a command got no answer in time
    └── APIError                        something went wrong talking to the API
        ├── APIConnectionError          no response: DNS, refused or reset connection, TLS
        │   └── APITimeoutError         no response in time
        ├── APIResponseValidationError  a 2xx response whose body does not match the spec
        └── APIStatusError              the API answered 4xx or 5xx
            ├── BadRequestError             400
            ├── AuthenticationError         401
            ├── PermissionDeniedError       403
            ├── NotFoundError               404
            ├── ConflictError               409
            ├── UnprocessableEntityError    422
            ├── RateLimitError              429
            └── InternalServerError         5xx

Catch `APIStatusError` for any error answer, or one of its subclasses for a specific status.
No exception message or attribute ever contains the API key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CDPCommandError",
    "CDPConnectionError",
    "CDPError",
    "CDPTimeoutError",
    "ChaserError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitInfo",
    "UnprocessableEntityError",
    "UploadTooLargeError",
    "WaiterError",
    "WaiterFailedError",
    "WaiterTimeoutError",
]


class ChaserError(Exception):
    """Base class of every exception raised by chaser-core."""


class ConfigurationError(ChaserError):
    """The client was configured in a way that cannot work (for example, no API key)."""


class UploadTooLargeError(ChaserError, ValueError):
    """An upload is larger than the API accepts. Raised before anything is sent."""

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class WaiterError(ChaserError):
    """A waiter (for example `sessions.wait_until_ready`) did not see the state it waits for."""

    def __init__(self, message: str, *, last: Any = None) -> None:
        super().__init__(message)
        #: The last object the waiter fetched, so the caller can inspect its state.
        self.last = last


class WaiterTimeoutError(WaiterError, TimeoutError):
    """The timeout passed before the resource reached the awaited state."""


class WaiterFailedError(WaiterError):
    """The resource reached a terminal state other than the awaited one."""


class CDPError(ChaserError):
    """A Chrome DevTools Protocol client (chaser_core.cdp) failed."""


class CDPCommandError(CDPError):
    """The browser answered a CDP command with an error (`code`, `message`, `data` as it sent them)."""

    def __init__(self, method: str, *, code: int | None, message: str, data: Any = None) -> None:
        super().__init__(f"{method} failed: {message}" + (f" (code {code})" if code is not None else ""))
        self.method = method
        self.code = code
        self.message = message
        self.data = data


class CDPConnectionError(CDPError):
    """The CDP WebSocket could not be opened, or closed before a command was answered."""


class CDPTimeoutError(CDPError, TimeoutError):
    """A CDP command got no answer within its timeout (a late answer is ignored)."""


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit headers of a response (X-RateLimit-*), when the API sent them."""

    limit: int | None = None
    remaining: int | None = None
    reset: int | None = None
    scope: str | None = None
    retry_after: float | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateLimitInfo:
        from ._retry import retry_after_seconds

        return cls(
            limit=_int_header(headers, "x-ratelimit-limit"),
            remaining=_int_header(headers, "x-ratelimit-remaining"),
            reset=_int_header(headers, "x-ratelimit-reset"),
            scope=headers.get("x-ratelimit-scope"),
            retry_after=retry_after_seconds(headers),
        )


class APIError(ChaserError):
    """A request to the API failed. `request` is the last request sent."""

    def __init__(self, message: str, *, request: httpx.Request | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The request got no response: the connection failed, was reset or could not be made."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request | None) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request got no response before the timeout."""

    def __init__(self, message: str = "Request timed out.", *, request: httpx.Request | None) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """A successful response whose body does not have the shape the spec documents."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code: int = response.status_code
        self.body = body
        self.request_id: str | None = response.headers.get("x-request-id")


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status."""

    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        #: The decoded error body (JSON when the API sent JSON, else the text).
        self.body = body
        self.code: str | None = _detail(body, "code") or _detail(body, "error")
        self.details = body
        self.request_id: str | None = response.headers.get("x-request-id")
        self.rate_limit: RateLimitInfo = RateLimitInfo.from_headers(response.headers)

    def __str__(self) -> str:
        parts = [f"{self.status_code} {self.message}"]
        if self.code and self.code != self.message:
            parts.append(f"code={self.code}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        return " ".join(parts)


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    """Any 5xx answer."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_from_response(response: httpx.Response) -> APIStatusError:
    """The typed error for a 4xx/5xx response. The body must already be read."""
    body = _decode_body(response)
    message = _detail(body, "message") or _detail(body, "error")
    if message is None:
        text = body if isinstance(body, str) else ""
        message = text.strip()[:500] or response.reason_phrase or f"HTTP {response.status_code}"
    if response.status_code >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _BY_STATUS.get(response.status_code, APIStatusError)
    return cls(message, response=response, body=body)


def _decode_body(response: httpx.Response) -> Any:
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return response.text


def _detail(body: Any, key: str) -> str | None:
    if isinstance(body, dict):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _int_header(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
