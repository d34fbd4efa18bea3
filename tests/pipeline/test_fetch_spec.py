"""scripts/fetch-spec against a respx-mocked upstream: it vendors only a valid document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
import respx
from chaser_codegen.errors import PipelineError
from chaser_codegen.release.fetch import DEFAULT_URL, fetch_spec, pretty

from tests.conftest import SPEC

UPSTREAM = json.loads(SPEC.read_text())


@pytest.fixture
def vendored(tmp_path) -> tuple[Path, Path]:
    spec, source = tmp_path / "openapi.json", tmp_path / "source.json"
    shutil.copyfile(SPEC, spec)
    source.write_text('{"url": "before"}\n')
    return spec, source


def fetch(vendored, **kwargs):
    spec, source = vendored
    return fetch_spec(DEFAULT_URL, spec_path=spec, source_path=source, **kwargs)


def unchanged(vendored) -> bool:
    spec, source = vendored
    return spec.read_bytes() == SPEC.read_bytes() and source.read_text() == '{"url": "before"}\n'


def changed_upstream() -> dict:
    document = json.loads(SPEC.read_text())
    document["paths"]["/v1/jobs"]["get"]["parameters"].append(
        {"name": "cursor", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    return document


@respx.mock
def test_a_valid_new_spec_is_vendored_with_its_provenance_and_a_semantic_diff(vendored):
    respx.get(DEFAULT_URL).respond(json=changed_upstream())
    changed, report = fetch(vendored)
    spec, source = vendored
    assert changed
    assert spec.read_text() == pretty(changed_upstream())
    record = json.loads(source.read_text())
    assert record["url"] == DEFAULT_URL and len(record["sha256"]) == 64 and record["fetched_at"].endswith("Z")
    assert "Breaking changes:" in report
    assert any("'cursor'" in line for line in report)


@respx.mock
def test_the_same_spec_changes_nothing(vendored):
    respx.get(DEFAULT_URL).respond(json=UPSTREAM)
    changed, report = fetch(vendored)
    assert not changed and report[:2] == [
        "no change",
        "Repairs: 73 (ignored-header-parameter 72, overlapping-oneof 1)",
    ]
    assert unchanged(vendored)


@respx.mock
def test_a_spec_that_needs_only_known_repairs_is_vendored_as_it_is_and_they_are_reported(vendored):
    upstream = changed_upstream()
    upstream["paths"]["/v1/jobs"]["get"]["responses"]["1xx"] = {"description": "informational"}
    upstream["components"]["schemas"]["SessionInfo"]["required"].append("id")
    respx.get(DEFAULT_URL).respond(json=upstream)
    changed, report = fetch(vendored)
    spec, _ = vendored
    assert changed
    assert spec.read_text() == pretty(upstream)  # upstream as it is: the pipeline repairs it each time
    summary = next(line for line in report if line.startswith("Repairs: "))
    assert (
        summary
        == "Repairs: 75 (ignored-header-parameter 72, duplicate-required 1, overlapping-oneof 1, status-code-key 1)"
    )
    assert any("status-code-key at #/paths/~1v1~1jobs/get/responses/1xx" in line for line in report)


@respx.mock
def test_a_spec_no_rule_can_repair_is_refused_and_the_vendored_one_kept(vendored):
    upstream = changed_upstream()
    upstream["paths"]["/v1/jobs"]["get"]["requestBody"] = {"$ref": "#/components/requestBodies/Missing"}
    respx.get(DEFAULT_URL).respond(json=upstream)
    with pytest.raises(PipelineError) as caught:
        fetch(vendored)
    assert caught.value.stage == "validate"
    assert "#/paths/~1v1~1jobs/get/requestBody" in str(caught.value)
    assert unchanged(vendored)


@respx.mock
def test_check_reports_drift_without_writing(vendored):
    respx.get(DEFAULT_URL).respond(json=changed_upstream())
    changed, _ = fetch(vendored, check=True)
    assert changed and unchanged(vendored)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, content=b'{"openapi": "3.1.0", "paths": {'), "invalid JSON"),
        (
            httpx.Response(
                200,
                json={"openapi": "3.1.0", "info": {"title": "x"}, "paths": {"/a": {"get": {"responses": 7}}}},
            ),
            "not valid OpenAPI",
        ),
        (httpx.Response(200, json={"swagger": "2.0"}), "unsupported OpenAPI version"),
        (httpx.Response(500, text="upstream down"), "HTTP 500"),
        (httpx.Response(200, text="<html><body>Service Unavailable</body></html>"), "HTML or XML page"),
    ],
    ids=["truncated-json", "invalid-openapi", "swagger-2", "http-500", "html-error-page"],
)
@respx.mock
def test_a_bad_download_keeps_the_vendored_spec(vendored, response, message):
    respx.get(DEFAULT_URL).mock(return_value=response)
    with pytest.raises(PipelineError, match=message):
        fetch(vendored)
    assert unchanged(vendored)


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.ReadError("reset"),
    ],
)
@respx.mock
def test_network_failures_keep_the_vendored_spec(vendored, error):
    respx.get(DEFAULT_URL).mock(side_effect=error)
    with pytest.raises(PipelineError):
        fetch(vendored)
    assert unchanged(vendored)


@respx.mock
def test_a_spec_that_lost_most_operations_needs_accept_shrink(vendored):
    shrunk = json.loads(SPEC.read_text())
    shrunk["paths"] = {path: item for path, item in list(shrunk["paths"].items())[:5]}
    respx.get(DEFAULT_URL).respond(json=shrunk)
    with pytest.raises(PipelineError, match="--accept-shrink"):
        fetch(vendored)
    assert unchanged(vendored)
    changed, _ = fetch(vendored, accept_shrink=True)
    assert changed and len(json.loads(vendored[0].read_text())["paths"]) == 5


def test_a_yaml_file_source_is_vendored_as_json(vendored, tmp_path):
    import yaml

    source = tmp_path / "upstream.yaml"
    source.write_text(yaml.safe_dump(changed_upstream(), sort_keys=False))
    spec, record = vendored
    changed, _ = fetch_spec(str(source), spec_path=spec, source_path=record)
    assert changed and json.loads(spec.read_text()) == changed_upstream()
