"""When to retry a request, and how long to wait first.

The policy (docs/policies.md, "Retries"): retry connection failures, 408, 429 and 5xx, with exponential
backoff from 0.5 s up to 8 s and jitter, unless the response says when to come back
(`retry-after-ms`, or `Retry-After` in seconds or as an HTTP-date; RFC 9110 section 10.2.3),
which we honour up to 60 s. A request that is not idempotent (a POST that could, say, create a
second session) is only retried when it provably never reached the server: the connection was
never made, or the server refused it with 429 before doing anything.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable

import httpx

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

# The methods RFC 9110 (section 9.2.2) defines as idempotent: a request that may have reached the
# server is resent only with one of these (or an idempotency key). `chaser-core api` reads it, and
# the code generator marks the generated methods from it.
IDEMPOTENT_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE")

# Failures that happen before a single byte of the request left this machine.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures a second attempt can cure (unlike, say, httpx.UnsupportedProtocol).
TRANSIENT = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ProxyError)


def retry_after_seconds(headers: httpx.Headers, *, now: Callable[[], float] = time.time) -> float | None:
    """The delay a response asks for, from retry-after-ms or Retry-After, or None."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return max(email.utils.mktime_tz(parsed) - now(), 0.0)


def backoff_delay(retries_taken: int, *, rand: Callable[[], float] | None = None) -> float:
    """Exponential backoff with up to 25% downward jitter: 0.5, 1, 2, 4, 8, 8, ... seconds."""
    delay = min(INITIAL_RETRY_DELAY * (2.0**retries_taken), MAX_RETRY_DELAY)
    # random.random is looked up per call (not bound as a default) so a test can pin the jitter.
    jitter = random.random() if rand is None else rand()
    return delay * (1.0 - 0.25 * jitter)


def retry_delay(retries_taken: int, headers: httpx.Headers | None) -> float:
    if headers is not None:
        asked = retry_after_seconds(headers)
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER)
    return backoff_delay(retries_taken)


def should_retry_status(status_code: int, *, idempotent: bool) -> bool:
    if status_code == 429:
        # Rate limited: the server refused the request without acting on it.
        return True
    if status_code == 408 or status_code >= 500:
        return idempotent
    return False


def should_retry_exception(exc: Exception, *, idempotent: bool) -> bool:
    if isinstance(exc, NEVER_SENT):
        return True
    # Read or write failures and read timeouts: the server may have acted on the request.
    return idempotent and isinstance(exc, TRANSIENT)
