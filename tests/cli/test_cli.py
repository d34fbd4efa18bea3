"""The chaser-core command: every resource and operation, inputs, outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from chaser_codegen.pipeline.render.cli import cli_name
from chaser_core._cli import _app, cli

from tests.conftest import KEY, session_json
from tests.golden import assert_golden
from tests.spec_model import project_api

GOLDEN = Path(__file__).parent / "golden"


def invoke(runner, *args: str, key: bool = True, **kwargs):
    return runner.invoke(
        cli, [*(["--api-key", KEY] if key else []), *args], prog_name="chaser-core", **kwargs
    )


def test_help_lists_every_resource_of_the_spec(runner):
    result = invoke(runner, "--help", key=False)
    assert result.exit_code == 0
    for resource in project_api().resources:
        assert f"\n  {cli_name(resource)} " in result.output
    assert "api " in result.output and "completion " in result.output


def test_every_operation_has_a_command_with_help(runner):
    api = project_api()
    assert len(api.operations) == 72
    for op in api.operations:
        words = [segment.replace("_", "-") for segment in op.resource_path] + [cli_name(op)]
        result = invoke(runner, *words, "--help", key=False)
        assert result.exit_code == 0, (op.key, result.output)
        assert f"{op.method.upper()} {op.path}" in result.output, op.key


@pytest.mark.golden
def test_sessions_help_matches_its_golden_record(runner):
    assert_golden(GOLDEN / "sessions-help.txt", invoke(runner, "sessions", "--help", key=False).output)
    assert_golden(
        GOLDEN / "sessions-create-help.txt", invoke(runner, "sessions", "create", "--help", key=False).output
    )


def test_sessions_list_all_streams_every_item_as_json_lines(runner, api):
    route = api.get("/v1/sessions").mock(
        side_effect=[
            httpx.Response(200, json={"sessions": [session_json("a"), session_json("b")], "total": 3}),
            httpx.Response(200, json={"sessions": [session_json("c")], "total": 3}),
        ]
    )
    result = invoke(runner, "sessions", "list", "--all", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b", "c"]
    assert [call.request.url.params.get("offset") for call in route.calls] == [None, "2"]


def test_output_is_compact_json_when_piped(runner, api):
    api.get("/v1/sessions/s1").respond(json=session_json("s1"))
    result = invoke(runner, "sessions", "get", "s1")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == session_json("s1")
    assert result.stdout.count("\n") == 1 and ", " not in result.stdout and ": " not in result.stdout


def test_output_is_pretty_json_on_a_terminal(monkeypatch, capsys):
    class Terminal:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            self.text += text

    terminal = Terminal()
    monkeypatch.setattr(_app, "_stdout", lambda: terminal)
    _app.emit({"id": "s1", "status": "running"}, None)
    assert terminal.text == '{\n  "id": "s1",\n  "status": "running"\n}\n'


def test_yaml_and_table_formats(runner, api):
    api.get("/v1/sessions").respond(json={"sessions": [session_json("a"), session_json("bb")], "total": 2})
    yaml_out = invoke(runner, "--format", "yaml", "sessions", "list")
    assert yaml_out.exit_code == 0
    import yaml

    assert [item["id"] for item in yaml.safe_load(yaml_out.stdout)["sessions"]] == ["a", "bb"]
    table = invoke(runner, "sessions", "list", "--format", "table")
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["CREATED_AT", "ID", "SESSION_TYPE", "STATUS"]
    assert [line.split()[1] for line in lines[1:]] == ["a", "bb"]


def test_body_options_data_and_data_files_combine_with_explicit_options_winning(runner, api, tmp_path):
    route = api.post("/v1/sessions").respond(json=session_json("n"))
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"image": "from-file", "session_type": "browser", "not_in_spec": 1}))
    result = invoke(
        runner, "sessions", "create", "--ephemeral", "--session-type", "sandbox", "--data", f"@{body}"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(route.calls.last.request.content) == {
        "ephemeral": True,
        "image": "from-file",
        "session_type": "sandbox",
        "not_in_spec": 1,
    }


def test_list_options_repeat_and_json_options_parse(runner, api):
    route = api.post("/v1/keys").respond(json={"id": "k", "key": "sk_new"})
    result = invoke(runner, "keys", "create", "--name", "ci", "--scopes", "sessions:read", "--scopes", "exec")
    assert result.exit_code == 0, result.output
    assert json.loads(route.calls.last.request.content) == {"name": "ci", "scopes": ["sessions:read", "exec"]}
    exec_route = api.post("/v1/sessions/s1/exec").respond(json={"output": "hi", "exit_code": 0})
    result = invoke(runner, "exec", "in-session", "s1", "--command", "env", "--env", '{"A": "1"}')
    assert result.exit_code == 0, result.output
    assert json.loads(exec_route.calls.last.request.content) == {"command": "env", "env": {"A": "1"}}


def test_options_from_both_open_variants_of_a_union_body_are_all_sent(runner, api):
    route = api.post("/v1/sessions").respond(json=session_json("s1"))
    result = invoke(
        runner,
        "sessions",
        "create",
        "--session-type",
        "sandbox",
        "--workspace",
        "frontend-app",
        "--ephemeral",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(route.calls.last.request.content) == {
        "session_type": "sandbox",
        "workspace": "frontend-app",
        "ephemeral": True,
    }


def test_a_mistyped_option_is_a_usage_error_that_suggests_the_right_one(runner, api):
    result = invoke(runner, "sessions", "create", "--ephemeal")
    assert result.exit_code == 2
    assert "--ephemeal" in result.stderr and "--ephemeral" in result.stderr
    assert not api.calls


def test_a_required_body_field_can_come_from_data(runner, api):
    route = api.post("/v1/exec").respond(json={"output": "ok"})
    result = invoke(runner, "exec", "run", "--data", '{"command": "ls"}')
    assert result.exit_code == 0, result.output
    assert json.loads(route.calls.last.request.content) == {"command": "ls"}


def test_a_missing_required_field_is_a_usage_error(runner, api):
    result = invoke(runner, "exec", "run")
    assert result.exit_code == 2
    assert "--command" in result.output
    assert not api.calls


def test_upload_takes_an_at_path_and_download_writes_to_a_file_or_stdout(runner, api, tmp_path):
    local = tmp_path / "app.py"
    local.write_text("print('hi')\n")
    upload = api.post("/v1/sessions/s1/upload").respond(json={"path": "/workspace/app.py", "size": 12})
    result = invoke(runner, "files", "upload", "s1", "--path", "/workspace/app.py", "--file", f"@{local}")
    assert result.exit_code == 0, result.output
    sent = upload.calls.last.request.content
    assert (
        b'name="file"; filename="app.py"' in sent and b"print('hi')" in sent and b"/workspace/app.py" in sent
    )

    api.get("/v1/sessions/s1/download").respond(content=b"\x00binary\xff")
    target = tmp_path / "out.bin"
    result = invoke(runner, "files", "download", "s1", "--path", "/x", "-o", str(target))
    assert result.exit_code == 0 and target.read_bytes() == b"\x00binary\xff"
    result = invoke(runner, "files", "download", "s1", "--path", "/x")
    assert result.exit_code == 0 and result.stdout_bytes == b"\x00binary\xff"


def test_a_missing_upload_file_is_a_usage_error(runner, api, tmp_path):
    result = invoke(runner, "files", "upload", "s1", "--path", "/x", "--file", f"@{tmp_path / 'nope'}")
    assert result.exit_code == 2 and "no such file" in result.output
    assert not api.calls


def test_wait_polls_until_the_session_is_ready(runner, api, monkeypatch):
    monkeypatch.setattr("chaser_core._waiters.time.sleep", lambda seconds: None)
    api.get("/v1/sessions/s1").mock(
        side_effect=[
            httpx.Response(200, json=session_json("s1", "starting")),
            httpx.Response(200, json=session_json("s1", "ready")),
        ]
    )
    result = invoke(runner, "sessions", "get", "s1", "--wait", "--wait-interval", "0.01")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "ready"


def test_wait_interval_zero_polls_again_at_once(runner, api, monkeypatch):
    sleeps = []
    monkeypatch.setattr("chaser_core._waiters.time.sleep", sleeps.append)
    route = api.get("/v1/sessions/s1").mock(
        side_effect=[
            httpx.Response(200, json=session_json("s1", "starting")),
            httpx.Response(200, json=session_json("s1", "ready")),
        ]
    )
    result = invoke(runner, "sessions", "get", "s1", "--wait", "--wait-interval", "0")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "ready"
    assert route.call_count == 2 and sleeps == [0]


@pytest.mark.parametrize("option", ["--wait-interval", "--wait-timeout"])
def test_a_negative_wait_interval_or_timeout_is_a_usage_error(runner, api, option):
    result = invoke(runner, "sessions", "get", "s1", "--wait", option, "-1")
    assert result.exit_code == 2
    assert "-1" in result.stderr and option in result.stderr and "Traceback" not in result.output
    assert not api.calls


def test_a_waiter_that_gives_up_exits_4(runner, api, monkeypatch):
    monkeypatch.setattr("chaser_core._waiters.time.sleep", lambda seconds: None)
    api.get("/v1/sessions/s1").respond(json=session_json("s1", "failed"))
    result = invoke(runner, "sessions", "get", "s1", "--wait")
    assert result.exit_code == 4
    assert "failed" in result.stderr


def test_sse_streams_print_one_event_per_line(runner, api):
    api.get("/v1/sessions/s1/commands/c1/stream").respond(
        text='event: output\ndata: {"chunk": "hi"}\n\nevent: exit\ndata: 0\n\n',
        headers={"content-type": "text/event-stream"},
    )
    result = invoke(runner, "commands", "stream", "s1", "c1", "--from", "5")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [event["event"] for event in events] == ["output", "exit"]
    assert api.calls.last.request.url.params["from"] == "5"


@pytest.mark.parametrize(
    ("response", "code", "expected"),
    [
        (
            httpx.Response(
                404, json={"code": "not_found", "message": "no session"}, headers={"x-request-id": "req_1"}
            ),
            1,
            "HTTP 404 [not_found] no session (request id req_1)",
        ),
        (httpx.Response(401, json={"error": "invalid key"}), 1, "HTTP 401 [invalid key] invalid key"),
        (httpx.Response(422, text="plain text failure"), 1, "HTTP 422 plain text failure"),
        (httpx.Response(200, json={"id": "s1"}), 1, "unexpected response from the API"),
    ],
    ids=["not-found", "unauthorized", "non-json-error", "invalid-body"],
)
def test_api_errors_exit_1_with_status_code_message_and_request_id(runner, api, response, code, expected):
    api.get("/v1/sessions/s1").mock(return_value=response)
    result = invoke(runner, "--max-retries", "0", "sessions", "get", "s1")
    assert result.exit_code == code
    assert expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")], ids=["connect", "timeout"]
)
def test_network_failures_exit_3_without_a_traceback(runner, api, error):
    api.get("/v1/sessions/s1").mock(side_effect=error)
    result = invoke(runner, "--max-retries", "0", "sessions", "get", "s1")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(runner):
    assert invoke(runner, "sessions", "get").exit_code == 2
    assert invoke(runner, "sessions", "nope").exit_code == 2
    missing_key = invoke(runner, "sessions", "list", key=False)
    assert missing_key.exit_code == 2 and "--api-key" in missing_key.stderr


def test_debug_logs_requests_with_the_key_redacted(runner, api):
    api.get("/v1/sessions/s1").respond(json=session_json("s1"), headers={"x-request-id": "req_9"})
    result = invoke(runner, "--debug", "sessions", "get", "s1")
    assert result.exit_code == 0
    assert "GET https://api.chaser.sh/v1/sessions/s1" in result.stderr
    assert "<redacted>" in result.stderr
    assert KEY not in result.output and KEY not in result.stderr


def test_jobs_create_retries_a_503_with_one_idempotency_key_shown_in_the_debug_log(runner, api, monkeypatch):
    monkeypatch.setattr("chaser_core._base_client.time.sleep", lambda seconds: None)
    route = api.post("/v1/jobs").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={"id": "j1", "status": "queued"})]
    )
    result = invoke(
        runner, "--debug", "jobs", "create", "--kind", "sandbox.exec", "--input", '{"command": "true"}'
    )
    assert result.exit_code == 0, result.output
    keys = [json.loads(call.request.content)["idempotency_key"] for call in route.calls]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert result.stderr.count(f"idempotency key {keys[0]}") == 2
    assert json.loads(result.stdout)["id"] == "j1"


def test_global_options_reach_the_client(runner, api):
    route = api.get("https://other.example/v1/sessions/s1").respond(json=session_json("s1"))
    result = invoke(
        runner, "--base-url", "https://other.example", "--account", "team", "sessions", "get", "s1"
    )
    assert result.exit_code == 0, result.output
    assert route.calls.last.request.headers["x-chaser-account"] == "team"


def test_the_raw_api_command_calls_any_path(runner, api):
    route = api.post("/v1/billing/checkout").respond(json={"url": "https://pay"})
    result = invoke(
        runner, "api", "POST", "/v1/billing/checkout", "--data", '{"amount_usd": 5}', "-q", "mode=topup"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"url": "https://pay"}
    assert route.calls.last.request.url.params["mode"] == "topup"
    assert json.loads(route.calls.last.request.content) == {"amount_usd": 5}


def test_version(runner):
    from chaser_core import __version__

    result = invoke(runner, "--version", key=False)
    assert result.exit_code == 0 and result.stdout == f"chaser-core {__version__}\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(runner, shell):
    result = invoke(runner, "completion", shell, key=False)
    assert result.exit_code == 0
    assert "_CHASER_CORE_COMPLETE" in result.stdout
