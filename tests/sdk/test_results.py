"""Results are typed models, parsed leniently where the API may grow and strictly where it broke."""

from __future__ import annotations

import json
from typing import Any

import attrs
import httpx
import pytest
import respx
from chaser_core import APIResponseValidationError
from chaser_core._api.models.account_info import AccountInfo
from chaser_core._api.models.account_member_info import AccountMemberInfo
from chaser_core._api.models.endpoints import Endpoints
from chaser_core._api.models.list_sessions_response import ListSessionsResponse
from chaser_core._api.models.sandbox_exec_response import SandboxExecResponse
from chaser_core._api.models.session_info import SessionInfo
from chaser_core._api.types import Unset

from tests.conftest import session_json

from .conftest import account_json, run

pytestmark = pytest.mark.anyio


async def test_returns_a_typed_model_not_a_dict(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/s1").respond(json=session_json(persistence=True))

    session = await run(make_client().sessions.get("s1"))

    assert type(session) is SessionInfo
    assert attrs.has(type(session))
    assert not isinstance(session, dict)
    assert (session.id, session.status, session.persistence) == ("s1", "running", True)
    assert isinstance(session.endpoints, Endpoints)
    assert session.endpoints.control == "wss://api.chaser.sh/control/s1"
    assert isinstance(session.workspace_id, Unset)


async def test_unwrapped_method_returns_the_inner_list(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/accounts").respond(json={"accounts": [account_json("acc_1"), account_json("acc_2", "Team")]})

    accounts = await run(make_client().accounts.list())

    assert isinstance(accounts, list)
    assert all(type(account) is AccountInfo for account in accounts)
    assert [(account.id, account.name) for account in accounts] == [("acc_1", "Personal"), ("acc_2", "Team")]


async def test_unwrapped_method_returns_the_inner_object(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/accounts/current").respond(json={"account": account_json("acc_9")})

    account = await run(make_client().accounts.current())

    assert type(account) is AccountInfo
    assert account.id == "acc_9"


async def test_nested_resource_returns_typed_items(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/accounts/current/members").respond(json={"members": [{"user_id": "u1", "role": "admin"}]})

    members = await run(make_client().accounts.members.list())

    assert [type(member) for member in members] == [AccountMemberInfo]
    assert (members[0].user_id, members[0].role) == ("u1", "admin")


async def test_operation_without_a_body_returns_none(make_client: Any, api: respx.MockRouter) -> None:
    route = api.delete("/v1/sessions/s1").respond(204)

    result = await run(make_client().sessions.terminate("s1", force=True))

    assert result is None
    assert route.calls.last.request.url.params["force"] == "true"


async def test_unknown_enum_value_does_not_raise_and_stays_readable(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").respond(json=session_json(session_type="gpu", status="hibernating"))

    session = await run(make_client().sessions.get("s1"))

    assert session.session_type == "gpu"
    assert session.status == "hibernating"


async def test_unknown_enum_value_is_accepted_as_an_argument(make_client: Any, api: respx.MockRouter) -> None:
    route = api.post("/v1/sessions").respond(json=session_json())

    await run(make_client().sessions.create(ephemeral=True, session_type="gpu"))

    assert route.calls.last.request.content == b'{"ephemeral":true,"session_type":"gpu"}'


async def test_extra_fields_land_in_additional_properties(make_client: Any, api: respx.MockRouter) -> None:
    body = session_json(region="eu-west", gpu={"count": 2})
    body["endpoints"]["metrics"] = "https://metrics/s1"
    api.get("/v1/sessions/s1").respond(json=body)

    session = await run(make_client().sessions.get("s1"))

    assert session.additional_properties == {"region": "eu-west", "gpu": {"count": 2}}
    assert session["region"] == "eu-west"
    assert session.endpoints.additional_properties == {"metrics": "https://metrics/s1"}


async def test_extra_fields_in_list_items_do_not_raise(make_client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions").respond(
        json={"sessions": [session_json(future_field=1)], "total": 1, "next_cursor": "abc"}
    )

    page = await run(make_client().sessions.list())

    assert isinstance(page.page, ListSessionsResponse)
    assert page.page.additional_properties == {"next_cursor": "abc"}
    assert page.items[0].additional_properties == {"future_field": 1}


async def test_body_missing_a_required_field_raises_validation_error_with_the_response(
    make_client: Any, api: respx.MockRouter
) -> None:
    body = session_json()
    del body["id"]
    api.get("/v1/sessions/s1").respond(json=body, headers={"x-request-id": "req_bad"})

    with pytest.raises(APIResponseValidationError) as caught:
        await run(make_client().sessions.get("s1"))

    error = caught.value
    assert "SessionInfo" in str(error)
    assert "'id'" in str(error)
    assert error.body == body
    assert error.status_code == 200
    assert error.request_id == "req_bad"
    assert isinstance(error.response, httpx.Response)
    assert error.response.json() == body


async def test_missing_field_in_a_nested_list_item_raises_validation_error(
    make_client: Any, api: respx.MockRouter
) -> None:
    broken = account_json()
    del broken["role"]
    api.get("/v1/accounts").respond(json={"accounts": [account_json(), broken]})

    with pytest.raises(APIResponseValidationError, match="role"):
        await run(make_client().accounts.list())


@pytest.mark.parametrize("body", [[session_json()], "s1", 42, None])
async def test_wrong_typed_top_level_body_raises_validation_error(
    make_client: Any, api: respx.MockRouter, body: Any
) -> None:
    api.get("/v1/sessions/s1").respond(content=json.dumps(body), headers={"content-type": "application/json"})

    with pytest.raises(APIResponseValidationError, match="expected an object for SessionInfo") as caught:
        await run(make_client().sessions.get("s1"))

    assert caught.value.body == body
    assert caught.value.response.status_code == 200


async def test_malformed_json_raises_validation_error(make_client: Any, api: respx.MockRouter) -> None:
    route = api.get("/v1/sessions/s1").respond(
        200, content=b'{"id": "s1", ', headers={"content-type": "application/json"}
    )

    with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
        await run(make_client().sessions.get("s1"))

    assert caught.value.body == '{"id": "s1", '
    assert caught.value.response.status_code == 200
    assert route.call_count == 1  # a broken body is not retried


async def test_non_json_content_type_is_named_in_the_validation_error(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/s1").respond(
        200, text="<html>maintenance</html>", headers={"content-type": "text/html"}
    )

    with pytest.raises(APIResponseValidationError, match="text/html"):
        await run(make_client().sessions.get("s1"))


async def test_empty_2xx_body_for_a_json_operation_raises_validation_error(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.post("/v1/sessions/s1/exec").respond(200)

    with pytest.raises(APIResponseValidationError):
        await run(make_client().exec.in_session("s1", command="ls"))


async def test_exec_result_is_a_model(make_client: Any, api: respx.MockRouter) -> None:
    api.post("/v1/sessions/s1/exec").respond(json={"output": "a\nb\n", "exit_code": 0, "status": "completed"})

    result = await run(make_client().exec.in_session("s1", command="ls"))

    assert type(result) is SandboxExecResponse
    assert (result.output, result.exit_code) == ("a\nb\n", 0)
