"""Waiters poll a read operation until the resource reaches a state (on a fake clock: no real sleeps)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from chaser_core import NotFoundError, WaiterError, WaiterFailedError, WaiterTimeoutError
from chaser_core._api.models.job_info import JobInfo
from chaser_core._api.models.session_command_info import SessionCommandInfo
from chaser_core._api.models.session_info import SessionInfo

from tests.conftest import session_json

from .conftest import FakeClock, run, sequence

pytestmark = pytest.mark.anyio


def _sessions(*statuses: str) -> Any:
    return sequence(*(httpx.Response(200, json=session_json(status=status)) for status in statuses))


def _commands(*statuses: str) -> Any:
    return sequence(
        *(
            httpx.Response(200, json={"command_id": "c1", "status": status, "exit_code": 0})
            for status in statuses
        )
    )


def _jobs(*statuses: str) -> Any:
    return sequence(*(httpx.Response(200, json={"id": "job_1", "status": status}) for status in statuses))


@pytest.mark.parametrize("ready_state", ["running", "ready", "active", "RUNNING"])
async def test_wait_until_ready_returns_the_session_once_it_is_ready(
    client: Any, api: respx.MockRouter, clock: FakeClock, ready_state: str
) -> None:
    route = api.get("/v1/sessions/s1").mock(side_effect=_sessions("pending", "starting", ready_state))

    session = await run(client.sessions.wait_until_ready("s1", interval=0.5))

    assert type(session) is SessionInfo
    assert session.status == ready_state
    assert route.call_count == 3
    assert clock.sleeps == [0.5, 0.5]


@pytest.mark.parametrize("failed_state", ["terminated", "failed"])
async def test_wait_until_ready_raises_waiter_failed_error_on_a_terminal_state(
    client: Any, api: respx.MockRouter, clock: FakeClock, failed_state: str
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=_sessions("starting", failed_state))

    with pytest.raises(WaiterFailedError) as caught:
        await run(client.sessions.wait_until_ready("s1", interval=1.0))

    assert isinstance(caught.value, WaiterError)
    assert caught.value.last.status == failed_state
    assert failed_state in str(caught.value)
    assert "s1" in str(caught.value)


async def test_wait_until_ready_raises_waiter_timeout_error_with_the_last_session(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/sessions/s1").mock(side_effect=_sessions("starting"))

    with pytest.raises(WaiterTimeoutError) as caught:
        await run(client.sessions.wait_until_ready("s1", timeout=3.0, interval=1.0))

    assert isinstance(caught.value, TimeoutError)
    assert type(caught.value.last) is SessionInfo
    assert caught.value.last.status == "starting"
    assert "after 3s" in str(caught.value)
    assert route.call_count == 4  # at t = 0, 1, 2 and 3
    assert clock.sleeps == [1.0, 1.0, 1.0]


async def test_waiter_never_sleeps_past_its_deadline(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=_sessions("starting"))

    with pytest.raises(WaiterTimeoutError):
        await run(client.sessions.wait_until_ready("s1", timeout=2.5, interval=1.0))

    assert clock.sleeps == [1.0, 1.0, 0.5]


async def test_waiter_with_zero_timeout_checks_once(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/sessions/s1").mock(side_effect=_sessions("starting"))

    with pytest.raises(WaiterTimeoutError):
        await run(client.sessions.wait_until_ready("s1", timeout=0))

    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("waiter", "path", "answers", "states"),
    [
        (
            lambda c: c.sessions.wait_until_ready("s1", interval=0),
            "/v1/sessions/s1",
            _sessions,
            ("pending", "starting", "ready"),
        ),
        (
            lambda c: c.commands.wait_for_completion("s1", "c1", interval=0),
            "/v1/sessions/s1/commands/c1",
            _commands,
            ("queued", "running", "exited"),
        ),
        (
            lambda c: c.jobs.wait_for_completion("job_1", interval=0),
            "/v1/jobs/job_1",
            _jobs,
            ("queued", "running", "completed"),
        ),
    ],
    ids=["sessions", "commands", "jobs"],
)
async def test_an_interval_of_zero_polls_again_at_once(
    client: Any,
    api: respx.MockRouter,
    clock: FakeClock,
    waiter: Any,
    path: str,
    answers: Any,
    states: tuple[str, ...],
) -> None:
    route = api.get(path).mock(side_effect=answers(*states))

    result = await run(waiter(client))

    assert result.status == states[-1]
    assert route.call_count == 3
    assert clock.sleeps == [0, 0]  # no time passes between polls


@pytest.mark.parametrize(("timeout", "interval"), [(10.0, -1.0), (10.0, -0.001), (-1.0, 1.0)])
async def test_waiter_rejects_a_negative_interval_or_timeout(
    client: Any, api: respx.MockRouter, timeout: float, interval: float
) -> None:
    route = api.get("/v1/sessions/s1").respond(json=session_json())

    with pytest.raises(ValueError, match="must not be negative"):
        await run(client.sessions.wait_until_ready("s1", timeout=timeout, interval=interval))

    assert not route.called


async def test_commands_wait_for_completion_polls_while_queued_starting_or_running(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/sessions/s1/commands/c1").mock(
        side_effect=_commands("queued", "starting", "running", "completed")
    )

    command = await run(client.commands.wait_for_completion("s1", "c1", interval=0.1))

    assert type(command) is SessionCommandInfo
    assert (command.status, command.exit_code) == ("completed", 0)
    assert route.call_count == 4
    assert clock.sleeps == [0.1, 0.1, 0.1]


async def test_commands_wait_for_completion_returns_on_any_state_after_running(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get("/v1/sessions/s1/commands/c1").mock(side_effect=_commands("running", "killed"))

    command = await run(client.commands.wait_for_completion("s1", "c1", interval=0.1))

    assert command.status == "killed"


async def test_commands_wait_for_completion_times_out(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get("/v1/sessions/s1/commands/c1").mock(side_effect=_commands("running"))

    with pytest.raises(WaiterTimeoutError) as caught:
        await run(client.commands.wait_for_completion("s1", "c1", timeout=1.0, interval=0.25))

    assert caught.value.last.status == "running"
    assert clock.sleeps == [0.25, 0.25, 0.25, 0.25]


@pytest.mark.parametrize("final", ["completed", "failed", "canceled"])
async def test_jobs_wait_for_completion_returns_the_job_in_its_final_state(
    client: Any, api: respx.MockRouter, clock: FakeClock, final: str
) -> None:
    route = api.get("/v1/jobs/job_1").mock(side_effect=_jobs("queued", "running", final))

    job = await run(client.jobs.wait_for_completion("job_1", interval=2.0))

    assert type(job) is JobInfo
    assert job.status == final
    assert route.call_count == 3
    assert clock.sleeps == [2.0, 2.0]


async def test_jobs_wait_for_completion_keeps_waiting_through_unknown_states(
    client: Any, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get("/v1/jobs/job_1").mock(side_effect=_jobs("scheduled", "throttled", "completed"))

    job = await run(client.jobs.wait_for_completion("job_1", interval=1.0))

    assert job.status == "completed"
    assert len(clock.sleeps) == 2


async def test_waiter_propagates_api_errors(client: Any, api: respx.MockRouter, clock: FakeClock) -> None:
    api.get("/v1/jobs/job_1").respond(404, json={"error": "not_found"})

    with pytest.raises(NotFoundError):
        await run(client.jobs.wait_for_completion("job_1", interval=1.0))

    assert clock.sleeps == []
