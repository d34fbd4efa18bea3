"""Idempotency keys against a real local server: a create that may have reached the server is
retried with the same key, and the server, which acts once per key, creates one job.

jobs.create carries its key in the body (x-chaser-idempotency-key in spec/overlay.yaml). The server here
does what the API's idempotency promises: it creates a job the first time it sees a key and
answers with that same job for every later request with the key.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from chaser_core import APITimeoutError, InternalServerError

from .conftest import Handler, LocalAPI, respond, run, slow_headers

pytestmark = pytest.mark.anyio

CREATE = ("POST", "/v1/jobs")
SHORT = 0.2  # seconds: the client's timeout
STALL = 2.0  # seconds: longer than SHORT; the server lets go as soon as the test ends


class Jobs:
    """The server's side: one job per idempotency key, and the key each attempt carried."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, Any]] = {}
        self.keys: list[str | None] = []
        self._lock = threading.Lock()

    def _create(self, handler: Handler) -> dict[str, Any]:
        body = json.loads(handler.body)
        key = body.get("idempotency_key")
        with self._lock:
            self.keys.append(key)
            if key is None:  # no key: every request is a new job
                key = f"anonymous-{len(self.keys)}"
            if key not in self.by_key:
                self.by_key[key] = {
                    "id": f"job_{len(self.by_key) + 1}",
                    "kind": body["kind"],
                    "status": "queued",
                }
            return self.by_key[key]

    def refuse(self, status: int) -> Callable[[Handler], None]:
        """Answer `status` without acting (a 503 from a proxy in front of the API, say)."""

        def step(handler: Handler) -> None:
            with self._lock:
                self.keys.append(json.loads(handler.body).get("idempotency_key"))
            respond(status, {"error": "unavailable"})(handler)

        return step

    def create(self, *, answer_after: float = 0.0) -> Callable[[Handler], None]:
        """Create the job (once per key), then answer with it, after `answer_after` seconds."""

        def step(handler: Handler) -> None:
            job = self._create(handler)
            slow_headers(answer_after, respond(200, job))(handler)

        return step


@pytest.fixture
def jobs() -> Jobs:
    return Jobs()


async def test_a_create_answered_503_then_timing_out_is_retried_with_one_key_and_makes_one_job(
    make_client: Any, server: LocalAPI, jobs: Jobs, caplog: pytest.LogCaptureFixture
) -> None:
    # 1st attempt: 503 before anything happens. 2nd: the job is created, but the answer comes
    # too late (a timeout: the client cannot know it worked). 3rd: the same key, the same job.
    server.plan(*CREATE, jobs.refuse(503), jobs.create(answer_after=STALL), jobs.create())
    client = make_client(timeout=SHORT, max_retries=2)

    with caplog.at_level(logging.DEBUG, logger="chaser_core"):
        raw = await run(client.jobs.with_raw_response.create(kind="sandbox.exec", input={"command": "true"}))
    job = raw.parse()

    assert server.attempts(*CREATE) == 3
    assert len(jobs.by_key) == 1
    (key,) = set(jobs.keys)
    assert jobs.keys == [key, key, key]
    assert uuid.UUID(key).version == 4
    assert job.id == "job_1" and job.kind == "sandbox.exec"
    assert raw.idempotency_key == key and raw.retries_taken == 2
    sent = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Sending POST")]
    assert len(sent) == 3 and all(f"idempotency key {key}" in line for line in sent)


async def test_the_callers_own_key_is_sent_on_every_attempt(
    client: Any, server: LocalAPI, jobs: Jobs
) -> None:
    server.plan(*CREATE, jobs.refuse(502), jobs.create())

    job = await run(client.jobs.create(kind="sandbox.exec", input={}, idempotency_key="deploy-42"))

    assert jobs.keys == ["deploy-42", "deploy-42"]
    assert job.id == "job_1"


async def test_each_call_gets_its_own_key(client: Any, server: LocalAPI, jobs: Jobs) -> None:
    server.plan(*CREATE, jobs.create())

    first = await run(client.jobs.create(kind="sandbox.exec", input={}))
    second = await run(client.jobs.create(kind="sandbox.exec", input={}))

    assert len(set(jobs.keys)) == 2 and None not in jobs.keys
    assert (first.id, second.id) == ("job_1", "job_2")


async def test_a_create_that_keeps_failing_gives_up_after_the_retries_with_one_key(
    make_client: Any, server: LocalAPI, jobs: Jobs
) -> None:
    server.plan(*CREATE, jobs.create(answer_after=STALL))
    client = make_client(timeout=SHORT, max_retries=1)

    with pytest.raises(APITimeoutError):
        await run(client.jobs.create(kind="sandbox.exec", input={}))

    assert server.attempts(*CREATE) == 2
    assert len(set(jobs.keys)) == 1 and len(jobs.by_key) == 1


async def test_a_post_without_an_idempotency_key_is_still_not_resent_after_503(
    client: Any, server: LocalAPI
) -> None:
    server.plan("POST", "/v1/sessions", respond(503, {"error": "unavailable"}))

    with pytest.raises(InternalServerError):
        await run(client.sessions.create(session_type="sandbox", ephemeral=True))

    assert server.attempts("POST", "/v1/sessions") == 1
