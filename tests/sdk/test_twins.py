"""The sync and async twins say the same thing, and nobody keeps the list of twins by hand.

Twins are found by name in every module of the package (the low-level `_api` aside): a class
`AsyncX` (or `_AsyncX`) and its twin `X` or `SyncX` in the same module, a function `async_x` and
`x` or `sync_x`. That takes in the clients, every resource and its `WithRawResponse`, the pages,
the streams, the transports, the helpers and the CDP clients, and whatever is added later.

- Every pair has the same public surface: the same public methods (`__aiter__` standing for
  `__iter__`, and so on), each with the same signature once its async spelling is turned into
  the sync one (`AsyncStream` -> `Stream`, `Awaitable[T]` -> `T`, ...).
- In the hand-written runtime (templates/runtime), each method both twins define must read
  exactly like its twin, line for line, after the same change of spelling (`await` dropped,
  `aclose` -> `close`, ...): a fix made to one twin and forgotten in the other fails here.

What legitimately differs is listed below with its reason, and so is each async name that has
no sync twin: anything else unpaired fails.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import Any

import chaser_core
import pytest

from tests.conftest import ROOT

RUNTIME = ROOT / "templates" / "runtime"

# Async spelling -> sync spelling, applied in this order.
SPELLINGS: list[tuple[str, str]] = [
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\banyio\.sleep\b", "time.sleep"),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\baiter_sse\b", "iter_sse"),
    (r"\basync_write_stream\b", "write_stream"),
    (r"\basync_open_stream\b", "open_stream"),
    (r"\basync_wait\b", "wait"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"__aiter__", "__iter__"),
    (r"__anext__", "__next__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncAPIClient\b", "SyncAPIClient"),
    (r"\bAsyncHttpxTransport\b", "SyncHttpxTransport"),
    (r"\bAsyncTransport\b", "SyncTransport"),
    (r"\bAsyncAPIResource\b", "SyncAPIResource"),
    (r"\bAsyncPage\b", "SyncPage"),
    # An async list method returns a paginator (awaitable, async-iterable); a sync one, the page.
    (r"\bAsyncPaginator\b", "SyncPage"),
    (r"\bAsyncStream\b", "Stream"),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"Callable\[\[\], Awaitable\[T\]\]", "Callable[[], T]"),
    (r"\b_Async([A-Z]\w*)", r"_Sync\1"),
    # The rest follow the naming convention: AsyncChaser, AsyncSessionsResource, AsyncCdpClient...
    (r"\bAsync([A-Z]\w*)", r"\1"),
]

# Async names with no sync twin, and why.
UNPAIRED = {
    "chaser_core._pagination.AsyncPaginator": "what an async list method returns (await it for the "
    "first page, or iterate); a sync list method returns its first SyncPage at once",
    "chaser_core._pagination.async_first_page_raw": "the raw async list sends the first request "
    "itself; a sync list has sent it already, and sync_paginate answers a raw call",
    "chaser_core._pagination.sync_paginate": "the sync list's first page; its async twin is AsyncPaginator",
    "chaser_core._cli._mcp._commands._async_client": "the MCP bridge is asynchronous only",
}

# Members whose signatures differ between the twins, and why.
SURFACE_DIFFERENCES = {
    "chaser_core._base_client.AsyncAPIClient.__init__": "transport= chooses httpx or aiohttp, "
    "which is async only",
    "chaser_core._client.AsyncChaser.__init__": "AsyncAPIClient.__init__, inherited",
    "chaser_core.cdp.AsyncCdpClient.on": "an async client's handlers may be coroutine functions",
}

# Runtime code whose twins do the same thing in code that cannot read alike, and why.
SOURCE_DIFFERENCES = {
    "chaser_core._base_client.AsyncAPIClient.__init__": "the transport= choice (httpx or aiohttp)",
    "chaser_core._transport.AsyncTransport.__init__": "an anyio Semaphore; threads take tokens from a queue",
    "chaser_core._pagination.AsyncPage.__aiter__": "async generators have no `yield from`",
    "chaser_core._streaming.AsyncStream.__anext__": "an async iterator has no next(): it awaits __anext__()",
    "chaser_core._helpers.AsyncFilesHelpers.download_text": "awaiting the download takes parentheses",
    # The sync client reads its socket in threads, the async one in asyncio tasks: the same
    # behaviour, proven on both by tests/sdk/test_cdp.py, in code that cannot read alike.
    "chaser_core.cdp.AsyncCdpClient": "threads in the sync client, asyncio tasks in the async one",
}

PROTOCOL = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
}
SURFACE_DUNDERS = {"__init__", "__call__", "__enter__", "__exit__", "__iter__", "__next__"}


def as_sync(source: str) -> str:
    for pattern, replacement in SPELLINGS:
        source = re.sub(pattern, replacement, source)
    return source


def source_of(function: Callable[..., Any]) -> str:
    """The function's source, dedented and normalized (one line per signature)."""
    source = textwrap.dedent(inspect.getsource(function))
    # A signature that fits on one line in one twin may be wrapped in the other by the formatter.
    return (
        re.sub(r"\s+", " ", source)
        .replace("( ", "(")
        .replace(", )", ")")
        .replace(",)", ")")
        .replace(" )", ")")
    )


# -- finding the twins ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Twins:
    module: ModuleType
    async_: Any
    sync: Any

    @property
    def name(self) -> str:
        return f"{self.module.__name__}.{self.async_.__name__}"

    @property
    def in_runtime(self) -> bool:
        """Whether the module is hand-written runtime (copied from templates/runtime)."""
        parts = self.module.__name__.split(".")[1:]
        return RUNTIME.joinpath(*parts[:-1], f"{parts[-1]}.py").is_file()


def package_modules() -> list[ModuleType]:
    modules = [chaser_core]
    for info in pkgutil.walk_packages(chaser_core.__path__, "chaser_core."):
        if info.name.split(".")[1] != "_api":
            modules.append(importlib.import_module(info.name))
    return modules


def twin_names(name: str) -> list[str] | None:
    """The names a twin of `name` may have (None: `name` is neither async nor sync by its name)."""
    private = "_" if name.startswith("_") else ""
    bare = name.removeprefix("_")
    for prefix, sync_prefix in (("Async", "Sync"), ("async_", "sync_")):
        if bare.startswith(prefix) and len(bare) > len(prefix):
            rest = bare[len(prefix) :]
            return [private + rest, private + sync_prefix + rest]
        if bare.startswith(sync_prefix) and len(bare) > len(sync_prefix):
            return [private + prefix + bare[len(sync_prefix) :]]
    return None


def discover(modules: list[ModuleType]) -> tuple[list[Twins], list[str]]:
    """Every pair of twins, and every async (or Sync-named) class or function without one."""
    pairs: list[Twins] = []
    unpaired: list[str] = []
    for module in modules:
        names = vars(module)
        for name, value in names.items():
            if getattr(value, "__module__", None) != module.__name__:
                continue  # imported, not defined here
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            candidates = twin_names(name)
            if candidates is None:
                continue
            twin = next((names[candidate] for candidate in candidates if candidate in names), None)
            is_async = name.removeprefix("_").startswith(("Async", "async_"))
            if twin is None:
                unpaired.append(f"{module.__name__}.{name}")
            elif is_async:
                pairs.append(Twins(module, value, twin))
    return pairs, unpaired


MODULES = package_modules()
PAIRS, UNPAIRED_FOUND = discover(MODULES)


# -- comparing them ---------------------------------------------------------------------------------


def function_of(member: Any) -> Any:
    if isinstance(member, property):
        return member.fget
    if isinstance(member, cached_property):
        return member.func
    if isinstance(member, staticmethod | classmethod):
        return member.__func__
    return member


def surface(cls: type) -> dict[str, Any]:
    """The public members of a class (inherited ones too), protocol methods under their sync names."""
    members: dict[str, Any] = {}
    for name in dir(cls):
        sync_name = PROTOCOL.get(name, name)
        if name.startswith("_") and sync_name not in SURFACE_DUNDERS:
            continue
        member = inspect.getattr_static(cls, name)
        if member is inspect.getattr_static(object, name, None):
            continue
        members[sync_name] = member
    return members


def signature_text(member: Any) -> str:
    function = function_of(member)
    if not callable(function):
        return f"attribute of type {type(member).__name__}"
    kind = type(member).__name__ if isinstance(member, property | cached_property) else "method"
    return f"{kind} {inspect.signature(function)}"


def surface_differences(pair: Twins) -> list[str]:
    """How the twins' public surfaces differ (listed differences aside)."""
    if inspect.isfunction(pair.async_):
        async_sig, sync_sig = as_sync(signature_text(pair.async_)), signature_text(pair.sync)
        return [] if async_sig == sync_sig else [f"{pair.name}: {async_sig} vs {sync_sig}"]
    async_members, sync_members = surface(pair.async_), surface(pair.sync)
    found = [
        f"{pair.name}.{name}: only in {'the async' if name in async_members else 'the sync'} twin"
        for name in sorted(set(async_members) ^ set(sync_members))
    ]
    for name in sorted(set(async_members) & set(sync_members)):
        if f"{pair.name}.{name}" in SURFACE_DIFFERENCES:
            continue
        async_sig = as_sync(signature_text(async_members[name]))
        sync_sig = signature_text(sync_members[name])
        if async_sig != sync_sig:
            found.append(f"{pair.name}.{name}: {async_sig} vs {sync_sig}")
    return found


def source_twins(pair: Twins) -> Iterator[tuple[str, Callable[..., Any], Callable[..., Any]]]:
    """The runtime functions of a pair that must read alike: the pair itself, or each method both
    classes define (not inherit)."""
    if pair.name in SOURCE_DIFFERENCES:
        return
    if inspect.isfunction(pair.async_):
        yield pair.name, pair.async_, pair.sync
        return
    for name, member in vars(pair.async_).items():
        twin = vars(pair.sync).get(PROTOCOL.get(name, name))
        async_function, sync_function = function_of(member), function_of(twin)
        if inspect.isfunction(async_function) and inspect.isfunction(sync_function):
            qualified = f"{pair.name}.{name}"
            if qualified not in SOURCE_DIFFERENCES:
                yield qualified, async_function, sync_function


SOURCE_TWINS = [twins for pair in PAIRS if pair.in_runtime for twins in source_twins(pair)]


# -- the tests ----------------------------------------------------------------------------------------


def test_every_async_name_has_a_sync_twin_or_a_reason() -> None:
    assert sorted(set(UNPAIRED_FOUND) - set(UNPAIRED)) == []
    assert sorted(set(UNPAIRED) - set(UNPAIRED_FOUND)) == [], "listed as unpaired, but now paired or gone"


def test_the_twins_are_found_by_themselves_everywhere() -> None:
    found = {pair.name for pair in PAIRS}
    expected = {
        "chaser_core._client.AsyncChaser",
        "chaser_core._base_client.AsyncAPIClient",
        "chaser_core._pagination.AsyncPage",
        "chaser_core._streaming.AsyncStream",
        "chaser_core._streaming.async_open_stream",
        "chaser_core._transport.AsyncHttpxTransport",
        "chaser_core.cdp.AsyncCdpClient",
        "chaser_core.resources.sessions.AsyncSessionsResource",
        "chaser_core.resources.sessions.AsyncSessionsResourceWithRawResponse",
    }
    assert expected <= found
    resource_modules = [module for module in MODULES if module.__name__.startswith("chaser_core.resources.")]
    assert len(resource_modules) >= 10
    for module in resource_modules:
        for name in module.__all__:
            if name.startswith("Async"):
                assert {f"{module.__name__}.{name}", f"{module.__name__}.{name}WithRawResponse"} <= found


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.name for pair in PAIRS])
def test_twins_have_the_same_public_methods_and_signatures(pair: Twins) -> None:
    assert surface_differences(pair) == []


@pytest.mark.parametrize(("name", "async_", "sync"), SOURCE_TWINS, ids=[name for name, _, _ in SOURCE_TWINS])
def test_async_twin_reads_like_the_sync_one(
    name: str, async_: Callable[..., Any], sync: Callable[..., Any]
) -> None:
    assert as_sync(source_of(async_)) == source_of(sync)


def test_the_listed_differences_still_exist() -> None:
    """A difference that was fixed (or a name that went away) comes off the lists."""
    by_name = {pair.name: pair for pair in PAIRS}
    for listed in (*SURFACE_DIFFERENCES, *SOURCE_DIFFERENCES):
        owner = by_name.get(listed) or by_name.get(listed.rpartition(".")[0])
        assert owner is not None, f"{listed} names no twin"
    compared = {name for name, _, _ in SOURCE_TWINS}
    assert not compared & set(SOURCE_DIFFERENCES)
    assert [name for name in SURFACE_DIFFERENCES if not _surface_differs(name, by_name)] == []


def _surface_differs(listed: str, by_name: dict[str, Twins]) -> bool:
    pair_name, _, member = listed.rpartition(".")
    pair = by_name[pair_name]
    async_sig = as_sync(signature_text(surface(pair.async_)[member]))
    return async_sig != signature_text(surface(pair.sync)[PROTOCOL.get(member, member)])


# -- the checks catch what they should ---------------------------------------------------------------


def test_the_source_comparison_catches_a_difference() -> None:
    def sync_twin(client: Any) -> Any:
        return client.send_request({}, idempotent=True)

    async def async_twin(client: Any) -> Any:
        return await client.send_request({}, idempotent=False)

    assert as_sync(source_of(async_twin)).replace("async_twin", "sync_twin") != source_of(sync_twin)


class Widget:
    def get(self, widget_id: str, *, timeout: float = 1.0) -> int:
        return 0

    def remove(self, widget_id: str) -> None: ...


class AsyncWidget:
    async def get(self, widget_id: str, *, timeout: float = 2.0) -> int:
        return 0


def test_the_surface_comparison_catches_a_missing_method_and_a_changed_signature() -> None:
    module = ModuleType("example")
    for cls in (Widget, AsyncWidget):
        cls.__module__ = "example"
        setattr(module, cls.__name__, cls)
    (pair,), unpaired = discover([module])
    assert (pair.async_, pair.sync, unpaired) == (AsyncWidget, Widget, [])
    differences = surface_differences(pair)
    assert differences[0] == "example.AsyncWidget.remove: only in the sync twin"
    assert differences[1].startswith("example.AsyncWidget.get: ")
    assert "= 2.0" in differences[1] and "= 1.0" in differences[1]
    assert len(differences) == 2
