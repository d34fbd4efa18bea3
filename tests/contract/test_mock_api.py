"""chaser_core.testing.MockAPI: the validating mock users test their own code against."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import jsonschema
import pytest
from chaser_core._spec import OPERATIONS
from chaser_core.testing import MockAPI, MockValidationError, example_for

from tests.contract.helpers import resolve, success_response
from tests.spec_model import overlaid_spec, project_api


@pytest.fixture
def api():
    with MockAPI() as mock:
        yield mock


def test_every_operation_has_a_route_named_after_its_sdk_method(api):
    assert sorted(api.operations) == sorted(op.qualified_name for op in project_api().operations)
    assert OPERATIONS["sessions.get"] == ("GET", "/v1/sessions/{id}", "#/paths/~1v1~1sessions~1{id}/get")


def test_default_answers_are_valid_against_the_response_schemas():
    document = overlaid_spec()
    for op in project_api().operations:
        _, media, schema = success_response(op)
        if media != "application/json":
            continue
        body = example_for(schema, document)
        validator = jsonschema.Draft202012Validator({**resolve(schema), "components": document["components"]})
        assert not list(validator.iter_errors(body)), op.key


def test_the_client_works_against_the_mock_out_of_the_box(api):
    client = api.client()
    session = client.sessions.get("s1")
    assert session.id == "string"
    assert [s.id for s in client.sessions.list()] == ["string"]  # the mocked second page is empty
    assert api.calls("sessions.get")[0].url.path == "/v1/sessions/s1"


def test_respond_overrides_the_answer_and_keeps_validating(api):
    api.respond("sessions.get", json={**api.example_response("sessions.get"), "status": "ready"})
    client = api.client()
    assert client.sessions.get("s1").status == "ready"
    with pytest.raises(MockValidationError, match="query parameter 'nope' is not in the spec"):
        client.sessions.get("s1", extra_query={"nope": 1})


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (lambda c: c.sessions.list(extra_query={"limit": "many"}), "query parameter 'limit'"),
        (lambda c: c.exec.run(command="ls", extra_body={"timeout_ms": "soon"}), "body"),
        (lambda c: c.accounts.members.add(email="a@b.c", extra_body={"role": "emperor"}), "emperor"),
        (lambda c: c.sessions.get("s1", extra_headers={"Authorization": "Token x"}), "Authorization"),
    ],
    ids=["query-type", "body-type", "body-enum", "auth-scheme"],
)
def test_requests_the_api_would_reject_fail_the_test(api, call, problem):
    with pytest.raises(MockValidationError, match=problem):
        call(api.client())


@pytest.mark.parametrize("surface", ["sync", "async"])
def test_the_mock_accepts_a_body_with_fields_of_both_open_variants(api, surface):
    body = {"session_type": "sandbox", "workspace": "frontend-app", "ephemeral": True}
    if surface == "sync":
        api.client().sessions.create(**body)
    else:
        asyncio.run(api.async_client().sessions.create(**body))
    assert json.loads(api.calls("sessions.create")[-1].content) == body


def test_a_missing_required_body_and_a_wrong_content_type_are_rejected(api):
    with httpx.Client(base_url="https://api.chaser.sh", headers={"Authorization": "Bearer k"}) as http:
        with pytest.raises(MockValidationError, match="missing required request body"):
            http.post("/v1/exec")
        with pytest.raises(MockValidationError, match="content type 'text/plain'"):
            http.post("/v1/exec", content=b"ls", headers={"content-type": "text/plain"})
        with pytest.raises(MockValidationError, match="missing multipart field 'path'"):
            http.post("/v1/sessions/s1/upload", files={"file": ("a.txt", b"x")})


def test_path_parameters_may_contain_encoded_slashes(api):
    api.client().sessions.get("a/b c")
    assert api.calls("sessions.get")[0].url.raw_path == b"/v1/sessions/a%2Fb%20c"


def test_validation_can_be_switched_off():
    with MockAPI(validate=False) as api:
        session = api.client().sessions.get("s1", extra_query={"anything": "goes"})
        assert session.id == "string"
        assert api.calls("sessions.get")[0].url.params["anything"] == "goes"


def test_unknown_operation_names_list_the_known_ones(api):
    with pytest.raises(KeyError, match=r"sessions\.get"):
        api.respond("sessions.fetch", json={})


# -- the same mock on both async transports ------------------------------------------------------


@pytest.fixture(params=["httpx", "aiohttp"])
def transport(request):
    return request.param


@pytest.mark.anyio
async def test_the_async_client_works_against_the_mock_on_either_transport(api, transport):
    api.respond("sessions.get", json={**api.example_response("sessions.get"), "status": "ready"})
    async with api.async_client(transport=transport) as client:
        assert (await client.sessions.get("s1")).status == "ready"
        assert [s.id async for s in client.sessions.list()] == ["string"]
        with pytest.raises(MockValidationError, match="query parameter 'nope' is not in the spec"):
            await client.sessions.get("s1", extra_query={"nope": 1})
        async with await client.commands.stream("s1", "c1") as events:
            assert [event.json() async for event in events] == [{"mock": True}]
        assert await client.files.download("s1", path="/a") == b"mock body"
    assert [call.url.path for call in api.calls("sessions.get")] == ["/v1/sessions/s1"] * 2


@pytest.mark.anyio
async def test_a_client_built_by_hand_is_mocked_too_and_simulated_failures_are_typed(api, transport):
    from chaser_core import APIConnectionError, AsyncChaser

    api.respond_with("sessions.get", lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused")))
    async with AsyncChaser(
        api_key="sk_test", base_url=api.base_url, max_retries=0, transport=transport
    ) as client:
        with pytest.raises(APIConnectionError, match="ConnectError"):
            await client.sessions.get("s1")


@pytest.mark.anyio
async def test_the_aiohttp_transport_goes_to_the_network_again_once_the_mock_stops():
    """The transport never looks for a mock: the mock patches it while active, and only then."""
    from chaser_core import APIConnectionError, AsyncChaser
    from chaser_core._aiohttp import AiohttpTransport

    production = AiohttpTransport._send
    with socket.socket() as probe:  # a local port nothing listens on: a real request is refused
        probe.bind(("127.0.0.1", 0))
        base_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    outer = MockAPI(base_url=base_url)
    with outer:
        with MockAPI(base_url=base_url):
            assert AiohttpTransport._send is not production
        assert AiohttpTransport._send is not production  # the outer mock is still active
        async with AsyncChaser(api_key="sk_test", base_url=base_url, transport="aiohttp") as client:
            await client.sessions.get("s1")
        assert len(outer.calls("sessions.get")) == 1
    assert AiohttpTransport._send is production
    async with AsyncChaser(
        api_key="sk_test", base_url=base_url, transport="aiohttp", max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError):
            await client.sessions.get("s1")


def test_the_mock_reads_one_of_strictly_a_body_two_variants_take_is_refused(api):
    """A strict server refuses a body that more than one alternative of a `oneOf` takes; so does
    the mock (an `anyOf` takes it)."""
    variants = [{"type": "object", "properties": {"a": {"type": "integer"}}}, {"type": "object"}]
    assert api._check_value("body", {"a": 1}, {"oneOf": variants}) != []
    assert api._check_value("body", {"a": 1}, {"anyOf": variants}) == []
    assert api._check_value("body", {"a": "x"}, {"oneOf": variants}) == []  # only the open one takes it


def test_the_mock_names_the_field_a_problem_is_in(api):
    schema = {
        "type": "object",
        "properties": {"billing": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }
    assert api._check_value("body", {"billing": {"city": 3}}, schema) == [
        "body['billing']['city']: 3 is not of type 'string'"
    ]
