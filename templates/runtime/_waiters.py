"""Polling helpers such as `sessions.wait_until_ready`, described by x-chaser-waiters in the overlay.

A waiter calls the read operation every `interval` seconds (0 polls again at once, as tight
test loops want) and looks at one field (`status`).
It returns the object when the field reaches a success state (or leaves the pending states),
raises `WaiterFailedError` on a failure state, and `WaiterTimeoutError` when `timeout` passes.
States compare case-insensitively, and an unknown state simply means "keep waiting".
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import anyio

from ._exceptions import WaiterFailedError, WaiterTimeoutError

T = TypeVar("T")

DEFAULT_WAIT_TIMEOUT = 120.0
DEFAULT_WAIT_INTERVAL = 1.0


@dataclass(frozen=True)
class WaiterSpec:
    name: str
    field: str
    success: frozenset[str] = frozenset()
    failure: frozenset[str] = frozenset()
    pending: frozenset[str] = frozenset()

    def state_of(self, value: Any) -> str | None:
        state = getattr(value, self.field, None)
        if isinstance(state, Enum):
            state = state.value
        return state.lower() if isinstance(state, str) else None

    def outcome(self, value: Any) -> str:
        """'done', 'failed' or 'waiting'."""
        state = self.state_of(value)
        if state is None:
            return "waiting"
        if state in self.failure:
            return "failed"
        if state in self.success:
            return "done"
        if self.pending and state not in self.pending:
            return "done"
        return "waiting"


def _check(interval: float, timeout: float) -> None:
    if interval < 0 or timeout < 0:
        raise ValueError(f"interval and timeout must not be negative (got interval={interval:g}, timeout={timeout:g})")


def wait(fetch: Callable[[], T], spec: WaiterSpec, *, what: str, timeout: float, interval: float) -> T:
    _check(interval, timeout)
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        outcome = spec.outcome(value)
        if outcome == "done":
            return value
        if outcome == "failed":
            raise WaiterFailedError(f"{what} reached {spec.field}={spec.state_of(value)!r}", last=value)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaiterTimeoutError(
                f"{what} still has {spec.field}={spec.state_of(value)!r} after {timeout:g}s", last=value
            )
        time.sleep(min(interval, remaining))


async def async_wait(
    fetch: Callable[[], Awaitable[T]], spec: WaiterSpec, *, what: str, timeout: float, interval: float
) -> T:
    _check(interval, timeout)
    deadline = time.monotonic() + timeout
    while True:
        value = await fetch()
        outcome = spec.outcome(value)
        if outcome == "done":
            return value
        if outcome == "failed":
            raise WaiterFailedError(f"{what} reached {spec.field}={spec.state_of(value)!r}", last=value)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaiterTimeoutError(
                f"{what} still has {spec.field}={spec.state_of(value)!r} after {timeout:g}s", last=value
            )
        await anyio.sleep(min(interval, remaining))
