"""A small program using the typed API, as a user would: type-checked with mypy --strict and
run against chaser_core.testing by scripts/release-check, from the installed wheel."""

from __future__ import annotations

import asyncio

from chaser_core import AsyncChaser, Chaser, NotFoundError, SyncPage
from chaser_core._api.models.list_sessions_response import ListSessionsResponse
from chaser_core._api.models.session_info import SessionInfo
from chaser_core.testing import MockAPI


def first_ready_session(client: Chaser) -> SessionInfo | None:
    page: SyncPage[SessionInfo, ListSessionsResponse] = client.sessions.list(limit=10)
    for session in page:
        if session.status in ("ready", "running"):
            return session
    return None


async def count_sessions(client: AsyncChaser) -> int:
    return len([session async for session in client.sessions.list()])


def main() -> None:
    with MockAPI() as api:
        client = api.client()
        created = client.sessions.create(session_type="sandbox", ephemeral=True)
        assert isinstance(created, SessionInfo)
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
