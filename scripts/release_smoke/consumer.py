"""A small program using the typed API, as a user would: type-checked with mypy --strict and
run against chaser_core.testing by scripts/release-check, from the installed wheel."""

from __future__ import annotations

import asyncio

from chaser_core import AsyncChaser, Chaser, NotFoundError, SyncPage
from chaser_core.testing import MockAPI
from chaser_core.types import JobInfo, ListSessionsResponse, SessionInfo, SessionType


def first_ready_session(client: Chaser) -> SessionInfo | None:
    page: SyncPage[SessionInfo, ListSessionsResponse] = client.sessions.list(limit=10)
    for session in page:
        if session.status in ("ready", "running"):
            return session
    return None


def create_ephemeral(client: Chaser, kind: SessionType = "sandbox") -> SessionInfo:
    return client.sessions.create(session_type=kind, ephemeral=True)


async def count_sessions(client: AsyncChaser) -> int:
    return len([session async for session in client.sessions.list()])


def main() -> None:
    with MockAPI() as api:
        client = api.client()
        created = create_ephemeral(client)
        assert isinstance(created, SessionInfo)
        job: JobInfo = client.jobs.create(kind="sandbox.exec", input={"command": "true"})
        assert job.id
        assert first_ready_session(client) is None  # the mock's sessions have status "string"
        api.respond("sessions.get", 404, json={"code": "not_found", "message": "gone"})
        try:
            client.sessions.get("missing")
        except NotFoundError as error:
            assert error.code == "not_found"
        else:
            raise AssertionError("expected NotFoundError")
        assert asyncio.run(count_sessions(api.async_client())) == 1
    print("consumer ok")


if __name__ == "__main__":
    main()
