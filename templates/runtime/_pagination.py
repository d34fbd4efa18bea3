"""Auto-pagination for the list endpoints the overlay marks with x-chaser-pagination.

`client.sessions.list()` fetches the first page and returns a `SyncPage`. Iterating over it
yields every item of every page, fetching the next page only when the current one is used up,
so memory holds one page however many items there are. `iter_pages()` yields whole pages.
The async twin: `async for s in client.sessions.list()` or `page = await client.sessions.list()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ._api.types import Unset
from ._response import APIResponse, take_raw_flag
from ._types import RequestOptions

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient
    from ._parsing import Parser

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")


@dataclass(frozen=True)
class PaginationSpec:
    """How one endpoint pages, from its x-chaser-pagination overlay entry."""

    style: Literal["offset", "cursor"]
    items: str
    limit_param: str | None = None
    offset_param: str | None = None
    cursor_param: str | None = None
    cursor_attr: str | None = None
    total_attr: str | None = None
    has_more_attr: str | None = None

    def take_paging_from_extra_query(
        self, kwargs: Mapping[str, Any], options: RequestOptions
    ) -> tuple[dict[str, Any], RequestOptions]:
        """An offset or cursor given in extra_query is where the listing starts: move it into the
        request's own query, so later pages continue from it instead of repeating it."""
        extra_query = options.extra_query
        paging = {self.offset_param, self.cursor_param} - {None}
        if not extra_query or not paging & set(extra_query):
            return dict(kwargs), options
        start = {key: value for key, value in extra_query.items() if key in paging}
        rest = {key: value for key, value in extra_query.items() if key not in paging}
        params = {**(kwargs.get("params") or {}), **start}
        return {**kwargs, "params": params}, options._replace(extra_query=rest or None)

    def items_of(self, page: Any) -> list[Any]:
        items = getattr(page, self.items, None)
        return items if isinstance(items, list) else []

    def next_params(self, page: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The query of the next page, or None when `page` is the last one."""
        items = self.items_of(page)
        if not items:
            return None
        has_more = _present(getattr(page, self.has_more_attr, None)) if self.has_more_attr else None
        if has_more is False:
            return None
        if self.style == "cursor":
            assert self.cursor_param and self.cursor_attr
            cursor = getattr(items[-1], self.cursor_attr, None)
            if cursor is None or isinstance(cursor, Unset):
                return None
            return {**params, self.cursor_param: cursor}
        assert self.offset_param
        offset = params.get(self.offset_param)
        next_offset = (offset if isinstance(offset, int) else 0) + len(items)
        total = _present(getattr(page, self.total_attr, None)) if self.total_attr else None
        if isinstance(total, int) and not isinstance(total, bool) and next_offset >= total:
            return None
        if has_more is None and not isinstance(total, int):
            # Nothing says whether more pages exist: a short page is the last one.
            limit = params.get(self.limit_param) if self.limit_param else None
            if isinstance(limit, int) and len(items) < limit:
                return None
        return {**params, self.offset_param: next_offset}


def _present(value: Any) -> Any:
    """A field the page left out (UNSET) says as little as one the spec does not have (None)."""
    return None if isinstance(value, Unset) else value


class _PageBase(Generic[ItemT, PageT]):
    def __init__(self, page: PageT, params: Mapping[str, Any], spec: PaginationSpec) -> None:
        #: The page as the API returned it (for example ListSessionsResponse, with its total).
        self.page = page
        self._params = dict(params)
        self._spec = spec

    @property
    def items(self) -> list[ItemT]:
        """The items of this page only."""
        return self._spec.items_of(self.page)

    def has_next_page(self) -> bool:
        return self._spec.next_params(self.page, self._params) is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.items)} next={self.has_next_page()}>"


class SyncPage(_PageBase[ItemT, PageT]):
    """One page of a list endpoint; iterating over it walks every later page too."""

    def __init__(
        self,
        client: SyncAPIClient,
        kwargs: Mapping[str, Any],
        parser: Parser[PageT],
        spec: PaginationSpec,
        options: RequestOptions,
        page: PageT,
    ) -> None:
        super().__init__(page, kwargs.get("params") or {}, spec)
        self._client = client
        self._kwargs = kwargs
        self._parser = parser
        self._options = options

    def get_next_page(self) -> SyncPage[ItemT, PageT] | None:
        params = self._spec.next_params(self.page, self._params)
        if params is None:
            return None
        kwargs = {**self._kwargs, "params": params}
        page = self._client.request(kwargs, self._parser, self._options, idempotent=True)
        return SyncPage(self._client, kwargs, self._parser, self._spec, self._options, page)

    def iter_pages(self) -> Iterator[SyncPage[ItemT, PageT]]:
        page: SyncPage[ItemT, PageT] | None = self
        while page is not None:
            yield page
            page = page.get_next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_PageBase[ItemT, PageT]):
    def __init__(
        self,
        client: AsyncAPIClient,
        kwargs: Mapping[str, Any],
        parser: Parser[PageT],
        spec: PaginationSpec,
        options: RequestOptions,
        page: PageT,
    ) -> None:
        super().__init__(page, kwargs.get("params") or {}, spec)
        self._client = client
        self._kwargs = kwargs
        self._parser = parser
        self._options = options

    async def get_next_page(self) -> AsyncPage[ItemT, PageT] | None:
        params = self._spec.next_params(self.page, self._params)
        if params is None:
            return None
        kwargs = {**self._kwargs, "params": params}
        page = await self._client.request(kwargs, self._parser, self._options, idempotent=True)
        return AsyncPage(self._client, kwargs, self._parser, self._spec, self._options, page)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ItemT, PageT]]:
        page: AsyncPage[ItemT, PageT] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class AsyncPaginator(Generic[ItemT, PageT]):
    """What an async list method returns: await it for the first page, or iterate all items."""

    def __init__(
        self,
        client: AsyncAPIClient,
        kwargs: Mapping[str, Any],
        parser: Parser[PageT],
        spec: PaginationSpec,
        options: RequestOptions,
    ) -> None:
        self._client = client
        self._kwargs, self._options = spec.take_paging_from_extra_query(kwargs, options)
        self._parser = parser
        self._spec = spec

    async def _first_page(self) -> AsyncPage[ItemT, PageT]:
        page = await self._client.request(self._kwargs, self._parser, self._options, idempotent=True)
        return AsyncPage(self._client, self._kwargs, self._parser, self._spec, self._options, page)

    def __await__(self) -> Generator[Any, None, AsyncPage[ItemT, PageT]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        page = await self._first_page()
        async for item in page:
            yield item


def sync_paginate(
    client: SyncAPIClient,
    kwargs: Mapping[str, Any],
    parser: Parser[PageT],
    spec: PaginationSpec,
    options: RequestOptions,
) -> SyncPage[Any, PageT]:
    """The first page (or, for a raw call, the first page's APIResponse)."""
    kwargs, options = spec.take_paging_from_extra_query(kwargs, options)
    raw, options = take_raw_flag(options)
    if raw:
        response, retries = client.send_request(kwargs, options, idempotent=True)
        return APIResponse(  # type: ignore[return-value]
            response,
            lambda: SyncPage(client, kwargs, parser, spec, options, client.parse_response(response, parser)),
            retries_taken=retries,
        )
    page = client.request(kwargs, parser, options, idempotent=True)
    return SyncPage(client, kwargs, parser, spec, options, page)


async def async_first_page_raw(paginator: AsyncPaginator[ItemT, PageT]) -> APIResponse[AsyncPage[ItemT, PageT]]:
    """The raw variant of an async list method: the first page's APIResponse (nothing is sent
    before the paginator is awaited or iterated, so the raw call sends the first request itself)."""
    client = paginator._client
    response, retries = await client.send_request(paginator._kwargs, paginator._options, idempotent=True)

    def parse() -> AsyncPage[ItemT, PageT]:
        page = client.parse_response(response, paginator._parser)
        return AsyncPage(client, paginator._kwargs, paginator._parser, paginator._spec, paginator._options, page)

    return APIResponse(response, parse, retries_taken=retries)
