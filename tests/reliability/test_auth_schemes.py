"""Credentials from the spec's security schemes, proven against a real server that checks them.

Packages are generated from tests/fixtures/specs/basic-auth.yaml (HTTP Basic, as Twilio's API
has it, plus a public operation) and api-key-auth.yaml (a key in the query, and a header key or a
cookie as alternatives of one operation). tests/fixtures/auth/exercise_auth.py configures each as
the README says and calls the loopback server below, which answers 401 to a wrong credential.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from chaser_codegen.bench.loopback import Handler, LoopbackServer
from chaser_codegen.pipeline import generate as pipeline

from tests.conftest import ROOT
from tests.reliability.conftest import respond

SPECS = ROOT / "tests" / "fixtures" / "specs"
EXERCISE = ROOT / "tests" / "fixtures" / "auth" / "exercise_auth.py"
BASIC = "Basic " + base64.b64encode(b"AC0123456789:s3cret-auth-token").decode()


class CheckingServer(LoopbackServer):
    """Answers 200 only to the credentials each endpoint wants, and records what it saw."""

    def __init__(self) -> None:
        super().__init__(default=self._answer)
        self.seen: list[dict[str, Any]] = []

    def _answer(self, handler: Handler) -> None:
        url = urlsplit(handler.path)
        query = {name: values[-1] for name, values in parse_qs(url.query).items()}
        seen = {
            "path": url.path,
            "query": query,
            "authorization": handler.headers.get("Authorization"),
            "admin_key": handler.headers.get("X-Admin-Key"),
            "cookie": handler.headers.get("Cookie"),
            "accept": handler.headers.get("Accept"),
        }
        self.seen.append(seen)
        if query.get("q") == "slow":
            handler.server.owner.wait(3)
        allowed = {
            "/health": seen["authorization"] is None,
            "/data/2.5/weather": query.get("appid") == "k-query-secret",
            "/admin/stats": seen["admin_key"] == "admin-secret" or seen["cookie"] == "sid=cookie-secret",
        }.get(url.path)
        if url.path.startswith("/2010-04-01/"):
            allowed = seen["authorization"] in (BASIC, "Basic b3duOmhlYWRlcg==", "Basic ZXh0cmE6aGVhZGVy")
        if url.path.startswith(("/reports/", "/exports/")):
            allowed = query.get("appid") == "k-query-secret"
        if not allowed:
            respond(401, {"error": {"code": "unauthorized", "message": "bad credentials"}})(handler)
        elif url.path.startswith("/reports/"):
            respond(content=b"%PDF-1.7", content_type="application/pdf")(handler)
        elif url.path.startswith("/exports/"):
            respond(content=b"a,b\n1,2\n", content_type="text/csv")(handler)
        else:
            respond(200, {"sid": "SM1", "status": "ok", "name": "Paris", "calls": 3})(handler)


def exercise(
    tmp_path_factory: pytest.TempPathFactory, spec: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp(spec) / "out"
    pipeline.generate(
        pipeline.Inputs(spec=SPECS / f"{spec}.yaml", overlay=None, exclusions=None, out=out, version="0.0.0")
    )
    with CheckingServer() as server:
        completed = subprocess.run(
            [sys.executable, str(EXERCISE), str(out), spec, server.base_url],
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": "/usr/bin:/bin"},
        )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return report, server.seen


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return exercise(tmp_path_factory, "basic-auth")


@pytest.fixture(scope="module")
def api_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return exercise(tmp_path_factory, "api-key-auth")


def secrets_in(report: dict[str, Any], *secrets: str) -> list[str]:
    text = json.dumps(report)
    return [secret for secret in secrets if secret in text]


def test_a_basic_auth_sdk_configured_from_the_environment_authenticates(basic):
    report, seen = basic
    assert report["fetch"]["value"]["sid"] == "SM1"
    assert report["arguments"]["value"]["sid"] == "SM1"
    assert seen[0]["authorization"] == BASIC


def test_a_public_operation_sends_no_credential(basic):
    report, seen = basic
    assert "value" in report["public"]
    assert [s["authorization"] for s in seen if s["path"] == "/health"] == [None]


def test_a_header_the_caller_sets_wins_over_the_scheme(basic):
    report, seen = basic
    assert "value" in report["default_header_wins"] and "value" in report["extra_header_wins"]
    sent = [s["authorization"] for s in seen if s["path"].startswith("/2010-04-01/")]
    assert "Basic b3duOmhlYWRlcg==" in sent and "Basic ZXh0cmE6aGVhZGVy" in sent


def test_missing_basic_credentials_name_the_arguments_and_variables(basic):
    report, _ = basic
    assert report["missing"]["error"] == "ConfigurationError"
    message = report["missing"]["message"]
    for name in ("username=", "password=", "CHASER_USERNAME", "CHASER_PASSWORD", "accountSid_authToken"):
        assert name in message


def test_basic_credentials_never_reach_a_log_an_error_or_a_repr(basic):
    report, _ = basic
    assert report["wrong_password"]["error"] == "AuthenticationError"
    assert "Sending GET" in report["log"] and "<redacted>" in report["log"]
    assert secrets_in(report, "s3cret-auth-token", "wrong-token", BASIC.split()[1]) == []


def test_an_api_key_in_the_query_authenticates_and_is_redacted(api_key):
    report, seen = api_key
    assert report["weather"]["value"]["name"] == "Paris"
    assert seen[0]["query"] == {"q": "Paris", "appid": "k-query-secret"}
    assert report["denied"]["error"] == "AuthenticationError"
    assert (
        report["timeout"]["error"] == "APITimeoutError"
        and "appid=%3Credacted%3E" in report["timeout"]["message"]
    )
    assert "appid=" in report["log"]
    assert secrets_in(report, "k-query-secret", "k-wrong-secret") == []


def test_an_operation_sends_the_first_alternative_the_client_holds(api_key):
    report, seen = api_key
    admin = [s for s in seen if s["path"] == "/admin/stats"]
    assert report["admin_by_cookie"]["value"]["calls"] == report["admin_by_header"]["value"]["calls"] == 3
    assert (admin[0]["cookie"], admin[0]["admin_key"]) == ("sid=cookie-secret", None)
    assert (admin[1]["cookie"], admin[1]["admin_key"]) == (None, "admin-secret")
    # The document's key (appid, in the query) is not part of this operation's security.
    assert all("appid" not in s["query"] for s in admin)
    assert secrets_in(report, "cookie-secret", "admin-secret") == []


def test_an_operation_needing_a_credential_the_client_lacks_fails_before_sending(api_key):
    report, seen = api_key
    message = report["admin_without_credentials"]["message"]
    assert report["admin_without_credentials"]["error"] == "ConfigurationError"
    for name in (
        "admin_key=",
        "CHASER_ADMIN_KEY",
        "session_cookie_api_key=",
        "CHASER_SESSION_COOKIE_API_KEY",
    ):
        assert name in message
    assert len([s for s in seen if s["path"] == "/admin/stats"]) == 2  # only the two that could authenticate
    assert (
        report["missing"]["error"] == "ConfigurationError"
        and "CHASER_API_KEY" in report["missing"]["message"]
    )


def test_accept_follows_the_success_media_types(api_key):
    report, seen = api_key
    accept = {s["path"]: s["accept"] for s in seen}
    assert report["pdf"] == {"value": "%PDF-1.7"}
    assert accept["/reports/r1"] == "application/pdf"
    assert (
        accept["/exports/e1"] == "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert accept["/data/2.5/weather"] == "application/json"
