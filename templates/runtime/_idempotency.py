"""Idempotency keys: what makes a create safe to retry (docs/policies.md, "Retries").

The overlay marks the body field or header that carries an operation's key (x-chaser-idempotency-key).
The generated method fills it once per call, with a fresh UUID4 when the caller gives none, and
every attempt of that call sends the same key, so the server acts on it once; that is why the
client may retry such an operation after a 5xx or a timeout, like a GET. The key travels with the
request description to the transport, which writes it to the debug log and to the raw response
(`APIResponse.idempotency_key`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ._types import Headers, Unset

# The entry of a request description (the low-level layer's kwargs) that carries the key. The
# transport reads it for the log and the raw response; it is never sent as such.
REQUEST_KEY = "chaser_idempotency_key"


def new_key() -> str:
    return str(uuid.uuid4())


def key_for(value: str | Unset, overrides: Mapping[str, Any] | None, name: str, *, header: bool = False) -> str:
    """The key a call sends in the field or header `name`: the one in its per-call overrides
    (extra_body or extra_headers, which win on the wire), else the caller's, else a new one."""
    for given_name, given in (overrides or {}).items():
        if (given_name.lower() == name.lower() if header else given_name == name) and isinstance(given, str):
            return given
    return new_key() if isinstance(value, Unset) else value


def header_key(extra_headers: Headers | None, name: str) -> tuple[Headers, str]:
    """extra_headers with the key header set (kept when the caller set it), and the key."""
    for header, value in (extra_headers or {}).items():
        if header.lower() == name.lower():
            return dict(extra_headers or {}), value
    key = new_key()
    return {**(extra_headers or {}), name: key}, key


def with_key(kwargs: dict[str, Any], key: str) -> dict[str, Any]:
    """A request description that carries its idempotency key to the transport."""
    return {**kwargs, REQUEST_KEY: key}
