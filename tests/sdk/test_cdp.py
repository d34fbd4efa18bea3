"""chaser_core.cdp against a real WebSocket server on 127.0.0.1 (websockets' own), playing a browser.

Each test runs with the sync CdpClient and the asyncio AsyncCdpClient. The fake browser answers
commands by id, sends events between a command and its answer, answers with errors, closes the
connection in the middle of a command, or never answers, on request (the command's method).
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    AsyncChaser,
    CDPCommandError,
    CDPConnectionError,
    CDPError,
    CDPTimeoutError,
    Chaser,
    ChaserError,
)
from chaser_core.cdp import AsyncCdpClient, CdpClient, CDPEvent

from tests.conftest import BASE, KEY
from tests.fake_browser import FakeBrowser

from .conftest import run

pytestmark = pytest.mark.anyio


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBrowser]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeBrowser()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(params=["sync", "async"])
async def cdp(request: pytest.FixtureRequest, browser: FakeBrowser, anyio_backend: str) -> AsyncIterator[Any]:
    """A connected CdpClient or AsyncCdpClient (the test runs once with each)."""
    client: Any = CdpClient(browser.url) if request.param == "sync" else AsyncCdpClient(browser.url)
    await run(client.connect())
    yield client
    await run(client.close())


async def test_send_returns_the_result_of_the_answer_with_its_id(cdp: Any, browser: FakeBrowser) -> None:
    first = await run(cdp.send("Echo.this"))
    second = await run(cdp.send("Target.attachToTarget", {"targetId": "T1", "flatten": True}, "S-9"))

    assert first == {"echo": "Echo.this", "params": {}}
    assert second == {"echo": "Target.attachToTarget", "params": {"targetId": "T1", "flatten": True}}
    assert browser.received == [
        {"id": 1, "method": "Echo.this", "params": {}},
        {
            "id": 2,
            "method": "Target.attachToTarget",
            "params": {"targetId": "T1", "flatten": True},
            "sessionId": "S-9",
        },
    ]


async def test_answers_that_arrive_out_of_order_reach_their_own_commands(
    cdp: Any, browser: FakeBrowser
) -> None:
    if isinstance(cdp, CdpClient):
        held: list[Any] = []
        waiter = threading.Thread(target=lambda: held.append(cdp.send("Hold")))
        waiter.start()
        assert browser.hold_received.wait(5)
        released = cdp.send("Release")
        waiter.join(5)
    else:
        task = asyncio.create_task(cdp.send("Hold"))
        assert await asyncio.to_thread(browser.hold_received.wait, 5)
        released = await cdp.send("Release")
        held = [await task]

    assert released == {"released": True} and held == [{"held": True}]
    assert browser.replied == [2, 1]  # the second command was answered first


async def test_events_between_a_command_and_its_answer_reach_the_handlers_in_order(cdp: Any) -> None:
    seen: list[CDPEvent] = []
    loaded = threading.Event()

    def record(event: CDPEvent) -> None:
        seen.append(event)
        if event.method == "Page.loadEventFired":
            loaded.set()

    unsubscribe = cdp.on("*", record)
    result = await run(cdp.send("Page.navigate", {"url": "https://example.com"}))
    assert await asyncio.to_thread(loaded.wait, 5)
    unsubscribe()
    await run(cdp.send("Page.navigate", {"url": "https://example.com"}))

    assert result == {"frameId": "F1"}
    assert [(event.method, event.params) for event in seen] == [
        ("Page.frameStartedLoading", {"frameId": "F1"}),
        ("Page.loadEventFired", {"timestamp": 1.5}),
    ]


async def test_a_handler_subscribed_to_one_event_sees_only_that_event(cdp: Any) -> None:
    seen: list[str] = []
    done = threading.Event()
    cdp.on("Page.loadEventFired", lambda event: (seen.append(event.method), done.set()))

    await run(cdp.send("Page.navigate", {"url": "https://example.com"}))

    assert await asyncio.to_thread(done.wait, 5)
    assert seen == ["Page.loadEventFired"]


async def test_wait_for_returns_the_next_event_the_predicate_accepts(cdp: Any) -> None:
    if isinstance(cdp, CdpClient):
        caught: list[CDPEvent] = []
        waiter = threading.Thread(
            target=lambda: caught.append(cdp.wait_for("Page.loadEventFired", timeout=5))
        )
        waiter.start()
        while not cdp._wakeups:  # registered: the event cannot be missed now
            await asyncio.sleep(0)
        cdp.send("Page.navigate", {"url": "https://example.com"})
        waiter.join(5)
        event = caught[0]
    else:
        pending = asyncio.create_task(
            cdp.wait_for(
                "Page.frameStartedLoading", predicate=lambda e: e.params.get("frameId") == "F1", timeout=5
            )
        )
        await asyncio.sleep(0)
        await cdp.send("Page.navigate", {"url": "https://example.com"})
        event = await pending

    assert event.method in ("Page.loadEventFired", "Page.frameStartedLoading")
    assert event.session_id is None


async def test_an_error_answer_raises_a_typed_cdp_command_error(cdp: Any) -> None:
    with pytest.raises(CDPCommandError) as caught:
        await run(cdp.send("Fail.always"))

    error = caught.value
    assert isinstance(error, CDPError) and isinstance(error, ChaserError)
    assert (error.method, error.code, error.message, error.data) == (
        "Fail.always",
        -32601,
        "'Fail.always' wasn't found",
        {"hint": "typo"},
    )
    assert str(error) == "Fail.always failed: 'Fail.always' wasn't found (code -32601)"
    assert await run(cdp.send("Still.works")) == {"echo": "Still.works", "params": {}}


async def test_messages_that_are_neither_answers_nor_events_are_skipped(cdp: Any) -> None:
    assert await run(cdp.send("Garbage.then.answer")) == {"ok": True}


async def test_the_browser_closing_mid_command_fails_it_and_every_later_one(cdp: Any) -> None:
    with pytest.raises(
        CDPConnectionError,
        match=r"closed before the command was answered \(close code 1011: browser crashed\)",
    ):
        await run(cdp.send("Close.now"))

    with pytest.raises(CDPConnectionError):
        await run(cdp.send("Echo.this"))
    with pytest.raises(CDPConnectionError):
        await run(cdp.wait_for("Page.loadEventFired", timeout=5))
    assert not cdp.connected


async def test_a_command_without_an_answer_times_out_and_the_client_goes_on(cdp: Any) -> None:
    with pytest.raises(CDPTimeoutError, match=r"Never\.answer got no answer within 0\.2s") as caught:
        await run(cdp.send("Never.answer", timeout=0.2))

    assert isinstance(caught.value, TimeoutError)
    assert await run(cdp.send("Echo.this")) == {"echo": "Echo.this", "params": {}}


@pytest.mark.parametrize("client_class", [CdpClient, AsyncCdpClient])
async def test_the_client_timeout_is_the_default_of_each_command(
    browser: FakeBrowser, client_class: Any
) -> None:
    client = client_class(browser.url, timeout=0.2)
    await run(client.connect())
    try:
        with pytest.raises(CDPTimeoutError, match=r"within 0\.2s"):
            await run(client.send("Never.answer"))
        with pytest.raises(CDPTimeoutError, match=r"no Page\.loadEventFired event arrived in time"):
            await run(client.wait_for("Page.loadEventFired"))
    finally:
        await run(client.close())


async def test_a_handler_that_raises_is_logged_and_the_client_goes_on(
    cdp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    done = threading.Event()

    def broken(event: CDPEvent) -> None:
        raise RuntimeError("handler bug")

    cdp.on("Page.frameStartedLoading", broken)
    cdp.on("Page.loadEventFired", lambda event: done.set())
    await run(cdp.send("Page.navigate", {"url": "https://example.com"}))

    assert await asyncio.to_thread(done.wait, 5)
    assert "a handler of Page.frameStartedLoading raised" in caplog.text


async def test_a_handler_may_send_commands_itself(cdp: Any) -> None:
    answers: list[Any] = []
    done = threading.Event()

    if isinstance(cdp, CdpClient):

        def follow(event: CDPEvent) -> None:
            answers.append(cdp.send("Runtime.evaluate", {"expression": "1"}))
            done.set()

    else:

        async def follow(event: CDPEvent) -> None:  # type: ignore[misc]
            answers.append(await cdp.send("Runtime.evaluate", {"expression": "1"}))
            done.set()

    cdp.on("Page.loadEventFired", follow)
    await run(cdp.send("Page.navigate", {"url": "https://example.com"}))

    assert await asyncio.to_thread(done.wait, 5)
    assert answers == [{"echo": "Runtime.evaluate", "params": {"expression": "1"}}]


@pytest.mark.parametrize("client_class", [CdpClient, AsyncCdpClient])
async def test_commands_before_connect_and_unreachable_browsers_raise_connection_errors(
    client_class: Any,
) -> None:
    with pytest.raises(CDPConnectionError, match="not connected"):
        await run(client_class("ws://127.0.0.1:9/").send("Echo.this"))
    with pytest.raises(
        CDPConnectionError, match=re.escape("cannot open the CDP WebSocket ws://127.0.0.1:9/")
    ):
        await run(client_class("ws://127.0.0.1:9/", open_timeout=5).connect())
    with pytest.raises(CDPConnectionError, match="InvalidURI"):
        await run(client_class("http://not-a-websocket/").connect())


@pytest.mark.parametrize("client_class", [CdpClient, AsyncCdpClient])
async def test_the_socket_carries_no_api_key_and_the_headers_given(
    browser: FakeBrowser, client_class: Any
) -> None:
    client = client_class(browser.url, headers={"X-Proxy-Token": "p1"})
    if isinstance(client, CdpClient):
        with client:
            client.send("Echo.this")
    else:
        async with client:
            await client.send("Echo.this")

    (headers,) = browser.handshake_headers
    assert headers["x-proxy-token"] == "p1"
    assert "authorization" not in headers and KEY not in json.dumps(headers)
    assert not client.connected
    with pytest.raises(CDPConnectionError, match="was closed: make a new one"):
        await run(client.connect())


# -- client.browser.cdp(session_id) ------------------------------------------------------------------


@pytest.mark.parametrize("client_class", [Chaser, AsyncChaser])
async def test_browser_cdp_returns_a_client_connected_to_the_sessions_debugger_url(
    browser: FakeBrowser, client_class: Any
) -> None:
    with respx.mock(base_url=BASE) as api:
        version = api.get("/v1/sessions/s1/json/version").respond(
            json={"Browser": "Chrome/130", "webSocketDebuggerUrl": browser.url}
        )
        chaser = client_class(api_key=KEY)
        cdp = await run(chaser.browser.cdp("s1", timeout=7))
        try:
            assert cdp.connected and cdp.timeout == 7
            assert isinstance(cdp, CdpClient if client_class is Chaser else AsyncCdpClient)
            assert await run(cdp.send("Echo.this")) == {"echo": "Echo.this", "params": {}}
        finally:
            await run(cdp.close())
            await run(chaser.close())

    assert version.calls.last.request.headers["authorization"] == f"Bearer {KEY}"


async def test_browser_cdp_without_a_debugger_url_raises_a_chaser_error() -> None:
    with respx.mock(base_url=BASE) as api:
        api.get("/v1/sessions/s1/json/version").mock(
            return_value=httpx.Response(200, json={"Browser": "Chrome"})
        )
        with pytest.raises(ChaserError, match="exposes no webSocketDebuggerUrl"):
            Chaser(api_key=KEY).browser.cdp("s1")


# -- packaging: the extra ----------------------------------------------------------------------------


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_import_chaser_core_and_building_a_client_do_not_import_websockets() -> None:
    completed = _python(
        "import sys, chaser_core; c = chaser_core.Chaser(api_key='sk_test'); c.browser; chaser_core.CDPError; "
        "print(sorted(m for m in sys.modules if m.startswith('websockets') or m == 'chaser_core.cdp'))"
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "use",
    ["import chaser_core.cdp", "import chaser_core; chaser_core.Chaser(api_key='sk_test').browser.cdp('s1')"],
    ids=["import", "browser.cdp"],
)
def test_without_the_extra_an_import_error_names_it(use: str) -> None:
    completed = _python(f"import sys; sys.modules['websockets'] = None; {use}")

    assert completed.returncode == 1
    assert "ImportError: chaser_core.cdp needs the cdp extra" in completed.stderr
    assert 'pip install "chaser-core[cdp]"' in completed.stderr
