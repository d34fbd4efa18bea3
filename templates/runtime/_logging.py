"""Logging through the standard library: logger "chaser_core", configured by CHASER_LOG.

CHASER_LOG=info logs one line per request (method, URL, status, elapsed time, request id);
CHASER_LOG=debug adds each attempt, retries and the request headers. Wherever a credential
travels, it is redacted: Authorization, cookies, and each header and query parameter that a
security scheme of the spec names (`_security`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from typing import TYPE_CHECKING

from ._env import ENV_LOG
from ._security import SENSITIVE_HEADERS as SCHEME_HEADERS
from ._security import SENSITIVE_PARAMS

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("chaser_core")

# Mcp-Session-Id (the MCP bridge) identifies a session with the API: anyone holding it may act in it.
SENSITIVE_HEADERS = (
    frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "mcp-session-id"}) | SCHEME_HEADERS
)
REDACTED = "<redacted>"
_configured = False


def setup_logging() -> None:
    """Honour CHASER_LOG once per process. Does nothing when the variable is unset."""
    global _configured
    if _configured:
        return
    _configured = True
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get(ENV_LOG, "").strip().lower())
    if level is None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers with lower-case names (as HTTP/2 and httpx show them) and secrets redacted."""
    return {
        name.lower(): REDACTED if name.lower() in SENSITIVE_HEADERS else value for name, value in headers.items()
    }


def redact_url(url: str | httpx.URL) -> str:
    """The URL with the value of each query parameter that carries a credential redacted."""
    text = str(url)
    if not SENSITIVE_PARAMS or "?" not in text:
        return text
    import httpx  # loaded already by whoever sent the request

    parsed = httpx.URL(text)
    if not any(name in parsed.params for name in SENSITIVE_PARAMS):
        return text
    params = [(name, REDACTED if name in SENSITIVE_PARAMS else value) for name, value in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params))
