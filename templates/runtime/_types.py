"""Types shared by the generated methods and the runtime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

import httpx

from ._api.types import UNSET, File, Unset

__all__ = ["NOT_GIVEN", "UNSET", "Body", "File", "Headers", "NotGiven", "Query", "Timeout", "Unset"]


class NotGiven:
    """Sentinel for per-call options the caller did not pass (None is a meaningful timeout)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Headers: TypeAlias = Mapping[str, str]
Query: TypeAlias = Mapping[str, Any]
Body: TypeAlias = Mapping[str, Any]
Timeout: TypeAlias = float | httpx.Timeout | None
