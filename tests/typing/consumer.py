"""A user's project, as a type checker sees it: every public surface of chaser_core, used the way
the README shows. tests/release/test_type_completeness.py checks it with `pyright --strict` and
`mypy --strict` against the built wheel, and runs it against chaser_core.testing.MockAPI.

Each annotation below is one a user would write; each assignment to a declared type is a check
that the SDK's declared type is the documented one (a wrong or partially unknown type fails
pyright --strict here, in a user's code, which is what the verifytypes score predicts).
"""

# pyright: strict

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import chaser_core
import httpx
from chaser_core import (
    NOT_GIVEN,
    APIConnectionError,
    APIError,
    APIResponse,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncChaser,
    AsyncPage,
    AsyncPaginator,
    AsyncStream,
    Chaser,
    ChaserError,
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    RateLimitInfo,
    ServerSentEvent,
    Stream,
    SyncPage,
    WaiterFailedError,
    WaiterTimeoutError,
)
from chaser_core.cdp import AsyncCdpClient, CdpClient, CDPCommandError, CDPError, CDPEvent, CDPTimeoutError
from chaser_core.testing import MockAPI, MockValidationError
from chaser_core.types import (
    JobInfo,
    ListSessionsResponse,
    SandboxExecResponse,
    SessionCommandInfo,
    SessionInfo,
    SessionType,
)

# -- clients and configuration ------------------------------------------------------------------


def make_client(api_key: str, base_url: str) -> Chaser:
    client = Chaser(api_key=api_key, base_url=base_url, timeout=httpx.Timeout(10.0), max_retries=1)
    quick: Chaser = client.with_options(timeout=5, max_retries=0)
    team: Chaser = quick.with_account("team")
    base: httpx.URL = team.base_url
    assert base.host
    return client


async def make_async_client(api_key: str, base_url: str) -> AsyncChaser:
    async with AsyncChaser(api_key=api_key, base_url=base_url, max_connections=10) as client:
        copy: AsyncChaser = client.with_options(timeout=NOT_GIVEN)
        account: str | None = copy.account
        assert account is None
    return AsyncChaser(api_key=api_key, base_url=base_url)


# -- models and enums ------------------------------------------------------------------------------


def describe(session: SessionInfo) -> str:
    # A str, not SessionType: results stay readable when the API adds a kind this release lacks.
    kind: str | None = None if isinstance(session.session_type, chaser_core.Unset) else session.session_type
    return f"{session.id} ({kind}) is {session.status}: {session.to_dict()}"


def start_sandbox(client: Chaser) -> SessionInfo:
    kind: SessionType = "sandbox"
    session: SessionInfo = client.sessions.create(session_type=kind, ephemeral=True)
    result: SandboxExecResponse = client.exec.in_session(session.id, command="python3 --version")
    assert isinstance(result.output, str | chaser_core.Unset)
    client.files.upload_text(session.id, "/workspace/notes.txt", "hello")
    data: bytes = client.files.download(session.id, path="/workspace/notes.txt")
    assert isinstance(data, bytes)
    job: JobInfo = client.jobs.create(kind="sandbox.exec", input={"command": "true"})
    assert job.id
    return session


# -- raw responses -----------------------------------------------------------------------------------


def raw_session(client: Chaser, session_id: str) -> SessionInfo:
    response: APIResponse[SessionInfo] = client.sessions.with_raw_response.get(session_id)
    status: int = response.status_code
    request_id: str | None = response.request_id
    retries: int = response.retries_taken
    remaining: str | None = response.headers.get("x-ratelimit-remaining")
    assert status == 200 and retries >= 0 and (request_id, remaining) != ("", "")
    return response.parse()


def raw_first_page(client: Chaser) -> list[SessionInfo]:
    response: APIResponse[SyncPage[SessionInfo, ListSessionsResponse]] = (
        client.sessions.with_raw_response.list(limit=2)
    )
    return response.parse().items


async def async_raw_session(client: AsyncChaser, session_id: str) -> SessionInfo:
    response: APIResponse[SessionInfo] = await client.sessions.with_raw_response.get(session_id)
    page: APIResponse[
        AsyncPage[SessionInfo, ListSessionsResponse]
    ] = await client.sessions.with_raw_response.list()
    assert page.parse().items
    return response.parse()


# -- pagination ----------------------------------------------------------------------------------------


def every_session(client: Chaser) -> list[str]:
    page: SyncPage[SessionInfo, ListSessionsResponse] = client.sessions.list(limit=50)
    ids = [session.id for session in page]
    pages: Iterator[SyncPage[SessionInfo, ListSessionsResponse]] = page.iter_pages()
    for each_page in pages:
        first: list[SessionInfo] = each_page.items
        more: bool = each_page.has_next_page()
        assert more or first is not None
    return ids


async def every_session_async(client: AsyncChaser) -> list[str]:
    paginator: AsyncPaginator[SessionInfo, ListSessionsResponse] = client.sessions.list(limit=50)
    ids = [session.id async for session in paginator]
    first: AsyncPage[SessionInfo, ListSessionsResponse] = await client.sessions.list()
    async for page in first.iter_pages():
        later: AsyncPage[SessionInfo, ListSessionsResponse] | None = await page.get_next_page()
        assert later is None or later.items is not None
    return ids


# -- streaming ------------------------------------------------------------------------------------------


def command_output(client: Chaser, session_id: str, command_id: str) -> list[str]:
    lines: list[str] = []
    events: Stream
    with client.commands.stream(session_id, command_id) as events:
        for event in events:
            sse: ServerSentEvent = event
            lines.append(f"{sse.event}: {sse.data}")
    return lines


async def command_output_async(client: AsyncChaser, session_id: str, command_id: str) -> list[object]:
    stream: AsyncStream = await client.commands.stream(session_id, command_id)
    async with stream as events:
        return [event.json() async for event in events]


def finished_command(client: Chaser, session_id: str, command_id: str) -> SessionCommandInfo | None:
    try:
        return client.commands.wait_for_completion(session_id, command_id, timeout=1, interval=0)
    except WaiterTimeoutError as error:
        last: object = error.last
        assert last is not None
    except WaiterFailedError:
        pass
    return None


# -- errors -----------------------------------------------------------------------------------------------


def get_or_none(client: Chaser, session_id: str) -> SessionInfo | None:
    try:
        return client.sessions.get(session_id)
    except NotFoundError as error:
        status: int = error.status_code
        request_id: str | None = error.request_id
        code: str | None = error.code
        message: str = error.message
        response: httpx.Response = error.response
        assert status == response.status_code, (request_id, code, message)
        return None
    except RateLimitError as error:
        limits: RateLimitInfo = error.rate_limit
        retry_after: float | None = limits.retry_after
        remaining: int | None = limits.remaining
        assert retry_after is None or remaining is None or remaining >= 0
        raise
    except APIResponseValidationError as error:
        invalid_status: int = error.status_code
        invalid_request_id: str | None = error.request_id
        assert invalid_status or invalid_request_id
        raise
    except APITimeoutError as error:
        request: httpx.Request | None = error.request
        assert request is None or request.url
        raise
    except (APIStatusError, APIConnectionError) as error:
        failed: APIError = error
        raise failed from None
    except (ConfigurationError, ChaserError):
        raise


# -- the validating mock --------------------------------------------------------------------------------


def mocked_calls() -> int:
    with MockAPI() as api:
        api.respond("sessions.get", json={**api.example_response("sessions.get"), "status": "ready"})
        client: Chaser = api.client()
        ready = client.sessions.get("s_1")
        assert ready.status == "ready"
        try:
            client.sessions.get("s_1", extra_query={"nope": 1})
        except MockValidationError as error:
            assert "nope" in str(error)
        requests: list[httpx.Request] = api.calls("sessions.get")
        return len(requests)


async def mocked_async_calls() -> int:
    with MockAPI() as api:
        for transport in ("httpx", "aiohttp"):
            async with api.async_client(transport=transport) as client:
                await client.sessions.get("s_1")
        return len(api.calls("sessions.get"))


# -- Chrome DevTools Protocol ----------------------------------------------------------------------------


def browser_version(client: Chaser, session_id: str) -> str:
    with client.browser.cdp(session_id, timeout=10) as cdp:
        cdp_client: CdpClient = cdp
        unsubscribe = cdp_client.on("Page.loadEventFired", lambda event: print("loaded", event.params))
        try:
            version = cdp_client.send("Browser.getVersion")
            loaded: CDPEvent = cdp_client.wait_for("Page.loadEventFired", timeout=5)
            assert loaded.method
        except CDPCommandError as error:
            code: int | None = error.code
            assert code is None or code < 0
            raise
        except CDPTimeoutError:
            version = {"product": "unknown"}
        finally:
            unsubscribe()
        return str(version["product"])


async def browser_version_async(client: AsyncChaser, session_id: str) -> str:
    cdp: AsyncCdpClient = await client.browser.cdp(session_id)
    async with cdp:
        try:
            version = await cdp.send("Browser.getVersion", timeout=10)
        except CDPError:
            return "unknown"
        return str(version["product"])


def cdp_by_url(url: str) -> CdpClient:
    return CdpClient(url, timeout=None)


def main() -> None:
    """Runs what the mock can answer (CDP needs a browser: tests/sdk/test_cdp.py has one)."""
    assert mocked_calls() == 2
    assert asyncio.run(mocked_async_calls()) == 2
    with MockAPI() as api:
        client = api.client()
        session = start_sandbox(client)
        assert describe(session)
        assert raw_session(client, session.id).id == session.id
        assert raw_first_page(client)
        assert every_session(client)
        assert get_or_none(client, session.id) is not None
        api.respond("sessions.get", 404, json={"code": "not_found", "message": "gone"})
        assert get_or_none(client, "missing") is None
        assert command_output(client, session.id, "c_1")
        async_client = api.async_client()
        assert asyncio.run(every_session_async(async_client))
        assert asyncio.run(command_output_async(api.async_client(), session.id, "c_1"))
        api.respond("sessions.get", json=api.example_response("sessions.get"))
        assert asyncio.run(async_raw_session(api.async_client(), session.id)).id
    print("consumer ok")


if __name__ == "__main__":
    main()
