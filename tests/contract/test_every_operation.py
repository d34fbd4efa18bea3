"""Every operation of the spec, on every surface, against the spec's own schemas.

For each operation of the overlaid spec and each supported surface (Chaser, AsyncChaser, raw
responses, CLI), the call goes through chaser_core.testing.MockAPI, which
validates the request against the operation's schema (path, query, auth, body) with
jsonschema; the tests also check that the values arrived intact (percent-encoded path
parameters, query values, the JSON or multipart body, the account header). Responses are
synthesized from the response schema with hypothesis-jsonschema and must come back as the
declared type and serialize back to the same JSON. Every request is read by openapi-core too, an
independent reader of OpenAPI (tests/contract/independent.py): a rule it applies and we do not
fails the test by name. tests/contract/conftest.py checks, when the tests are collected, that
every operation of the spec has a test on every surface.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from typing import Any

import httpx
import pytest
from chaser_codegen.pipeline.model import Operation
from chaser_codegen.pipeline.render.cli import cli_name
from chaser_core import AsyncChaser, Chaser
from chaser_core._api.client import AuthenticatedClient
from chaser_core._cli import cli
from chaser_core.testing import MockAPI, example_for
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from tests.conftest import BASE, KEY
from tests.contract.helpers import (
    Call,
    build_call,
    expected_result,
    jsonable,
    low_level_body,
    low_level_module,
    response_strategy,
    success_response,
)
from tests.contract.independent import RULES, reader, rules_broken
from tests.spec_model import overlaid_spec, project_api

ACCOUNT = "acct-team/7"
OPERATIONS = project_api().operations
FUZZ = settings(
    max_examples=6,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)


def op_id(op: Operation) -> str:
    return op.qualified_name


@pytest.fixture(scope="module")
def mock() -> Any:
    """One validating mock for the module; each test sets its own operation's answer."""
    with MockAPI(base_url=BASE) as api:
        yield api


@pytest.fixture(scope="module")
def http() -> Any:
    # One connection pool for every synchronous client: creating one per call would load the
    # CA bundle each time, which dominates the run.
    with httpx.Client() as client:
        yield client


# ----------------------------------------------------------------------------------------------
# The mocked API: answers with a given body, records what was sent
# ----------------------------------------------------------------------------------------------


def answer(mock: MockAPI, op: Operation, body: Any) -> None:
    status, media, _ = success_response(op)

    def respond(request: httpx.Request) -> httpx.Response:
        headers = {"x-request-id": "req_contract"}
        if media is None:
            return httpx.Response(status, headers=headers)
        headers["content-type"] = media
        if media == "text/event-stream":
            return httpx.Response(
                status, content=b'event: output\ndata: {"n": 1}\n\nevent: exit\ndata: 0\n\n', headers=headers
            )
        if not (media == "application/json" or media.endswith("+json")):
            return httpx.Response(status, content=b"\x00payload\xff", headers=headers)
        return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)

    mock.respond_with(op.qualified_name, respond)


def check_request(
    mock: MockAPI, op: Operation, call: Call, *, account: bool = True, low_level: bool = False
) -> None:
    """Beyond the mock's schema validation: every value arrived exactly as given (and, on the
    SDK's surfaces, the Accept of the operation's media types; the low-level layer is
    openapi-python-client's, which sends httpx's */*)."""
    request = mock.calls(op.qualified_name)[-1]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    if not low_level:
        assert request.headers.get_list("accept") == [
            op.accept if not op.is_streaming else "text/event-stream"
        ]
    if account:
        assert request.headers["x-chaser-account"] == ACCOUNT
    raw_path = request.url.raw_path.decode("ascii").split("?")[0]
    template = re.escape(op.path)
    for name in re.findall(r"{([^}]+)}", op.path):
        template = template.replace(re.escape("{" + name + "}"), "([^/]+)", 1)
    match = re.fullmatch(template, raw_path)
    assert match is not None, raw_path
    assert [httpx.URL("/" + segment).path[1:] for segment in match.groups()] == call.path
    for field in op.query_params:
        if field.python_name in call.low_level:
            value = call.low_level[field.python_name]
            sent = request.url.params.get_list(field.wire_name.raw)
            expected = [value] if not isinstance(value, list) else value
            assert sent == [_query_text(v) for v in expected], field.wire_name.raw
    if op.body is not None and op.body.flattened:
        if op.body.kind == "json":
            assert json.loads(request.content) == call.wire_body
        elif op.body.kind == "multipart":
            for name in call.wire_body:
                assert f'name="{name}"'.encode() in request.content
    check_independently(op, request)


# What openapi-core, the independent reader, refuses in a request of the contract suite, per
# operation: the rules of tests/contract/independent.py that it reads otherwise than we do.
INDEPENDENT_KNOWN = {"files.upload": {"multipart file part as bytes"}}


@functools.cache
def independent_reader() -> Any:
    return reader(overlaid_spec(), BASE)


def check_independently(op: Operation, request: httpx.Request) -> None:
    """The request as openapi-core reads the spec: any rule it applies and we do not is named."""
    broken = rules_broken(independent_reader(), request, BASE)
    unexpected = [
        f"{rule}: {detail}"
        for rule, detail in broken
        if rule not in INDEPENDENT_KNOWN.get(op.qualified_name, set())
    ]
    assert unexpected == [], f"openapi-core refuses {op.qualified_name}: " + "; ".join(
        f"{problem} ({RULES.get(problem.split(': ', 1)[0], 'a new rule: find which reader is right')})"
        for problem in unexpected
    )


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_result(op: Operation, result: Any, body: Any) -> None:
    kind = op.result.kind
    if kind == "none":
        assert result is None
    elif kind == "bytes":
        assert result == b"\x00payload\xff"
    elif kind == "text":
        assert isinstance(result, str)
    elif op.pagination is not None:
        assert jsonable(result.page) == body
    else:
        assert not isinstance(result, dict) or op.result.annotation.startswith(("Any", "dict")), (
            "results are typed"
        )
        assert jsonable(result) == expected_result(op, body)


def check_stream(stream: Any) -> None:
    with stream:
        events = list(stream)
    assert [(event.event, event.data) for event in events] == [("output", '{"n": 1}'), ("exit", "0")]


# ----------------------------------------------------------------------------------------------
# The surfaces
# ----------------------------------------------------------------------------------------------


def call_sync(op: Operation, call: Call, http: httpx.Client) -> Any:
    client = Chaser(api_key=KEY, base_url=BASE, account=ACCOUNT, max_retries=0, http_client=http)
    resource: Any = client
    for segment in op.resource_path:
        resource = getattr(resource, segment)
    return getattr(resource, op.name)(*call.path, **call.keywords, extra_body=call.extra_body or None)


async def call_async(op: Operation, call: Call, http: httpx.AsyncClient) -> Any:
    client = AsyncChaser(api_key=KEY, base_url=BASE, account=ACCOUNT, max_retries=0, http_client=http)
    resource: Any = client
    for segment in op.resource_path:
        resource = getattr(resource, segment)
    method = getattr(resource, op.name)
    if op.pagination is not None:
        return await method(*call.path, **call.keywords, extra_body=call.extra_body or None)
    result = await method(*call.path, **call.keywords, extra_body=call.extra_body or None)
    if op.is_streaming:
        events = [event async for event in result]
        assert [(e.event, e.data) for e in events] == [("output", '{"n": 1}'), ("exit", "0")]
        return None
    return result


async def _async_http() -> httpx.AsyncClient:
    return httpx.AsyncClient()


def fuzzed(op: Operation, body_fn: Any) -> None:
    """Run body_fn(body) for hypothesis-generated response bodies of the operation."""

    @FUZZ
    @given(response_strategy(op))
    def run(body: Any) -> None:
        body_fn(body)

    run()


@pytest.mark.surface("sync")
@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_sync_client(op: Operation, tmp_path, mock, http) -> None:
    call = build_call(op, tmp_path)

    def exercise(body: Any) -> None:
        answer(mock, op, body)
        result = call_sync(op, call, http)
        if op.is_streaming:
            check_stream(result)
        else:
            check_result(op, result, body)
        check_request(mock, op, call)

    fuzzed(op, exercise)


@pytest.mark.surface("async")
@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_async_client(op: Operation, tmp_path, mock) -> None:
    call = build_call(op, tmp_path)
    loop = asyncio.new_event_loop()
    http = loop.run_until_complete(_async_http())

    def exercise(body: Any) -> None:
        answer(mock, op, body)
        result = loop.run_until_complete(call_async(op, call, http))
        if not op.is_streaming:
            check_result(op, result, body)
        check_request(mock, op, call)

    try:
        fuzzed(op, exercise)
    finally:
        loop.run_until_complete(http.aclose())
        loop.close()


@pytest.mark.surface("raw")
@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_raw_response(op: Operation, tmp_path, mock, http) -> None:
    call = build_call(op, tmp_path)
    body = _default_body(op)
    answer(mock, op, body)
    client = Chaser(api_key=KEY, base_url=BASE, account=ACCOUNT, max_retries=0, http_client=http)
    resource: Any = client
    for segment in op.resource_path:
        resource = getattr(resource, segment)
    raw = getattr(resource.with_raw_response, op.name)(
        *call.path, **call.keywords, extra_body=call.extra_body or None
    )
    assert raw.status_code == success_response(op)[0]
    assert raw.request_id == "req_contract"
    parsed = raw.parse()
    if op.is_streaming:
        check_stream(parsed)
    else:
        check_result(op, parsed, body)
    check_request(mock, op, call)


def low_level_kwargs(op: Operation, call: Call) -> dict[str, Any]:
    kwargs = dict(call.low_level)
    body = low_level_body(op, call)
    if body is not None:
        kwargs["body"] = body
    return kwargs


def low_level_client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE, token=KEY, headers={"X-Chaser-Account": ACCOUNT})


def check_low_level(op: Operation, response: Any, body: Any) -> None:
    status, media, _ = success_response(op)
    assert response.status_code == status
    parsed = response.parsed
    if media is None:
        return
    if op.is_streaming:
        assert "event: output" in parsed
    elif op.is_binary:
        assert parsed.payload.read() == b"\x00payload\xff"
    else:
        assert jsonable(parsed) == body


@pytest.mark.surface("low-level-sync")
@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_low_level_sync(op: Operation, tmp_path, mock) -> None:
    call = build_call(op, tmp_path)
    module = low_level_module(op)
    client = low_level_client()

    def exercise(body: Any) -> None:
        answer(mock, op, body)
        response = module.sync_detailed(*call.path, client=client, **low_level_kwargs(op, call))
        check_low_level(op, response, body)
        check_request(mock, op, call, account=False, low_level=True)

    fuzzed(op, exercise)


@pytest.mark.surface("low-level-async")
@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_low_level_async(op: Operation, tmp_path, mock) -> None:
    call = build_call(op, tmp_path)
    module = low_level_module(op)
    body = _default_body(op)
    answer(mock, op, body)

    async def run() -> Any:
        return await module.asyncio_detailed(
            *call.path, client=low_level_client(), **low_level_kwargs(op, call)
        )

    check_low_level(op, asyncio.run(run()), body)
    check_request(mock, op, call, low_level=True)


@pytest.mark.surface("cli")
@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_cli(op: Operation, tmp_path, mock) -> None:
    call = build_call(op, tmp_path)
    body = _default_body(op)
    words = [segment.replace("_", "-") for segment in op.resource_path] + [cli_name(op)]
    answer(mock, op, body)
    result = CliRunner().invoke(
        cli,
        [
            "--api-key",
            KEY,
            "--base-url",
            BASE,
            "--account",
            ACCOUNT,
            "--max-retries",
            "0",
            *words,
            *call.cli,
        ],
        prog_name="chaser-core",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    check_request(mock, op, call)
    if op.result.kind == "none":
        assert result.stdout == ""
    elif op.is_binary:
        assert result.stdout_bytes == b"\x00payload\xff"
    elif op.is_streaming:
        assert [json.loads(line)["event"] for line in result.stdout.splitlines()] == ["output", "exit"]
    else:
        expected = body if op.pagination is not None else expected_result(op, body)
        assert json.loads(result.stdout) == expected


def _default_body(op: Operation) -> Any:
    _, media, schema = success_response(op)
    if media is None or schema is None:
        return None
    return example_for(schema, overlaid_spec())
