"""The transport core shared by `Chaser` and `AsyncChaser`.

Generated resource methods build their request with the low-level layer's `_get_kwargs` (the
method, URL, query, headers and body openapi-python-client derived from the spec) and hand it
to `request()`, `paginate()`, `stream_events()` or `download()` here. This module adds what
the spec does not say: authentication, the account header, per-call options, retries,
timeouts, logging, typed errors and response parsing.
"""

from __future__ import annotations

import contextvars
import json
import os
import platform
import time
import warnings
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, TypeVar

import anyio
import httpx

from . import _idempotency, _retry
from ._constants import (
    ACCOUNT_HEADER,
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ENV_ACCOUNT,
    ENV_API_KEY,
    ENV_BASE_URLS,
    HTTPX_DEFAULT_TIMEOUT,
)
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ConfigurationError,
    status_error_from_response,
)
from ._logging import logger, redact_headers, setup_logging
from ._parsing import Parser, ResponseShapeError
from ._response import make_api_response, raw_response_mode
from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout
from ._version import __version__

if TYPE_CHECKING:
    from typing import Self

T = TypeVar("T")
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


# Set while with_options() builds a copy with the same base URL: the original already warned.
_copying_same_url: contextvars.ContextVar[bool] = contextvars.ContextVar("chaser_core_copying", default=False)


class InsecureBaseURLWarning(UserWarning):
    """The base URL is plain http:// to a remote host: the API key would travel unencrypted."""


def _env_base_url() -> str | None:
    for name in ENV_BASE_URLS:
        value = os.environ.get(name)
        if value:
            return value
    return None


class BaseClient:
    """Configuration and request building, shared by the sync and async clients."""

    _default_base_url: str = "https://api.chaser.sh"
    # Whether close() closes the httpx client: False for one passed in, and for with_options() copies.
    _owns_http: bool

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        account: str | None,
        timeout: Timeout | NotGiven,
        max_retries: int | None,
        default_headers: Headers | None,
    ) -> None:
        setup_logging()
        api_key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        if not api_key or not api_key.strip():
            raise ConfigurationError(
                f"No API key: pass api_key=... or set {ENV_API_KEY}. Keys look like sk_...; create one with "
                "`chaser-core keys create` or in the Chaser dashboard."
            )
        self._api_key = api_key
        url = httpx.URL(str(base_url or _env_base_url() or self._default_base_url))
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigurationError(f"base_url must be an http(s) URL, got {str(url)!r}")
        if url.scheme == "http" and url.host not in _LOCAL_HOSTS and not _copying_same_url.get():
            warnings.warn(
                f"base_url {url} is not HTTPS: the API key would be sent unencrypted",
                InsecureBaseURLWarning,
                stacklevel=3,
            )
        self._base_url = url.copy_with(raw_path=url.raw_path.rstrip(b"/"))
        self._base_url_text = str(self._base_url)
        account = account if account is not None else os.environ.get(ENV_ACCOUNT)
        self._account = account.strip() or None if account else None
        if self._account is not None and not self._account.isascii():
            # X-Chaser-Account is an HTTP header, and httpx (rightly) sends only ASCII there.
            raise ConfigurationError(
                f"account {self._account!r} is not ASCII: pass the account's id instead of its name"
            )
        self._timeout: Timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
        self._max_retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
        if self._max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        self._custom_headers = dict(default_headers or {})
        self._default_headers = self._build_default_headers()

    # -- configuration, read-only -----------------------------------------------------------------

    @property
    def base_url(self) -> httpx.URL:
        return self._base_url

    @property
    def account(self) -> str | None:
        return self._account

    @property
    def timeout(self) -> Timeout:
        return self._timeout

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def api_key(self) -> str:
        """The API key. Never part of repr(), logs or exceptions."""
        return self._api_key

    def __repr__(self) -> str:
        account = f", account={self._account!r}" if self._account else ""
        return f"{type(self).__name__}(base_url={self._base_url_text!r}{account})"

    def _build_default_headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"chaser-core/{__version__} python/{platform.python_version()}",
            **self._custom_headers,
            "Authorization": f"Bearer {self._api_key}",
        }
        if self._account:
            headers[ACCOUNT_HEADER] = self._account
        return headers

    def _options_for_copy(self, **overrides: Any) -> dict[str, Any]:
        options = {
            "api_key": self._api_key,
            "base_url": self._base_url,
            "account": self._account,
            "timeout": self._timeout,
            "max_retries": self._max_retries,
            "default_headers": self._custom_headers,
        }
        options.update({key: value for key, value in overrides.items() if not isinstance(value, NotGiven)})
        if options["account"] is None:
            # None means "no account" here, not "fall back to CHASER_ACCOUNT": with_account(None)
            # must act personally even when the environment names an account.
            options["account"] = ""
        return options

    def with_options(
        self,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven = NOT_GIVEN,
        account: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Headers | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with some settings changed. It shares this client's connection pool."""
        token = _copying_same_url.set(isinstance(base_url, NotGiven))
        try:
            copy = self._copy_sharing_pool(
                self._options_for_copy(
                    api_key=api_key,
                    base_url=base_url,
                    account=account,
                    timeout=timeout,
                    max_retries=max_retries,
                    default_headers=default_headers,
                )
            )
        finally:
            _copying_same_url.reset(token)
        copy._owns_http = False
        return copy

    def with_account(self, account: str | None) -> Self:
        """A copy that acts in another account (sent as X-Chaser-Account); None means personal."""
        return self.with_options(account=account)

    def _copy_sharing_pool(self, options: dict[str, Any]) -> Self:
        """A new client of this class built from options, on this client's httpx client."""
        raise NotImplementedError

    # -- request building -------------------------------------------------------------------------

    def build_url(self, kwargs: Mapping[str, Any]) -> str:
        """The absolute URL of a request (for SSE clients and the official SDK's *_url helpers)."""
        url = httpx.URL(self._base_url_text + kwargs["url"])
        params = kwargs.get("params")
        return str(url.copy_merge_params(params)) if params else str(url)

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        kwargs: Mapping[str, Any],
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Body | None,
        timeout: Timeout | NotGiven,
    ) -> httpx.Request:
        headers: Mapping[str, str] = self._default_headers
        op_headers = kwargs.get("headers")
        if op_headers or extra_headers:
            # Merge case-insensitively: a dict merge would send extra_headers={"accept": ...}
            # next to our "Accept", i.e. the header twice.
            merged = httpx.Headers(headers)
            merged.update(op_headers or {})
            merged.update(extra_headers or {})
            headers = merged
        params = kwargs.get("params")
        if extra_query:
            params = {**(params or {}), **extra_query}
        json_body = kwargs.get("json")
        if extra_body:
            if json_body is not None and not isinstance(json_body, dict):
                raise TypeError("extra_body can only extend a JSON object body")
            json_body = {**(json_body or {}), **extra_body}
        content = kwargs.get("content")
        if json_body is not None:
            # Encode compactly ourselves: httpx's default separators add a space per item.
            content = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            if not any(name.lower() == "content-type" for name in headers):
                headers = {**headers, "Content-Type": "application/json"}
        request = http.build_request(
            kwargs["method"],
            self._base_url_text + kwargs["url"],
            params=params,
            headers=headers,
            content=content,
            data=kwargs.get("data"),
            files=kwargs.get("files"),
            cookies=kwargs.get("cookies"),
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
        )
        if _idempotency.REQUEST_KEY in kwargs:
            # Rides with the request (every attempt), for the debug log and APIResponse.idempotency_key.
            request.extensions[_idempotency.REQUEST_KEY] = kwargs[_idempotency.REQUEST_KEY]
        return request

    def _retries_for(self, max_retries: int | NotGiven) -> int:
        return self._max_retries if isinstance(max_retries, NotGiven) else max_retries

    # -- responses --------------------------------------------------------------------------------

    @staticmethod
    def _decode(response: httpx.Response, parser: Parser[T]) -> T:
        source = parser.source
        if source == "none":
            return None  # type: ignore[return-value]
        if source == "bytes":
            return response.content  # type: ignore[return-value]
        if source == "text":
            return response.text  # type: ignore[return-value]
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            content_type = response.headers.get("content-type", "no content type")
            raise APIResponseValidationError(
                f"the response body is not valid JSON ({content_type}: {exc})",
                response=response,
                body=response.text[:2000],
            ) from exc
        try:
            return parser(data)
        except ResponseShapeError as exc:
            raise APIResponseValidationError(
                f"the response body does not match the spec: {exc}", response=response, body=data
            ) from exc

    def _finish(self, response: httpx.Response, parser: Parser[T], retries_taken: int) -> T:
        if raw_response_mode.get():
            return make_api_response(response, parser, self._decode, retries_taken)  # type: ignore[return-value]
        return self._decode(response, parser)

    @staticmethod
    def _log_response(request: httpx.Request, response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(20):  # INFO
            logger.info(
                "%s %s -> %d in %.0f ms (request id %s)",
                request.method,
                request.url,
                response.status_code,
                (time.monotonic() - started) * 1000,
                response.headers.get("x-request-id", "-"),
            )

    @staticmethod
    def _log_request(request: httpx.Request, attempt: int) -> None:
        if logger.isEnabledFor(10):  # DEBUG
            key = request.extensions.get(_idempotency.REQUEST_KEY)
            logger.debug(
                "Sending %s %s (attempt %d%s) headers=%s",
                request.method,
                request.url,
                attempt + 1,
                f", idempotency key {key}" if key else "",
                redact_headers(request.headers),
            )

    @staticmethod
    def _retry_delay(
        request: httpx.Request,
        retries_left: bool,
        idempotent: bool,
        attempt: int,
        *,
        error: Exception | None = None,
        response: httpx.Response | None = None,
    ) -> float | None:
        """How long to wait before the next attempt, or None when this failure is final."""
        if not retries_left:
            return None
        if error is not None:
            if not _retry.should_retry_exception(error, idempotent=idempotent):
                return None
            delay, cause = _retry.retry_delay(attempt, None), type(error).__name__
        else:
            assert response is not None
            if not _retry.should_retry_status(response.status_code, idempotent=idempotent):
                return None
            delay, cause = _retry.retry_delay(attempt, response.headers), f"HTTP {response.status_code}"
        logger.info("Retrying %s %s in %.2fs after %s", request.method, request.url, delay, cause)
        return delay


def connection_error(exc: Exception, request: httpx.Request) -> APIConnectionError:
    """The typed error for an httpx failure that left us without a (complete) response."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {request.method} {request.url}", request=request)
    return APIConnectionError(f"Connection error: {type(exc).__name__}: {exc}", request=request)


def _timeout_of(timeout: Timeout | NotGiven, http_client: httpx.Client | httpx.AsyncClient | None) -> Timeout | NotGiven:
    """The client timeout: the argument, else the timeout set on a bring-your-own httpx client.

    An httpx client left at httpx's own default (5 s) gets ours instead, as if none was given.
    """
    if isinstance(timeout, NotGiven) and http_client is not None and http_client.timeout != HTTPX_DEFAULT_TIMEOUT:
        return http_client.timeout
    return timeout


class SyncAPIClient(BaseClient):
    """The synchronous core. Safe to share between threads (httpx.Client is)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        account: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            account=account,
            timeout=_timeout_of(timeout, http_client),
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(follow_redirects=True, limits=DEFAULT_CONNECTION_LIMITS)

    def _copy_sharing_pool(self, options: dict[str, Any]) -> Self:
        return type(self)(http_client=self._http, **options)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- sending ------------------------------------------------------------------------------------

    def _send(
        self,
        kwargs: Mapping[str, Any],
        *,
        idempotent: bool,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        stream: bool = False,
    ) -> tuple[httpx.Response, int]:
        """Send with retries. Returns a 2xx/3xx response and the number of retries taken."""
        retries_allowed = self._retries_for(max_retries)
        attempt = 0
        while True:
            request = self._build_request(self._http, kwargs, extra_headers, extra_query, extra_body, timeout)
            self._log_request(request, attempt)
            started = time.monotonic()
            try:
                response = self._http.send(request, stream=stream)
            except httpx.RequestError as exc:
                delay = self._retry_delay(request, attempt < retries_allowed, idempotent, attempt, error=exc)
                if delay is None:
                    raise connection_error(exc, request) from exc
            else:
                self._log_response(request, response, started)
                if response.status_code < 400:
                    return response, attempt
                delay = self._retry_delay(request, attempt < retries_allowed, idempotent, attempt, response=response)
                if delay is None:
                    if stream:
                        response.read()
                    response.close()
                    raise status_error_from_response(response)
                response.close()
            time.sleep(delay)
            attempt += 1

    def request(
        self,
        kwargs: Mapping[str, Any],
        parser: Parser[T],
        *,
        idempotent: bool,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> T:
        response, retries = self._send(
            kwargs,
            idempotent=idempotent,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._finish(response, parser, retries)

    def stream_response(self, kwargs: Mapping[str, Any], *, idempotent: bool, **options: Any) -> httpx.Response:
        """Send and return the response with its body not yet read (the caller closes it)."""
        response, _ = self._send(kwargs, idempotent=idempotent, stream=True, **options)
        return response

    def download(
        self, kwargs: Mapping[str, Any], destination: str | os.PathLike[str] | IO[bytes], *, idempotent: bool, **options: Any
    ) -> int:
        from ._files import write_stream

        response = self.stream_response(kwargs, idempotent=idempotent, **options)
        try:
            return write_stream(response.iter_bytes(), destination)
        except httpx.RequestError as exc:
            # The body broke off: a typed error, not a bare httpx one (the partial file is gone).
            raise connection_error(exc, response.request) from exc
        finally:
            response.close()


class AsyncAPIClient(BaseClient):
    """The asyncio core (any anyio backend works)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        account: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            account=account,
            timeout=_timeout_of(timeout, http_client),
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(follow_redirects=True, limits=DEFAULT_CONNECTION_LIMITS)

    def _copy_sharing_pool(self, options: dict[str, Any]) -> Self:
        return type(self)(http_client=self._http, **options)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(
        self,
        kwargs: Mapping[str, Any],
        *,
        idempotent: bool,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        stream: bool = False,
    ) -> tuple[httpx.Response, int]:
        retries_allowed = self._retries_for(max_retries)
        attempt = 0
        while True:
            request = self._build_request(self._http, kwargs, extra_headers, extra_query, extra_body, timeout)
            self._log_request(request, attempt)
            started = time.monotonic()
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.RequestError as exc:
                delay = self._retry_delay(request, attempt < retries_allowed, idempotent, attempt, error=exc)
                if delay is None:
                    raise connection_error(exc, request) from exc
            else:
                self._log_response(request, response, started)
                if response.status_code < 400:
                    return response, attempt
                delay = self._retry_delay(request, attempt < retries_allowed, idempotent, attempt, response=response)
                if delay is None:
                    if stream:
                        await response.aread()
                    await response.aclose()
                    raise status_error_from_response(response)
                await response.aclose()
            await anyio.sleep(delay)
            attempt += 1

    async def request(
        self,
        kwargs: Mapping[str, Any],
        parser: Parser[T],
        *,
        idempotent: bool,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> T:
        response, retries = await self._send(
            kwargs,
            idempotent=idempotent,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._finish(response, parser, retries)

    async def stream_response(self, kwargs: Mapping[str, Any], *, idempotent: bool, **options: Any) -> httpx.Response:
        response, _ = await self._send(kwargs, idempotent=idempotent, stream=True, **options)
        return response

    async def download(
        self, kwargs: Mapping[str, Any], destination: str | os.PathLike[str] | IO[bytes], *, idempotent: bool, **options: Any
    ) -> int:
        from ._files import async_write_stream

        response = await self.stream_response(kwargs, idempotent=idempotent, **options)
        try:
            return await async_write_stream(response.aiter_bytes(), destination)
        except httpx.RequestError as exc:
            raise connection_error(exc, response.request) from exc
        finally:
            await response.aclose()
