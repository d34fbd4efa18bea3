"""Auto-pagination: every item of every page, fetched lazily; offset paging with total or has_more."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from chaser_core import AsyncChaser, AsyncPage, AsyncPaginator, Chaser, NotFoundError, SyncPage
from chaser_core._api.models.job_info import JobInfo
from chaser_core._api.models.session_info import SessionInfo

from tests.conftest import KEY, session_json

from .conftest import collect, is_async, run

pytestmark = pytest.mark.anyio


class Backend:
    """A paginated list endpoint over `count` items, answering each request from its offset and limit."""

    def __init__(self, count: int, *, kind: str = "sessions", claim_total: int | None = None) -> None:
        self.count = count
        self.kind = kind
        self.claim_total = count if claim_total is None else claim_total
        self.queries: list[dict[str, str]] = []
        self.has_more: bool | None = None  # jobs: send has_more (computed when None)
        self.send_has_more = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.queries.append(params)
        offset = int(params.get("offset", "0"))
        limit = int(params.get("limit", "20"))
        ids = range(offset, min(offset + limit, self.count))
        if self.kind == "sessions":
            return httpx.Response(
                200, json={"sessions": [session_json(f"s{i}") for i in ids], "total": self.claim_total}
            )
        body: dict[str, Any] = {"jobs": [{"id": f"j{i}", "status": "queued"} for i in ids]}
        if self.send_has_more:
            body["has_more"] = offset + limit < self.count if self.has_more is None else self.has_more
        return httpx.Response(200, json=body)

    @property
    def offsets(self) -> list[str | None]:
        return [query.get("offset") for query in self.queries]


def _iterate(items: Any) -> Any:
    return items.__aiter__() if hasattr(items, "__aiter__") else iter(items)


async def _next(iterator: Any) -> Any:
    return await iterator.__anext__() if hasattr(iterator, "__anext__") else next(iterator)


@pytest.fixture
def sessions(api: respx.MockRouter) -> Backend:
    backend = Backend(5)
    api.get("/v1/sessions").mock(side_effect=backend)
    return backend


@pytest.fixture
def jobs(api: respx.MockRouter) -> Backend:
    backend = Backend(5, kind="jobs")
    api.get("/v1/jobs").mock(side_effect=backend)
    return backend


async def test_iterating_yields_every_item_across_pages(client: Any, sessions: Backend) -> None:
    items = await collect(client.sessions.list(limit=2))

    assert all(type(item) is SessionInfo for item in items)
    assert [item.id for item in items] == ["s0", "s1", "s2", "s3", "s4"]
    assert sessions.offsets == [None, "2", "4"]
    assert [query["limit"] for query in sessions.queries] == ["2", "2", "2"]


async def test_pages_are_fetched_only_when_their_items_are_needed(client: Any, sessions: Backend) -> None:
    iterator = _iterate(client.sessions.list(limit=2))

    first_page = [(await _next(iterator)).id for _ in range(2)]
    requests_after_first_page = len(sessions.queries)
    third = (await _next(iterator)).id

    assert first_page == ["s0", "s1"]
    assert requests_after_first_page == 1
    assert third == "s2"
    assert len(sessions.queries) == 2


async def test_iter_pages_yields_whole_pages(client: Any, sessions: Backend) -> None:
    first = await run(client.sessions.list(limit=2))

    pages = await collect(first.iter_pages())

    assert isinstance(first, AsyncPage if is_async(client) else SyncPage)
    assert [[item.id for item in page.items] for page in pages] == [["s0", "s1"], ["s2", "s3"], ["s4"]]
    assert [page.has_next_page() for page in pages] == [True, True, False]
    assert [page.page.total for page in pages] == [5, 5, 5]
    assert len(sessions.queries) == 3


async def test_get_next_page_returns_none_after_the_last_page(client: Any, sessions: Backend) -> None:
    page = await run(client.sessions.list(limit=3))

    second = await run(page.get_next_page())
    after_last = await run(second.get_next_page())

    assert [item.id for item in second.items] == ["s3", "s4"]
    assert after_last is None
    assert len(sessions.queries) == 2


async def test_stops_when_the_total_is_reached(client: Any, api: respx.MockRouter) -> None:
    backend = Backend(4)
    api.get("/v1/sessions").mock(side_effect=backend)

    items = await collect(client.sessions.list(limit=2))

    assert len(items) == 4
    assert backend.offsets == [None, "2"]  # no request for an empty third page


async def test_stops_on_an_empty_page(client: Any, api: respx.MockRouter) -> None:
    backend = Backend(3, claim_total=100)
    api.get("/v1/sessions").mock(side_effect=backend)

    items = await collect(client.sessions.list(limit=2))

    assert [item.id for item in items] == ["s0", "s1", "s2"]
    assert backend.offsets == [None, "2", "3"]  # the page at offset 3 is empty: the end


async def test_starts_from_the_offset_given(client: Any, sessions: Backend) -> None:
    items = await collect(client.sessions.list(limit=1, offset=3))

    assert [item.id for item in items] == ["s3", "s4"]
    assert sessions.offsets == ["3", "4"]


async def test_jobs_stop_when_has_more_is_false(client: Any, jobs: Backend) -> None:
    jobs.has_more = False

    items = await collect(client.jobs.list(limit=2))

    assert [item.id for item in items] == ["j0", "j1"]
    assert len(jobs.queries) == 1


async def test_jobs_continue_while_has_more_is_true(client: Any, jobs: Backend) -> None:
    items = await collect(client.jobs.list(limit=2, status="queued"))

    assert all(type(item) is JobInfo for item in items)
    assert [item.id for item in items] == ["j0", "j1", "j2", "j3", "j4"]
    assert jobs.offsets == [None, "2", "4"]
    assert {query["status"] for query in jobs.queries} == {"queued"}


async def test_jobs_short_page_is_the_last_when_neither_has_more_nor_total_is_sent(
    client: Any, jobs: Backend
) -> None:
    jobs.send_has_more = False

    items = await collect(client.jobs.list(limit=2))

    assert len(items) == 5
    assert jobs.offsets == [None, "2", "4"]  # the page of one item (< limit) ends it


async def test_per_call_options_are_sent_with_every_page(
    client: Any, sessions: Backend, api: respx.MockRouter
) -> None:
    await collect(
        client.sessions.list(limit=2, extra_headers={"X-Trace": "t1"}, extra_query={"view": "full"})
    )

    requests = [call.request for call in api.calls]
    assert len(requests) == 3
    assert {request.headers["x-trace"] for request in requests} == {"t1"}
    assert {request.url.params["view"] for request in requests} == {"full"}


async def test_an_error_on_a_later_page_raises_the_typed_error(client: Any, api: respx.MockRouter) -> None:
    first = httpx.Response(200, json={"sessions": [session_json("s0")], "total": 2})
    api.get("/v1/sessions", params={"offset": "1"}).respond(404, json={"error": "gone"})
    api.get("/v1/sessions").mock(return_value=first)
    iterator = _iterate(client.sessions.list(limit=1))

    assert (await _next(iterator)).id == "s0"
    with pytest.raises(NotFoundError):
        await _next(iterator)


async def test_sync_list_fetches_the_first_page_when_called(sessions: Backend) -> None:
    with Chaser(api_key=KEY) as client:
        page = client.sessions.list(limit=2)

        assert isinstance(page, SyncPage)
        assert len(sessions.queries) == 1
        assert [item.id for item in page.items] == ["s0", "s1"]


async def test_async_list_is_lazy_until_awaited_or_iterated(sessions: Backend) -> None:
    async with AsyncChaser(api_key=KEY) as client:
        paginator = client.sessions.list(limit=2)
        before = len(sessions.queries)
        page = await paginator

    assert isinstance(paginator, AsyncPaginator)
    assert before == 0
    assert isinstance(page, AsyncPage)
    assert [item.id for item in page.items] == ["s0", "s1"]
    assert len(sessions.queries) == 1


async def test_async_for_over_list_yields_every_item(sessions: Backend) -> None:
    async with AsyncChaser(api_key=KEY) as client:
        ids = [session.id async for session in client.sessions.list(limit=2)]
        page = await client.sessions.list(limit=2)
        rest = [session.id async for session in page]

    assert ids == ["s0", "s1", "s2", "s3", "s4"]
    assert rest == ids


async def test_an_offset_in_extra_query_starts_the_first_page_only(
    client: Any, sessions: Backend, api: respx.MockRouter
) -> None:
    items = await collect(client.sessions.list(limit=2, extra_query={"offset": 1, "view": "full"}))

    assert [item.id for item in items] == ["s1", "s2", "s3", "s4"]
    assert [call.request.url.params.get("offset") for call in api.calls] == ["1", "3"]
    assert {call.request.url.params["view"] for call in api.calls} == {"full"}
