"""Accept follows the operation's success media types: a strict server answers 406 otherwise.

The expected header is read from the overlaid spec here, not from the pipeline's model: the
media types of every 2xx response, joined in the spec's order.
"""

from __future__ import annotations

from typing import Any

import pytest
from chaser_codegen.pipeline.model import Operation
from chaser_core.testing import MockAPI

from tests.contract.helpers import build_call
from tests.spec_model import overlaid_spec, project_api


def success_media(op: Operation) -> list[str]:
    responses = overlaid_spec()["paths"][op.path][op.method]["responses"]
    return [
        media
        for status, r in responses.items()
        if str(status).startswith("2")
        for media in r.get("content") or {}
    ]


NON_JSON = [op for op in project_api().operations if success_media(op) not in ([], ["application/json"])]


def member(client: Any, name: str) -> Any:
    for segment in name.split("."):
        client = getattr(client, segment)
    return client


def test_the_chaser_spec_has_non_json_operations_to_check():
    assert {op.qualified_name for op in NON_JSON} >= {"files.download", "commands.stream"}


@pytest.mark.parametrize("op", NON_JSON, ids=lambda op: op.qualified_name)
def test_every_non_json_operation_sends_an_accept_of_its_media_types(op, tmp_path):
    call = build_call(op, tmp_path)
    with MockAPI() as api:
        result = member(api.client(), op.qualified_name)(
            *call.path, **call.keywords, extra_body=call.extra_body or None
        )
        if hasattr(result, "close"):
            result.close()
        [request] = api.calls(op.qualified_name)
    assert request.headers.get_list("accept") == [", ".join(success_media(op))]


def test_a_callers_own_accept_wins(tmp_path):
    op = next(op for op in NON_JSON if op.qualified_name == "files.download")
    call = build_call(op, tmp_path)
    with MockAPI() as api:
        api.client().files.download(*call.path, **call.keywords, extra_headers={"accept": "*/*"})
        [request] = api.calls("files.download")
    assert request.headers.get_list("accept") == ["*/*"]
