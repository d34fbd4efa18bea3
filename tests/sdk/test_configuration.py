"""Client configuration: arguments, environment, copies, connection pools, headers, base URLs."""

from __future__ import annotations

import platform
import warnings
from typing import Any

import httpx
import pytest
import respx
from chaser_core import AsyncChaser, Chaser, ConfigurationError, InsecureBaseURLWarning, __version__

from tests.conftest import BASE, KEY, session_json

from .conftest import run

pytestmark = pytest.mark.anyio


def _get_session(api: respx.MockRouter, base: str = BASE) -> respx.Route:
    return api.get(f"{base}/v1/sessions/s1").respond(json=session_json())


async def test_reads_api_key_base_url_and_account_from_the_environment(
    make_client: Any, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHASER_API_KEY", "sk_test_from_env")
    monkeypatch.setenv("CHASER_BASE_URL", "https://env.chaser.test")
    monkeypatch.setenv("CHASER_ACCOUNT", "acct_env")
    route = _get_session(api, "https://env.chaser.test")
    client = make_client(api_key=None)

    await run(client.sessions.get("s1"))

    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer sk_test_from_env"
    assert request.headers["x-chaser-account"] == "acct_env"
    assert client.base_url == httpx.URL("https://env.chaser.test")


async def test_arguments_beat_the_environment(
    make_client: Any, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHASER_API_KEY", "sk_test_from_env")
    monkeypatch.setenv("CHASER_BASE_URL", "https://env.chaser.test")
    monkeypatch.setenv("CHASER_ACCOUNT", "acct_env")
    env_route = _get_session(api, "https://env.chaser.test")
    route = _get_session(api, "https://arg.chaser.test")
    client = make_client(api_key=KEY, base_url="https://arg.chaser.test", account="acct_arg")

    await run(client.sessions.get("s1"))

    assert not env_route.called
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-chaser-account"] == "acct_arg"


async def test_chaser_api_url_is_used_when_chaser_base_url_is_unset(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHASER_API_URL", "https://cli.chaser.test")

    assert make_client().base_url == httpx.URL("https://cli.chaser.test")


async def test_chaser_base_url_wins_over_chaser_api_url(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHASER_API_URL", "https://cli.chaser.test")
    monkeypatch.setenv("CHASER_BASE_URL", "https://sdk.chaser.test")

    assert make_client().base_url == httpx.URL("https://sdk.chaser.test")


async def test_defaults_to_the_production_base_url(make_client: Any) -> None:
    assert make_client().base_url == httpx.URL(BASE)


@pytest.mark.parametrize("cls", [Chaser, AsyncChaser])
@pytest.mark.parametrize("env_key", [None, "", "  \n"])
async def test_missing_api_key_raises_configuration_error_at_construction(
    cls: type[Any], env_key: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env_key is not None:
        monkeypatch.setenv("CHASER_API_KEY", env_key)

    with pytest.raises(ConfigurationError, match="CHASER_API_KEY"):
        cls()


@pytest.mark.parametrize("api_key", ["", "   "])
async def test_blank_api_key_argument_raises_configuration_error(api_key: str) -> None:
    with pytest.raises(ConfigurationError, match="No API key"):
        Chaser(api_key=api_key)


@pytest.mark.parametrize("base_url", ["ftp://api.chaser.sh", "not a url"])
async def test_rejects_a_base_url_that_is_not_http(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        Chaser(api_key=KEY, base_url=base_url)


async def test_rejects_negative_max_retries() -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        Chaser(api_key=KEY, max_retries=-1)


async def test_sends_account_header_only_when_an_account_is_set(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = _get_session(api)

    await run(make_client().sessions.get("s1"))
    await run(make_client(account="acct_1").sessions.get("s1"))

    assert "x-chaser-account" not in route.calls[0].request.headers
    assert route.calls[1].request.headers["x-chaser-account"] == "acct_1"


async def test_sends_bearer_authorization_user_agent_and_json_accept(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = _get_session(api)

    await run(make_client().sessions.get("s1"))

    headers = route.calls.last.request.headers
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["user-agent"] == f"chaser-core/{__version__} python/{platform.python_version()}"
    assert headers["accept"] == "application/json"


async def test_default_headers_are_sent_and_an_explicit_authorization_wins_once(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = _get_session(api)
    client = make_client(default_headers={"X-Team": "infra", "authorization": "Bearer sk_other"})

    await run(client.sessions.get("s1"))
    headers = route.calls.last.request.headers
    assert headers["x-team"] == "infra"
    assert headers.get_list("authorization") == ["Bearer sk_other"]

    await run(client.sessions.get("s1", extra_headers={"Authorization": "Bearer sk_per_call"}))
    assert route.calls.last.request.headers.get_list("authorization") == ["Bearer sk_per_call"]


async def test_strips_a_trailing_slash_and_keeps_a_base_path(make_client: Any, api: respx.MockRouter) -> None:
    route = _get_session(api, "https://proxy.example.com/chaser")

    await run(make_client(base_url="https://proxy.example.com/chaser/").sessions.get("s1"))

    assert route.calls.last.request.url == "https://proxy.example.com/chaser/v1/sessions/s1"


# -- copies ---------------------------------------------------------------------------------------


async def test_with_options_returns_a_copy_and_leaves_the_original_unchanged(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = _get_session(api)
    original = make_client(account="acct_1", max_retries=2, timeout=30.0)

    copy = original.with_options(account="acct_2", max_retries=5, timeout=3.0)
    await run(copy.sessions.get("s1"))
    await run(original.sessions.get("s1"))

    assert copy is not original
    assert (copy.account, copy.max_retries, copy.timeout) == ("acct_2", 5, 3.0)
    assert (original.account, original.max_retries, original.timeout) == ("acct_1", 2, 30.0)
    assert [call.request.headers["x-chaser-account"] for call in route.calls] == ["acct_2", "acct_1"]
    assert copy.api_key == original.api_key == KEY


async def test_with_account_returns_a_copy_acting_in_that_account(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = _get_session(api)
    original = make_client()

    await run(original.with_account("acct_team").sessions.get("s1"))
    await run(original.sessions.get("s1"))

    assert route.calls[0].request.headers["x-chaser-account"] == "acct_team"
    assert "x-chaser-account" not in route.calls[1].request.headers
    assert original.account is None


async def test_with_account_none_acts_personally_even_when_chaser_account_is_set(
    make_client: Any, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHASER_ACCOUNT", "acct_env")
    route = _get_session(api)
    client = make_client()

    personal = client.with_account(None)
    await run(personal.sessions.get("s1"))

    assert client.account == "acct_env"
    assert personal.account is None
    assert "x-chaser-account" not in route.calls.last.request.headers


async def test_copies_share_the_connection_pool_and_closing_a_copy_keeps_it_open(
    make_client: Any, api: respx.MockRouter
) -> None:
    route = _get_session(api)
    original = make_client()

    copy = original.with_options(max_retries=0)
    account_copy = original.with_account("acct_1")
    await run(copy.close())
    await run(account_copy.close())
    await run(original.sessions.get("s1"))

    assert copy._transport is original._transport is account_copy._transport
    assert not original._transport.http.is_closed
    assert route.call_count == 1


# -- connection pools and context managers ----------------------------------------------------------


def _recording_transport(calls: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json=session_json())

    return httpx.MockTransport(handler)


async def test_sync_client_uses_a_caller_http_client_and_does_not_close_it() -> None:
    calls: list[httpx.Request] = []
    http = httpx.Client(transport=_recording_transport(calls))

    with Chaser(api_key=KEY, http_client=http) as client:
        session = client.sessions.get("s1")

    assert session.id == "s1"
    assert [str(request.url) for request in calls] == [f"{BASE}/v1/sessions/s1"]
    assert not http.is_closed
    http.close()


async def test_async_client_uses_a_caller_http_client_and_does_not_close_it() -> None:
    calls: list[httpx.Request] = []
    http = httpx.AsyncClient(transport=_recording_transport(calls))

    async with AsyncChaser(api_key=KEY, http_client=http) as client:
        session = await client.sessions.get("s1")

    assert session.id == "s1"
    assert [str(request.url) for request in calls] == [f"{BASE}/v1/sessions/s1"]
    assert not http.is_closed
    await http.aclose()


async def test_sync_client_is_a_context_manager_closing_its_own_pool() -> None:
    with Chaser(api_key=KEY) as client:
        assert isinstance(client, Chaser)
        assert not client._transport.http.is_closed

    assert client._transport.http.is_closed


async def test_async_client_is_an_async_context_manager_closing_its_own_pool() -> None:
    async with AsyncChaser(api_key=KEY) as client:
        assert isinstance(client, AsyncChaser)
        assert not client._transport.http.is_closed

    assert client._transport.http.is_closed


# -- insecure base URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [Chaser, AsyncChaser])
async def test_plain_http_to_a_remote_host_warns_insecure_base_url(cls: type[Any]) -> None:
    with pytest.warns(InsecureBaseURLWarning, match="not HTTPS"):
        cls(api_key=KEY, base_url="http://api.example.com")


@pytest.mark.parametrize("cls", [Chaser, AsyncChaser])
@pytest.mark.parametrize(
    "base_url",
    ["http://localhost:8080", "http://127.0.0.1:9000", "http://[::1]:9000", "https://api.example.com"],
)
async def test_https_and_plain_http_to_localhost_do_not_warn(cls: type[Any], base_url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = cls(api_key=KEY, base_url=base_url)

    assert client.base_url == httpx.URL(base_url)


async def test_insecure_base_url_warning_points_at_the_callers_line() -> None:
    with pytest.warns(InsecureBaseURLWarning) as record:
        Chaser(api_key=KEY, base_url="http://api.example.com")

    assert record[0].filename == __file__


@pytest.mark.parametrize("cls", [Chaser, AsyncChaser])
async def test_copies_of_an_insecure_client_do_not_warn_again(cls: type[Any]) -> None:
    with pytest.warns(InsecureBaseURLWarning):
        client = cls(api_key=KEY, base_url="http://api.example.com")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.with_account("team").with_options(max_retries=0)
    with pytest.warns(InsecureBaseURLWarning):
        client.with_options(base_url="http://other.example.com")


@pytest.mark.parametrize("cls", [Chaser, AsyncChaser])
async def test_a_non_ascii_account_name_is_refused_at_construction(cls: type[Any]) -> None:
    with pytest.raises(ConfigurationError, match="pass the account's id"):
        cls(api_key=KEY, account="Équipe")
