"""Types shared by the generated methods and the runtime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, TypeAlias

import httpx

from ._api.types import UNSET, File, Unset

__all__ = [
    "NOT_GIVEN",
    "UNSET",
    "Body",
    "File",
    "Headers",
    "NotGiven",
    "Query",
    "RequestOptions",
    "Timeout",
    "Unset",
]

# One "not given" marker for everything: UNSET, the low-level layer's, marks a field or an option
# the caller left out (None is a meaningful value of both: a null field, no timeout at all).
# NOT_GIVEN and NotGiven are the names the per-call options have always used for it.
NotGiven: TypeAlias = Unset
NOT_GIVEN = UNSET

Headers: TypeAlias = Mapping[str, str]
Query: TypeAlias = Mapping[str, Any]
Body: TypeAlias = Mapping[str, Any]
Timeout: TypeAlias = float | httpx.Timeout | None


class RequestOptions(NamedTuple):
    """The per-call options of one method call (`extra_headers=`, `timeout=`, ...).

    A NamedTuple rather than a frozen dataclass: every method call builds one, and a tuple is
    built several times faster.
    """

    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Body | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
