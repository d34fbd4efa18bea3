"""Logging through the standard library: logger "chaser_core", configured by CHASER_LOG.

CHASER_LOG=info logs one line per request (method, URL, status, elapsed time, request id);
CHASER_LOG=debug adds each attempt, retries and the request headers. The Authorization
header, the only place the API key travels, is always redacted.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from ._env import ENV_LOG

logger = logging.getLogger("chaser_core")

# Mcp-Session-Id (the MCP bridge) identifies a session with the API: anyone holding it may act in it.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "mcp-session-id"})
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
        name.lower(): "<redacted>" if name.lower() in SENSITIVE_HEADERS else value
        for name, value in headers.items()
    }
