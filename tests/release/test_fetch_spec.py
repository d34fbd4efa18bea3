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


# -- a multi-file source ------------------------------------------------------------------------


def test_a_multi_file_source_is_bundled_and_vendored_as_one_document_with_every_file_recorded(
    vendored, tmp_path
):
    import hashlib

    from tests.release.project import split_spec

    root = split_spec(changed_upstream(), tmp_path / "upstream")
    spec, record = vendored
    changed, report = fetch_spec(str(root), spec_path=spec, source_path=record)
    assert changed
    assert spec.read_text() == pretty(changed_upstream())
    provenance = json.loads(record.read_text())
    assert provenance["url"] == str(root) and provenance["bundled"] is True
    assert provenance["sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    tree = {
        path.relative_to(root.parent).as_posix(): path for path in root.parent.rglob("*") if path.is_file()
    }
    assert provenance["files"][0]["path"] == "openapi.yaml"
    assert {entry["path"]: entry["sha256"] for entry in provenance["files"]} == {
        name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in tree.items()
    }
    # the semantic diff is of the bundled document, as for a single one
    assert "Breaking changes:" in report
    assert any("'cursor'" in line for line in report)
    assert f"Bundled {len(tree)} files: " in report[-1]


def test_a_multi_file_source_that_is_the_vendored_spec_changes_nothing(vendored, tmp_path):
    from tests.release.project import split_spec

    changed, report = fetch_spec(
        str(split_spec(UPSTREAM, tmp_path / "upstream")), spec_path=vendored[0], source_path=vendored[1]
    )
    assert not changed and report[0] == "no change"
    assert unchanged(vendored)


def test_a_multi_file_source_is_held_to_its_folder_unless_allowed(vendored, tmp_path):
    from chaser_codegen.pipeline.bundle import RefPolicy

    from tests.release.project import split_spec

    root = split_spec(changed_upstream(), tmp_path / "upstream")
    shared = tmp_path / "elsewhere" / "session_info.yaml"
    shared.parent.mkdir()
    # A schema kept beside the spec's folder, not in it (its own refs lead back into the root).
    moved = root.parent / "schemas" / "SessionInfo.yaml"
    shared.write_text(moved.read_text().replace("../openapi.yaml#", "../upstream/openapi.yaml#"))
    moved.unlink()
    root.write_text(
        root.read_text().replace("$ref: schemas/SessionInfo.yaml", "$ref: ../elsewhere/session_info.yaml")
    )
    with pytest.raises(PipelineError) as caught:
        fetch_spec(str(root), spec_path=vendored[0], source_path=vendored[1])
    assert caught.value.stage == "bundle"
    assert "$ref '../elsewhere/session_info.yaml' cannot be read" in str(caught.value)
    assert f"{shared} is outside the spec's folder" in str(caught.value)
    assert f"at {root} #/components/schemas/SessionInfo" in str(caught.value)
    assert unchanged(vendored)

    changed, _ = fetch_spec(
        str(root), spec_path=vendored[0], source_path=vendored[1], refs=RefPolicy(outside_folder=True)
    )
    assert changed and vendored[0].read_text() == pretty(changed_upstream())
    files = [entry["path"] for entry in json.loads(vendored[1].read_text())["files"]]
    assert str(shared) in files


def test_a_broken_file_in_a_multi_file_source_keeps_the_vendored_spec(vendored, tmp_path):
    from tests.release.project import split_spec

    root = split_spec(changed_upstream(), tmp_path / "upstream")
    (root.parent / "paths" / "3.json").write_text('{"get": {"responses": ')
    with pytest.raises(PipelineError, match=r"paths/3\.json:1:\d+: invalid JSON"):
        fetch_spec(str(root), spec_path=vendored[0], source_path=vendored[1])
    assert unchanged(vendored)


@respx.mock
def test_a_downloaded_spec_that_refers_to_other_files_is_refused_with_how_to_bundle_it(vendored):
    upstream = changed_upstream()
    upstream["components"]["schemas"]["SessionInfo"] = {"$ref": "schemas/session_info.yaml"}
    respx.get(DEFAULT_URL).respond(json=upstream)
    with pytest.raises(PipelineError) as caught:
        fetch(vendored)
    assert "$ref 'schemas/session_info.yaml' at #/components/schemas/SessionInfo" in str(caught.value)
    assert "--from path/to/its/root.yaml" in str(caught.value)
    assert unchanged(vendored)


def test_the_fetch_spec_command_takes_a_multi_file_source_and_the_ref_flags(tmp_path, capsys):
    """--check changes nothing, so this runs on the project's own spec/ safely."""
    from chaser_codegen.cli import main as codegen_main

    from tests.release.project import split_spec

    root = split_spec(UPSTREAM, tmp_path / "upstream")
    argv = ["fetch-spec", "--from", str(root), "--check", "--allow-refs-outside", "--allow-url-refs"]
    assert codegen_main(argv) == 0
    out = capsys.readouterr().out
    assert "spec/openapi.json matches upstream" in out and "Bundled " in out
