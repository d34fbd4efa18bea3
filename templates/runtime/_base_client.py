"""The client core shared by `Chaser` and `AsyncChaser`.

Generated resource methods build their request with the low-level layer's `_get_kwargs` (the
method, URL, query, headers and body openapi-python-client derived from the spec) and hand it,
with the caller's `RequestOptions`, to `request()`, `download()`, or through `_pagination` and
`_streaming` to `send_request()`. This module adds the credentials the operation's security
asks for (`_auth`), the Accept header of its success media types, and what the spec does not
say: the account header, per-call options, retries, timeouts, logging, typed errors and response
parsing. A transport (`_transport`) carries each prepared request: httpx, or aiohttp.

The internal API that the other runtime modules use: `send_request()` (send with retries, the
response and the retries it took), `parse_response()` (a response's typed value) and
`build_url()`. The sync and async cores are twins, line for line (tests/sdk/test_twins.py).
"""

from __future__ import annotations

import json
import os
import platform
import time
import warnings
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

import anyio
import httpx

from . import _auth, _idempotency, _retry, _wire
from ._constants import (
    ACCOUNT_HEADER,
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    HTTPX_DEFAULT_TIMEOUT,
)
from ._env import ENV_ACCOUNT, ENV_BASE_URLS
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ConfigurationError,
    status_error_from_response,
)
from ._logging import logger, redact_headers, redact_url, setup_logging
from ._parsing import Parser, ResponseShapeError
from ._response import make_api_response, take_raw_flag
from ._security import DEFAULT_SECURITY, SCHEMES
from ._transport import (
    AsyncHttpxTransport,
    AsyncTransport,
    PreparedRequest,
    SyncHttpxTransport,
    SyncTransport,
    pool_size_of,
)
from ._types import NOT_GIVEN, Headers, NotGiven, RequestOptions, Timeout
from ._version import __version__

if TYPE_CHECKING:
    from typing import Self

T = TypeVar("T")

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_NO_OPTIONS = RequestOptions()


class InsecureBaseURLWarning(UserWarning):
    """The base URL is plain http:// to a remote host: the credentials would travel unencrypted."""


def _env_base_url() -> str | None:
    for name in ENV_BASE_URLS:
        value = os.environ.get(name)
        if value:
            return value
    return None


class BaseClient:
    """Configuration and request building, shared by the sync and async clients."""

    _default_base_url: str = "https://api.chaser.sh"
    # Whether close() closes the transport: False for with_options() copies, which share it.
    _owns_transport: bool

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | httpx.URL | None,
        account: str | None,
        timeout: Timeout | NotGiven,
        max_retries: int | None,
        default_headers: Headers | None,
    ) -> None:
        setup_logging()
        self._configure(
            credentials=_auth.read_credentials(SCHEMES, credentials),
            base_url=base_url or _env_base_url() or self._default_base_url,
            account=account if account is not None else os.environ.get(ENV_ACCOUNT),
            timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout,
            max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
            default_headers=default_headers,
            # The caller's frame: _configure, this, the core's __init__, the generated client's.
            warn_insecure=5,
        )

    def _configure(
        self,
        *,
        credentials: _auth.Credentials,
        base_url: str | httpx.URL,
        account: str | None,
        timeout: Timeout,
        max_retries: int,
        default_headers: Headers | None,
        warn_insecure: int,
    ) -> None:
        """warn_insecure: the stack level of the caller to warn about a plain http:// URL; 0: none."""
        self._credentials = credentials
        url = httpx.URL(str(base_url))
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigurationError(f"base_url must be an http(s) URL, got {str(url)!r}")
        if warn_insecure and url.scheme == "http" and url.host not in _LOCAL_HOSTS:
            warnings.warn(
                f"base_url {url} is not HTTPS: the API key would be sent unencrypted",
                InsecureBaseURLWarning,
                stacklevel=warn_insecure,
            )
        self._base_url = url.copy_with(raw_path=url.raw_path.rstrip(b"/"))
        self._base_url_text = str(self._base_url)
        self._account = account.strip() or None if account else None
        if self._account is not None and not self._account.isascii():
            # X-Chaser-Account is an HTTP header, and httpx (rightly) sends only ASCII there.
            raise ConfigurationError(
                f"account {self._account!r} is not ASCII: pass the account's id instead of its name"
            )
        self._timeout = timeout
        self._max_retries = max_retries
        if self._max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        self._custom_headers = dict(default_headers or {})
        self._explicit_headers = frozenset(name.lower() for name in self._custom_headers)
        # What the document's security asks of every operation without its own is checked now,
        # not answered with a 401 later (docs/policies.md, "Authentication"); a header of the
        # caller's own replaces the one a credential makes, but the credential is still needed.
        chosen = _auth.choose(DEFAULT_SECURITY, SCHEMES, credentials)
        if chosen is None:
            raise ConfigurationError(_missing_credentials(DEFAULT_SECURITY, "this client"))
        self._default_wire = _auth.wire(chosen, credentials, self._explicit_headers)
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

    def _credential(self, argument: str) -> str | None:
        """A credential the client holds (the generated properties read it). Never part of
        repr(), logs or exceptions."""
        return self._credentials.get(argument)

    def __repr__(self) -> str:
        account = f", account={self._account!r}" if self._account else ""
        return f"{type(self).__name__}(base_url={self._base_url_text!r}{account})"

    def _build_default_headers(self) -> dict[str, str]:
        """The headers of an operation with the default Accept and security: ours first, then
        the caller's default_headers, which win (an explicit header wins)."""
        headers = {
            "Accept": "application/json",
            "User-Agent": f"chaser-core/{__version__} python/{platform.python_version()}",
            **self._default_wire.headers,
        }
        if self._account:
            headers[ACCOUNT_HEADER] = self._account
        return _merge_headers(headers, self._custom_headers)

    def _copy_with(
        self,
        *,
        credentials: Mapping[str, str | NotGiven],
        base_url: str | httpx.URL | NotGiven = NOT_GIVEN,
        account: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Headers | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with some settings changed (the generated with_options()). It shares this
        client's connection pool."""
        held: dict[str, str | None] = {**self._credentials.as_arguments()}
        for argument, value in credentials.items():
            if not isinstance(value, NotGiven):
                held[argument] = value
        copy = object.__new__(type(self))
        copy._configure(
            credentials=_auth.usable(SCHEMES, held),
            base_url=self._base_url if isinstance(base_url, NotGiven) else base_url,
            # None means "no account" here, not "fall back to CHASER_ACCOUNT": with_account(None)
            # must act personally even when the environment names an account.
            account=self._account if isinstance(account, NotGiven) else account,
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self._max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=self._custom_headers
            if isinstance(default_headers, NotGiven)
            else default_headers,
            # The original warned about its own URL already; the caller's frame is with_options'.
            warn_insecure=0 if isinstance(base_url, NotGiven) else 4,
        )
        copy._share_transport_of(self)
        return copy

    def with_account(self, account: str | None) -> Self:
        """A copy that acts in another account (sent as X-Chaser-Account); None means personal."""
        return self._copy_with(credentials={}, account=account)

    def _share_transport_of(self, original: Self) -> None:
        raise NotImplementedError

    # -- request building -------------------------------------------------------------------------

    def build_url(self, kwargs: Mapping[str, Any]) -> str:
        """The absolute URL of a request (for SSE clients and the official SDK's *_url helpers)."""
        url = httpx.URL(self._base_url_text + kwargs["url"])
        params = kwargs.get("params")
        return str(url.copy_merge_params(params)) if params else str(url)

    def _prepare(self, kwargs: Mapping[str, Any], options: RequestOptions) -> PreparedRequest:
        """The request of one call, as every attempt sends it."""
        headers: Mapping[str, str] = self._default_headers
        params = kwargs.get("params")
        cookies = kwargs.get("cookies")
        accept = kwargs.get(_auth.ACCEPT_KEY)
        security = kwargs.get(_auth.SECURITY_KEY)
        op_headers = kwargs.get("headers")
        if security is not None or self._default_wire.params or self._default_wire.cookies:
            # Credentials other than the client's default headers: the operation's own security,
            # or a key that travels in the query or a cookie.
            headers, params, cookies = self._with_credentials(security, params, cookies, options)
        if accept is not None:
            op_headers = {"Accept": accept, **(op_headers or {})} if "accept" not in self._explicit_headers else op_headers
        if op_headers or options.extra_headers:
            headers = _merge_headers(headers, op_headers or {}, options.extra_headers or {})
        url = self._base_url_text + kwargs["url"]
        if options.extra_query:
            params = {**(params or {}), **options.extra_query}
        if params:
            # A path may carry a fixed query of its own (`/responses?beta=true`): append to it.
            reserved = kwargs.get(_wire.RESERVED_QUERY)
            # Parameters the spec marks allowReserved keep their reserved characters (_wire).
            query = _wire.query_of(params, reserved) if reserved else str(httpx.QueryParams(params))
            url += ("&" if "?" in kwargs["url"] else "?") + query
        json_body = kwargs.get("json")
        content: bytes | None = kwargs.get("content")
        form_rules = kwargs.get(_wire.FORM_RULES)
        if form_rules is not None:
            # A form body, written by the spec's `encoding` rules (chaser_core._wire); extra_body
            # adds fields to it.
            data = {**(kwargs.get("data") or {}), **(options.extra_body or {})}
            content = _wire.form_body(data, form_rules) or None
            if content is not None:
                headers = _merge_headers(headers, {"Content-Type": "application/x-www-form-urlencoded"})
        elif options.extra_body:
            if json_body is not None and not isinstance(json_body, dict):
                raise TypeError("extra_body can only extend a JSON object body")
            json_body = {**(json_body or {}), **options.extra_body}
        if json_body is not None:
            # Encode compactly ourselves: httpx's default separators add a space per item.
            content = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            if not any(name.lower() == "content-type" for name in headers):
                headers = {**headers, "Content-Type": "application/json"}
        elif cookies or (form_rules is None and any(kwargs.get(name) for name in ("data", "files"))):
            # Multipart uploads, forms the spec gives no rules for, and cookies (a credential may
            # travel in one) are encoded by httpx, once, for every transport; a form written by
            # the spec's rules above keeps its body.
            by_httpx = form_rules is None
            encoded = httpx.Request(
                "POST",
                url,
                data=kwargs.get("data") if by_httpx else None,
                files=kwargs.get("files") if by_httpx else None,
                cookies=cookies,
            )
            if by_httpx:
                content = encoded.read() or None
            names = ("Content-Type", "Cookie") if by_httpx else ("Cookie",)
            encoding = {name: encoded.headers[name] for name in names if name in encoded.headers}
            headers = _merge_headers(headers, encoding)
        timeout = self._timeout if isinstance(options.timeout, NotGiven) else options.timeout
        # An idempotency key rides with the request (every attempt): for the debug log and
        # APIResponse.idempotency_key.
        key = kwargs.get(_idempotency.REQUEST_KEY)
        return PreparedRequest(kwargs["method"].upper(), url, headers, content, timeout, key)

    def _with_credentials(
        self, security: _auth.Security | None, params: Any, cookies: Any, options: RequestOptions
    ) -> tuple[Mapping[str, str], Any, Any]:
        """The headers, query and cookies of a request that needs other credentials than the
        client's default headers carry."""
        wire = self._default_wire
        headers: Mapping[str, str] = self._default_headers
        if security is not None:
            explicit = self._explicit_headers
            if options.extra_headers:
                explicit = explicit | {name.lower() for name in options.extra_headers}
            chosen = _auth.choose(security, SCHEMES, self._credentials, explicit)
            if chosen is None:
                raise ConfigurationError(_missing_credentials(security, "this operation"))
            wire = _auth.wire(chosen, self._credentials, explicit)
            # The default credentials' headers go, this operation's come, the caller's still win.
            dropped = {name.lower() for name in self._default_wire.headers}
            headers = {name: value for name, value in headers.items() if name.lower() not in dropped}
            headers = _merge_headers(headers, wire.headers, self._custom_headers)
        if wire.params:
            params = {**wire.params, **(params or {})}
        if wire.cookies:
            cookies = {**wire.cookies, **(cookies or {})}
        return headers, params, cookies

    def _retries_for(self, options: RequestOptions) -> int:
        return self._max_retries if isinstance(options.max_retries, NotGiven) else options.max_retries

    # -- responses --------------------------------------------------------------------------------

    @staticmethod
    def parse_response(response: httpx.Response, parser: Parser[T]) -> T:
        """The typed value of a successful response (APIResponseValidationError if it has none)."""
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

    def _finish(self, response: httpx.Response, parser: Parser[T], retries_taken: int, raw: bool) -> T:
        if raw:
            return make_api_response(response, parser, self.parse_response, retries_taken)  # type: ignore[return-value]
        return self.parse_response(response, parser)

    # -- logging and retry decisions -----------------------------------------------------------------

    @staticmethod
    def _log_response(request: PreparedRequest, response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(20):  # INFO
            logger.info(
                "%s %s -> %d in %.0f ms (request id %s)",
                request.method,
                redact_url(request.url),
                response.status_code,
                (time.monotonic() - started) * 1000,
                response.headers.get("x-request-id", "-"),
            )

    @staticmethod
    def _log_request(request: PreparedRequest, attempt: int) -> None:
        if logger.isEnabledFor(10):  # DEBUG
            key = request.idempotency_key
            logger.debug(
                "Sending %s %s (attempt %d%s) headers=%s",
                request.method,
                redact_url(request.url),
                attempt + 1,
                f", idempotency key {key}" if key else "",
                redact_headers(request.headers),
            )

    @staticmethod
    def _should_retry(
        retries_left: bool,
        idempotent: bool,
        *,
        error: Exception | None = None,
        response: httpx.Response | None = None,
    ) -> bool:
        """Whether this failure (a transport error, or a 4xx/5xx response) earns another attempt."""
        if not retries_left:
            return False
        if error is not None:
            return _retry.should_retry_exception(error, idempotent=idempotent)
        assert response is not None
        return _retry.should_retry_status(response.status_code, idempotent=idempotent)

    @staticmethod
    def _retry_wait(
        request: PreparedRequest,
        attempt: int,
        *,
        error: Exception | None = None,
        response: httpx.Response | None = None,
    ) -> float:
        """How long to wait before the next attempt (what the response asks for, or backoff)."""
        if response is not None:
            delay, cause = _retry.retry_delay(attempt, response.headers), f"HTTP {response.status_code}"
        else:
            delay, cause = _retry.retry_delay(attempt, None), type(error).__name__
        logger.info("Retrying %s %s in %.2fs after %s", request.method, redact_url(request.url), delay, cause)
        return delay


def _missing_credentials(security: _auth.Security, what: str) -> str:
    return _auth.missing_message(security, SCHEMES, what)


def _merge_headers(headers: Mapping[str, str], *updates: Mapping[str, str]) -> dict[str, str]:
    """Headers with updates applied case-insensitively: a plain dict merge would send
    extra_headers={"accept": ...} next to our "Accept", i.e. the header twice."""
    merged = dict(headers)
    names = {name.lower(): name for name in merged}
    for update in updates:
        for name, value in update.items():
            previous = names.get(name.lower())
            if previous is not None:
                del merged[previous]
            merged[name] = value
            names[name.lower()] = name
    return merged


def connection_error(exc: httpx.RequestError) -> APIConnectionError:
    """The typed error for a transport failure that left us without a (complete) response."""
    request = exc.request
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {request.method} {redact_url(request.url)}", request=request)
    return APIConnectionError(f"Connection error: {type(exc).__name__}: {exc}", request=request)


def _timeout_of(
    timeout: Timeout | NotGiven, http_client: httpx.Client | httpx.AsyncClient | None
) -> Timeout | NotGiven:
    """The client timeout: the argument, else the timeout set on a bring-your-own httpx client.

    An httpx client left at httpx's own default (5 s) gets ours instead, as if none was given.
    """
    if (
        isinstance(timeout, NotGiven)
        and http_client is not None
        and http_client.timeout != HTTPX_DEFAULT_TIMEOUT
    ):
        return http_client.timeout
    return timeout


def _connection_limit(
    max_connections: int | None, http_client: httpx.Client | httpx.AsyncClient | None
) -> int | None:
    """How many requests may be in flight at once: the argument, else the pool's size."""
    if max_connections is not None:
        if max_connections < 1:
            raise ConfigurationError("max_connections must be 1 or more")
        return max_connections
    if http_client is not None:
        return pool_size_of(http_client)
    return DEFAULT_CONNECTION_LIMITS.max_connections


def _limits(max_connections: int) -> httpx.Limits:
    return httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=min(
            max_connections, DEFAULT_CONNECTION_LIMITS.max_keepalive_connections or 0
        ),
        keepalive_expiry=DEFAULT_CONNECTION_LIMITS.keepalive_expiry,
    )


class SyncAPIClient(BaseClient):
    """The synchronous core. Safe to share between threads (httpx.Client is)."""

    _transport: SyncTransport

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None] | None = None,
        base_url: str | httpx.URL | None = None,
        account: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        max_connections: int | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            credentials=credentials or {},
            base_url=base_url,
            account=account,
            timeout=_timeout_of(timeout, http_client),
            max_retries=max_retries,
            default_headers=default_headers,
        )
        limit = _connection_limit(max_connections, http_client)
        if http_client is None:
            assert limit is not None
            http_client = httpx.Client(follow_redirects=True, limits=_limits(limit))
            self._transport = SyncHttpxTransport(http_client, owned=True, max_connections=limit)
        else:
            self._transport = SyncHttpxTransport(http_client, owned=False, max_connections=limit)
        self._owns_transport = True

    def _share_transport_of(self, original: Self) -> None:
        self._transport = original._transport
        self._owns_transport = False

    def close(self) -> None:
        if self._owns_transport:
            self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- sending ------------------------------------------------------------------------------------

    def send_request(
        self,
        kwargs: Mapping[str, Any],
        options: RequestOptions = _NO_OPTIONS,
        *,
        idempotent: bool,
        stream: bool = False,
    ) -> tuple[httpx.Response, int]:
        """Send with retries. Returns a 2xx/3xx response and the number of retries taken; a
        streamed response's body is still to read (the caller closes it)."""
        request = self._prepare(kwargs, options)
        retries_allowed = self._retries_for(options)
        attempt = 0
        while True:
            self._log_request(request, attempt)
            started = time.monotonic()
            try:
                response = self._transport.send(request, stream=stream)
            except httpx.RequestError as exc:
                if not self._should_retry(attempt < retries_allowed, idempotent, error=exc):
                    raise connection_error(exc) from exc
                delay = self._retry_wait(request, attempt, error=exc)
            else:
                self._log_response(request, response, started)
                if response.status_code < 400:
                    return response, attempt
                if not self._should_retry(attempt < retries_allowed, idempotent, response=response):
                    if stream:
                        response.read()
                    response.close()
                    raise status_error_from_response(response)
                response.close()
                delay = self._retry_wait(request, attempt, response=response)
            time.sleep(delay)
            attempt += 1

    def request(
        self,
        kwargs: Mapping[str, Any],
        parser: Parser[T],
        options: RequestOptions = _NO_OPTIONS,
        *,
        idempotent: bool,
    ) -> T:
        # A raw call (with_raw_response) asks for its APIResponse with a flag in extra_headers.
        raw, options = take_raw_flag(options)
        response, retries = self.send_request(kwargs, options, idempotent=idempotent)
        return self._finish(response, parser, retries, raw)

    def download(
        self,
        kwargs: Mapping[str, Any],
        destination: str | os.PathLike[str] | IO[bytes],
        options: RequestOptions = _NO_OPTIONS,
        *,
        idempotent: bool,
    ) -> int:
        from ._files import write_stream

        response, _ = self.send_request(kwargs, options, idempotent=idempotent, stream=True)
        try:
            return write_stream(response.iter_bytes(), destination)
        except httpx.RequestError as exc:
            # The body broke off: a typed error, not a bare httpx one (the partial file is gone).
            raise connection_error(exc) from exc
        finally:
            response.close()


class AsyncAPIClient(BaseClient):
    """The asyncio core (with the httpx transport, any anyio backend works)."""

    _transport: AsyncTransport

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None] | None = None,
        base_url: str | httpx.URL | None = None,
        account: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        max_connections: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: Literal["httpx", "aiohttp"] = "httpx",
    ) -> None:
        super().__init__(
            credentials=credentials or {},
            base_url=base_url,
            account=account,
            timeout=_timeout_of(timeout, http_client),
            max_retries=max_retries,
            default_headers=default_headers,
        )
        limit = _connection_limit(max_connections, http_client)
        if transport == "aiohttp":
            self._transport = _aiohttp_transport(limit, http_client)
        elif transport != "httpx":
            raise ConfigurationError(f"transport must be 'httpx' or 'aiohttp', got {transport!r}")
        elif http_client is None:
            assert limit is not None
            http_client = httpx.AsyncClient(follow_redirects=True, limits=_limits(limit))
            self._transport = AsyncHttpxTransport(http_client, owned=True, max_connections=limit)
        else:
            self._transport = AsyncHttpxTransport(http_client, owned=False, max_connections=limit)
        self._owns_transport = True

    def _share_transport_of(self, original: Self) -> None:
        self._transport = original._transport
        self._owns_transport = False

    async def close(self) -> None:
        if self._owns_transport:
            await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- sending ------------------------------------------------------------------------------------

    async def send_request(
        self,
        kwargs: Mapping[str, Any],
        options: RequestOptions = _NO_OPTIONS,
        *,
        idempotent: bool,
        stream: bool = False,
    ) -> tuple[httpx.Response, int]:
        """Send with retries. Returns a 2xx/3xx response and the number of retries taken; a
        streamed response's body is still to read (the caller closes it)."""
        request = self._prepare(kwargs, options)
        retries_allowed = self._retries_for(options)
        attempt = 0
        while True:
            self._log_request(request, attempt)
            started = time.monotonic()
            try:
                response = await self._transport.send(request, stream=stream)
            except httpx.RequestError as exc:
                if not self._should_retry(attempt < retries_allowed, idempotent, error=exc):
                    raise connection_error(exc) from exc
                delay = self._retry_wait(request, attempt, error=exc)
            else:
                self._log_response(request, response, started)
                if response.status_code < 400:
                    return response, attempt
                if not self._should_retry(attempt < retries_allowed, idempotent, response=response):
                    if stream:
                        await response.aread()
                    await response.aclose()
                    raise status_error_from_response(response)
                await response.aclose()
                delay = self._retry_wait(request, attempt, response=response)
            await anyio.sleep(delay)
            attempt += 1

    async def request(
        self,
        kwargs: Mapping[str, Any],
        parser: Parser[T],
        options: RequestOptions = _NO_OPTIONS,
        *,
        idempotent: bool,
    ) -> T:
        # A raw call (with_raw_response) asks for its APIResponse with a flag in extra_headers.
        raw, options = take_raw_flag(options)
        response, retries = await self.send_request(kwargs, options, idempotent=idempotent)
        return self._finish(response, parser, retries, raw)

    async def download(
        self,
        kwargs: Mapping[str, Any],
        destination: str | os.PathLike[str] | IO[bytes],
        options: RequestOptions = _NO_OPTIONS,
        *,
        idempotent: bool,
    ) -> int:
        from ._files import async_write_stream

        response, _ = await self.send_request(kwargs, options, idempotent=idempotent, stream=True)
        try:
            return await async_write_stream(response.aiter_bytes(), destination)
        except httpx.RequestError as exc:
            # The body broke off: a typed error, not a bare httpx one (the partial file is gone).
            raise connection_error(exc) from exc
        finally:
            await response.aclose()


def _aiohttp_transport(limit: int | None, http_client: httpx.AsyncClient | None) -> AsyncTransport:
    if http_client is not None:
        raise ConfigurationError("transport='aiohttp' brings its own connections: pass no http_client")
    try:
        from ._aiohttp import AiohttpTransport
    except ImportError as exc:
        raise ConfigurationError(
            'transport="aiohttp" needs the aiohttp extra: pip install "chaser-core[aiohttp]"'
        ) from exc
    assert limit is not None
    return AiohttpTransport(
        max_connections=limit, keepalive_expiry=DEFAULT_CONNECTION_LIMITS.keepalive_expiry
    )
