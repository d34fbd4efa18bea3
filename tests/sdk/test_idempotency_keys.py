"""jobs.create fills its idempotency key once per call; the caller's key, however given, wins."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import respx

from .conftest import run, sent_json, sequence

pytestmark = pytest.mark.anyio

JOB = {"id": "j1", "status": "queued"}


@pytest.fixture
def jobs_route(api: respx.MockRouter) -> respx.Route:
    return api.post("/v1/jobs").mock(side_effect=sequence(httpx.Response(500), httpx.Response(200, json=JOB)))


async def test_a_generated_key_is_a_uuid4_sent_on_every_attempt_and_reported(
    client: Any, jobs_route: respx.Route
) -> None:
    raw = await run(client.jobs.with_raw_response.create(kind="sandbox.exec", input={}))

    keys = [sent_json(jobs_route, i)["idempotency_key"] for i in range(jobs_route.call_count)]
    assert jobs_route.call_count == 2 and keys[0] == keys[1] == raw.idempotency_key
    assert uuid.UUID(keys[0]).version == 4


@pytest.mark.parametrize(
    "given",
    [{"idempotency_key": "mine"}, {"extra_body": {"idempotency_key": "mine"}}],
    ids=["argument", "extra_body"],
)
async def test_the_callers_key_is_used_and_reported(
    client: Any, jobs_route: respx.Route, given: dict[str, Any]
) -> None:
    raw = await run(client.jobs.with_raw_response.create(kind="sandbox.exec", input={}, **given))

    assert [sent_json(jobs_route, i)["idempotency_key"] for i in range(2)] == ["mine", "mine"]
    assert raw.idempotency_key == "mine"


async def test_operations_without_a_key_report_none(client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/jobs/j1").respond(json=JOB)

    raw = await run(client.jobs.with_raw_response.get("j1"))

    assert raw.idempotency_key is None
