"""Defaults of the client. docs/policies.md ("Retries") fixes the retry numbers; _retry.py applies them."""

from __future__ import annotations

import httpx

DEFAULT_MAX_RETRIES = 2
# A generous read timeout: exec and self-test calls legitimately take tens of seconds.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
# httpx's own default: a bring-your-own client still at it gets DEFAULT_TIMEOUT instead.
HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
DEFAULT_CONNECTION_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

ACCOUNT_HEADER = "X-Chaser-Account"
