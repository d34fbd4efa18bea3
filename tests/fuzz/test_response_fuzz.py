"""Fuzz the response parsers: any JSON body, for every operation of the API, either parses or
raises the documented APIResponseValidationError, never anything else."""

from __future__ import annotations

import contextlib
import importlib
import json
from typing import Any

import httpx
import pytest
from chaser_codegen.pipeline.render.python import parser_expr
from chaser_core import APIResponseValidationError, Chaser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.spec_model import project_api

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
JSON_OPERATIONS = [op for op in project_api().operations if op.result.kind == "json"]
CLIENT = Chaser(api_key="sk_fuzz", base_url="https://api.chaser.sh", max_retries=0)


def parser_of(op: Any) -> Any:
    """The parser the generated method builds: the model's expression, which the template writes
    into the method as it is, evaluated where the method runs (its resource module)."""
    module = importlib.import_module(f"chaser_core.resources.{op.resource_path[0]}")
    return eval(parser_expr(op.result.parser), vars(module))


@pytest.mark.parametrize("op", JSON_OPERATIONS, ids=lambda op: op.qualified_name)
@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON)
def test_any_json_body_parses_or_raises_the_documented_error(op, body):
    response = httpx.Response(
        200, content=json.dumps(body).encode(), request=httpx.Request("GET", "https://x/")
    )
    try:
        CLIENT.parse_response(response, parser_of(op))
    except APIResponseValidationError as error:
        assert error.response is response and error.status_code == 200


@settings(max_examples=60, deadline=None, database=None)
@given(content=st.binary(max_size=64))
def test_any_bytes_body_parses_or_raises_the_documented_error(content):
    response = httpx.Response(200, content=content, request=httpx.Request("GET", "https://x/"))
    for op in JSON_OPERATIONS[:10]:
        with contextlib.suppress(APIResponseValidationError):  # the one error allowed
            CLIENT.parse_response(response, parser_of(op))


def test_the_fuzz_covers_every_json_operation():
    assert (
        len(JSON_OPERATIONS) == len([op for op in project_api().operations if op.result.kind == "json"]) > 40
    )
