"""Request bodies from keyword arguments, and the per-call extra_body / extra_query / extra_headers."""

from __future__ import annotations

from typing import Any

import pytest
import respx
from chaser_core._api.models.exec_in_session_body_env import ExecInSessionBodyEnv

from tests.conftest import session_json

from .conftest import run, sent_json

pytestmark = pytest.mark.anyio

EXEC_RESULT = {"output": "", "exit_code": 0}
BULK_RESULT = {"terminated": [], "skipped": [], "failed": []}


@pytest.fixture
def exec_route(api: respx.MockRouter) -> respx.Route:
    return api.post("/v1/sessions/s1/exec").respond(json=EXEC_RESULT)


@pytest.fixture
def create_route(api: respx.MockRouter) -> respx.Route:
    return api.post("/v1/sessions").respond(json=session_json())


async def test_keyword_arguments_build_the_json_body(client: Any, exec_route: respx.Route) -> None:
    await run(
        client.exec.in_session("s1", command="ls -la", cwd="/workspace", timeout_ms=5000, background=False)
    )

    request = exec_route.calls.last.request
    assert sent_json(exec_route) == {
        "command": "ls -la",
        "cwd": "/workspace",
        "timeout_ms": 5000,
        "background": False,
    }
    assert request.headers["content-type"] == "application/json"


async def test_arguments_left_unset_are_omitted(client: Any, exec_route: respx.Route) -> None:
    await run(client.exec.in_session("s1", command="ls"))

    assert exec_route.calls.last.request.content == b'{"command":"ls"}'


async def test_nested_model_argument_accepts_a_plain_dict(client: Any, exec_route: respx.Route) -> None:
    await run(client.exec.in_session("s1", command="ls", env={"A": "1", "PATH": "/bin"}))

    assert sent_json(exec_route) == {"command": "ls", "env": {"A": "1", "PATH": "/bin"}}


async def test_nested_model_argument_accepts_the_model(client: Any, exec_route: respx.Route) -> None:
    env = ExecInSessionBodyEnv()
    env["A"] = "1"

    await run(client.exec.in_session("s1", command="ls", env=env))

    assert sent_json(exec_route) == {"command": "ls", "env": {"A": "1"}}


async def test_non_ascii_text_is_sent_as_utf8(client: Any, exec_route: respx.Route) -> None:
    await run(client.exec.in_session("s1", command="echo héllo ✓"))

    assert exec_route.calls.last.request.content == '{"command":"echo héllo ✓"}'.encode()


async def test_union_body_picks_the_ephemeral_variant(client: Any, create_route: respx.Route) -> None:
    await run(client.sessions.create(ephemeral=True, image="python:3.12", session_type="sandbox"))

    assert sent_json(create_route) == {"ephemeral": True, "image": "python:3.12", "session_type": "sandbox"}


async def test_union_body_picks_the_workspace_variant(client: Any, create_route: respx.Route) -> None:
    await run(client.sessions.create(workspace="w", env={"DEBUG": "1"}, github_repo="acme/app"))

    assert sent_json(create_route) == {"workspace": "w", "env": {"DEBUG": "1"}, "github_repo": "acme/app"}


async def test_union_body_with_only_shared_arguments_uses_the_first_matching_variant(
    client: Any, create_route: respx.Route
) -> None:
    await run(client.sessions.create(session_type="browser"))

    assert sent_json(create_route) == {"session_type": "browser"}


async def test_union_body_sends_arguments_from_both_open_variants(
    client: Any, create_route: respx.Route
) -> None:
    # As chaser-sdk 0.2.1 sends it: both variants are open objects joined by anyOf, so the API takes it.
    await run(client.sessions.create(session_type="sandbox", workspace="frontend-app", ephemeral=True))

    assert sent_json(create_route) == {
        "session_type": "sandbox",
        "workspace": "frontend-app",
        "ephemeral": True,
    }


async def test_union_body_sends_every_argument_of_both_variants_in_wire_format(
    client: Any, create_route: respx.Route
) -> None:
    await run(
        client.sessions.create(
            workspace="w",
            env={"DEBUG": "1"},
            github_repo="acme/app",
            ephemeral=True,
            image="python:3.12",
            proxy=None,
        )
    )

    assert sent_json(create_route) == {
        "workspace": "w",
        "env": {"DEBUG": "1"},
        "github_repo": "acme/app",
        "ephemeral": True,
        "image": "python:3.12",
        "proxy": None,
    }


async def test_explicit_none_is_sent_as_null_for_nullable_fields(
    client: Any, create_route: respx.Route
) -> None:
    await run(client.sessions.create(workspace="w", github_repo=None))

    assert sent_json(create_route) == {"workspace": "w", "github_repo": None}


async def test_python_keyword_names_map_to_their_wire_names(client: Any, api: respx.MockRouter) -> None:
    route = api.post("/v1/sessions/bulk-terminate").respond(json=BULK_RESULT)

    await run(client.sessions.bulk_terminate(all=True, session_type="sandbox"))

    assert sent_json(route) == {"all": True, "session_type": "sandbox"}


async def test_extra_body_merges_into_the_json_body(client: Any, exec_route: respx.Route) -> None:
    await run(client.exec.in_session("s1", command="ls", extra_body={"dry_run": True, "command": "pwd"}))

    assert sent_json(exec_route) == {"command": "pwd", "dry_run": True}


async def test_extra_body_on_a_request_without_a_body_sends_it_as_json(
    client: Any, api: respx.MockRouter
) -> None:
    route = api.post("/v1/jobs/job_1/cancel").respond(json={"id": "job_1"})

    await run(client.jobs.cancel("job_1", extra_body={"reason": "superseded"}))

    assert sent_json(route) == {"reason": "superseded"}
    assert route.calls.last.request.headers["content-type"] == "application/json"


async def test_extra_query_merges_into_the_query(client: Any, api: respx.MockRouter) -> None:
    route = api.delete("/v1/sessions/s1").respond(204)

    await run(client.sessions.terminate("s1", force=True, extra_query={"reason": "idle", "dry": 1}))

    assert dict(route.calls.last.request.url.params) == {"force": "true", "reason": "idle", "dry": "1"}


async def test_extra_headers_are_sent_and_replace_defaults_case_insensitively(
    client: Any, api: respx.MockRouter
) -> None:
    route = api.get("/v1/sessions/s1").respond(json=session_json())

    await run(
        client.sessions.get("s1", extra_headers={"X-Trace-Id": "abc", "accept": "application/x-ndjson"})
    )

    headers = route.calls.last.request.headers
    assert headers["x-trace-id"] == "abc"
    assert headers.get_list("accept") == ["application/x-ndjson"]


async def test_extra_headers_can_set_the_account_for_one_call(client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").respond(json=session_json())

    await run(client.sessions.get("s1", extra_headers={"x-chaser-account": "acct_once"}))
    await run(client.sessions.get("s1"))

    assert route.calls[0].request.headers.get_list("x-chaser-account") == ["acct_once"]
    assert "x-chaser-account" not in route.calls[1].request.headers


async def test_path_parameters_are_percent_encoded(client: Any, api: respx.MockRouter) -> None:
    route = api.get(url__regex=r"/v1/sessions/.+").respond(json=session_json())

    await run(client.sessions.get("a/b c?"))

    assert route.calls.last.request.url.raw_path == b"/v1/sessions/a%2Fb%20c%3F"
