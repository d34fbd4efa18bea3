"""Logging through logger "chaser_core" (CHASER_LOG), and the API key kept out of every output."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
import traceback
from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ChaserError,
    InternalServerError,
    RateLimitError,
)

from tests.conftest import KEY, session_json

from .conftest import run, sequence

pytestmark = pytest.mark.anyio


def _chaser_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "chaser_core"]


async def test_info_logs_method_url_status_elapsed_time_and_request_id(
    client: Any, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/v1/sessions/s1").respond(json=session_json(), headers={"x-request-id": "req_42"})
    caplog.set_level(logging.INFO, logger="chaser_core")

    await run(client.sessions.get("s1"))

    messages = [record.getMessage() for record in _chaser_records(caplog)]
    assert len(messages) == 1
    assert re.fullmatch(
        r"GET https://api\.chaser\.sh/v1/sessions/s1 -> 200 in \d+ ms \(request id req_42\)", messages[0]
    )
    assert _chaser_records(caplog)[0].levelno == logging.INFO


async def test_debug_logs_each_attempt_and_retry_with_authorization_redacted(
    client: Any, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/v1/sessions/s1").mock(
        side_effect=sequence(httpx.Response(503), httpx.Response(200, json=session_json()))
    )
    caplog.set_level(logging.DEBUG, logger="chaser_core")

    await run(client.sessions.get("s1"))

    messages = [record.getMessage() for record in _chaser_records(caplog)]
    sends = [message for message in messages if message.startswith("Sending GET")]
    assert [re.search(r"\(attempt (\d)\)", message).group(1) for message in sends] == ["1", "2"]  # type: ignore[union-attr]
    assert all("'authorization': '<redacted>'" in message for message in sends)
    assert any(re.match(r"Retrying GET \S+ in [\d.]+s after HTTP 503", message) for message in messages)
    assert any("-> 503" in message for message in messages)
    assert any("-> 200" in message for message in messages)
    assert not any(KEY in message for message in messages)


async def test_nothing_is_logged_at_the_default_warning_level(
    client: Any, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/v1/sessions/s1").respond(json=session_json())
    caplog.set_level(logging.WARNING, logger="chaser_core")

    await run(client.sessions.get("s1"))

    assert _chaser_records(caplog) == []


_LOG_SCRIPT = textwrap.dedent(
    """
    import respx
    from chaser_core import Chaser

    with respx.mock(base_url="https://api.chaser.sh") as api:
        api.get("/v1/sessions/s1").respond(json={
            "id": "s1", "created_at": "t", "endpoints": {"control": "c"},
            "session_type": "sandbox", "status": "running",
        }, headers={"x-request-id": "req_env"})
        with Chaser(api_key=%r) as client:
            client.sessions.get("s1")
    """
)


def _run_with_chaser_log(level: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHASER_")}
    if level is not None:
        env["CHASER_LOG"] = level
    completed = subprocess.run(
        [sys.executable, "-c", _LOG_SCRIPT % KEY],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return completed.stderr


async def test_chaser_log_debug_prints_requests_with_authorization_redacted() -> None:
    stderr = _run_with_chaser_log("debug")

    assert "chaser_core DEBUG] Sending GET https://api.chaser.sh/v1/sessions/s1 (attempt 1)" in stderr
    assert "'authorization': '<redacted>'" in stderr
    assert "chaser_core INFO] GET https://api.chaser.sh/v1/sessions/s1 -> 200" in stderr
    assert "req_env" in stderr
    assert KEY not in stderr


async def test_chaser_log_info_prints_one_line_per_request() -> None:
    stderr = _run_with_chaser_log("INFO")

    lines = [line for line in stderr.splitlines() if "chaser_core" in line]
    assert len(lines) == 1
    assert "GET https://api.chaser.sh/v1/sessions/s1 -> 200" in lines[0]
    assert "(request id req_env)" in lines[0]


async def test_without_chaser_log_nothing_is_printed() -> None:
    assert _run_with_chaser_log(None) == ""


# -- the API key never leaks -------------------------------------------------------------------------


def _all_text(error: BaseException) -> str:
    return "\n".join([str(error), repr(error), "".join(traceback.format_exception(error))])


async def test_api_key_is_not_in_the_client_repr(make_client: Any) -> None:
    client = make_client(account="acct_1")

    for shown in (repr(client), str(client), repr(client.with_options(max_retries=1)), repr(client.sessions)):
        assert KEY not in shown
    assert repr(client) == f"{type(client).__name__}(base_url='https://api.chaser.sh', account='acct_1')"


@pytest.mark.parametrize(
    ("answer", "error_class"),
    [
        (
            httpx.Response(401, json={"error": "invalid_api_key", "message": "The key is not valid"}),
            AuthenticationError,
        ),
        (httpx.Response(429, json={"error": "rate_limited"}, headers={"retry-after": "1"}), RateLimitError),
        (httpx.Response(500, text="Internal error"), InternalServerError),
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
        (
            httpx.Response(200, content=b"{not json", headers={"content-type": "application/json"}),
            APIResponseValidationError,
        ),
        (httpx.Response(200, json={"id": 1}), APIResponseValidationError),
    ],
    ids=["401", "429", "500", "connect-error", "timeout", "malformed-json", "schema-mismatch"],
)
async def test_api_key_is_not_in_any_exception_the_sdk_raises(
    make_client: Any,
    api: respx.MockRouter,
    answer: httpx.Response | Exception,
    error_class: type[ChaserError],
) -> None:
    api.get("/v1/sessions/s1").mock(side_effect=sequence(answer))

    with pytest.raises(error_class) as caught:
        await run(make_client().sessions.get("s1"))

    assert KEY not in _all_text(caught.value)
    if isinstance(caught.value, APIStatusError):
        assert KEY not in str(caught.value.body)


async def test_api_key_is_not_in_debug_logs_of_any_logger(
    make_client: Any, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/v1/sessions/s1").mock(
        side_effect=sequence(httpx.ConnectError("refused"), httpx.Response(503), httpx.Response(401, json={}))
    )
    caplog.set_level(logging.DEBUG)

    with pytest.raises(AuthenticationError):
        await run(make_client().sessions.get("s1"))

    assert any(record.name == "chaser_core" and record.levelno == logging.DEBUG for record in caplog.records)
    assert not [record for record in caplog.records if KEY in record.getMessage()]
    assert KEY not in caplog.text
