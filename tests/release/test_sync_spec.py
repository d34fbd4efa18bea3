"""scripts/sync-spec, step by step, on a copy of the project (the end-to-end run is test_train.py)."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline.load import load_document
from chaser_codegen.release import sync
from chaser_codegen.release.gate import check_version
from chaser_codegen.release.repairdiff import Repair, RepairChanges
from chaser_codegen.release.specdiff import Change

from tests.conftest import ROOT
from tests.release.project import (
    NEW_FIELD,
    copy_project,
    snapshot,
    split_spec,
    upstream_v1,
    upstream_v2_feature,
)

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def serve_file(tmp_path: Path, document: dict[str, Any]) -> str:
    path = tmp_path / "upstream.json"
    path.write_text(json.dumps(document))
    return str(path)


def run(project: Path, source: str, **kwargs: Any) -> tuple[sync.Outcome, list[str]]:
    lines: list[str] = []
    kwargs.setdefault("run_tests", False)
    outcome = sync.sync_spec(project, source, log=lines.append, **kwargs)
    return outcome, lines


def patch_version(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def test_with_no_upstream_change_nothing_changes_and_it_says_so(project, tmp_path):
    before = snapshot(project)
    outcome, lines = run(project, serve_file(tmp_path, upstream_v1()))
    assert not outcome.changed and outcome.exit_code == 0
    assert outcome.outputs()["changed"] == "false" and outcome.body == ""
    assert any("nothing to do, nothing was changed" in line for line in lines)
    assert snapshot(project) == before


def test_a_description_only_change_is_a_documentation_release_with_its_new_repairs(project, tmp_path):
    """Issue: a reworded description changed the docstrings while spec-diff said "bump: none".
    The new upstream also repeats a required property: a defect the repair stage fixes, which
    the pull request lists as a new repair (and which changes nothing the SDK sends)."""
    v2 = copy.deepcopy(upstream_v1())
    session_info = v2["components"]["schemas"]["SessionInfo"]
    session_info["properties"]["workspace_id"]["description"] = (
        "The workspace's durable identity, kept across sessions."
    )
    session_info["required"] = [*session_info["required"], session_info["required"][0]]
    outcome, _ = run(project, serve_file(tmp_path, v2))

    new = patch_version(VERSION)
    assert (outcome.changed, outcome.bump, outcome.version) == (True, "docs", new)
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"] == new
    model = (project / "generated" / "chaser_core" / "_api" / "models" / "session_info.py").read_text()
    assert "kept across sessions" in model
    assert f'__version__ = "{new}"' in (project / "generated" / "chaser_core" / "_version.py").read_text()
    changelog = (project / "CHANGELOG.md").read_text()
    assert f"## [{new}]" in changelog
    assert "### Documentation\n- schema SessionInfo.workspace\\_id: description changed." in changelog
    assert (project / "spec" / "released" / f"{new}.json").exists()
    assert (project / "spec" / "released" / f"{new}.repairs.json").exists()
    # the version gate of the synced project is satisfied, and would not be by the old version
    gate = dict(
        spec=load_document(project / "spec" / "openapi.json"),
        released_dir=project / "spec" / "released",
        overlay=load_document(project / "spec" / "overlay.yaml", stage="overlay"),
    )
    assert check_version(current=new, **gate).ok
    assert "### Documentation (1)\n- schema SessionInfo.workspace\\_id: description changed." in outcome.body
    new_repairs = outcome.body.split("### New repairs")[1].split("### Checks")[0]
    assert new_repairs.startswith(" (1)")
    assert "`duplicate-required` at `#/components/schemas/SessionInfo/required`" in new_repairs
    assert "ignored-header-parameter" not in new_repairs  # repaired in v1 already: not new
    assert outcome.title == f"spec: upstream changes, {VERSION} -> {new} (docs)"
    assert set(outcome.timings) == {"fetch", "spec-diff", "bump", "release notes", "generate"}


def test_a_change_spec_diff_cannot_name_still_gets_a_patch_release_when_generated_changes(
    project, tmp_path, monkeypatch
):
    """The last guard of "a package that differs never ships under a published version": were
    spec-diff blind to a change, the regenerated tree still tells."""
    from chaser_codegen.release import gate, specdiff

    monkeypatch.setattr(specdiff, "diff_documents", lambda old, new, overlay=None: [])
    monkeypatch.setattr(gate, "diff_documents", lambda old, new, overlay=None: [])
    v2 = copy.deepcopy(upstream_v1())
    v2["components"]["schemas"]["SessionInfo"]["properties"]["status"]["description"] = "Lifecycle state."
    outcome, _ = run(project, serve_file(tmp_path, v2))
    assert (outcome.bump, outcome.version) == ("docs", patch_version(VERSION))
    assert "generated/ changed, though spec-diff names no change" in outcome.body
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"] == patch_version(
        VERSION
    )
    assert (project / "spec" / "released" / f"{patch_version(VERSION)}.json").exists()


def test_a_failed_generation_puts_every_file_back(project, tmp_path):
    v2 = copy.deepcopy(upstream_v1())
    del v2["paths"]["/v1/keys/{key_id}"]["delete"]  # the overlay names it: generation must fail
    before = snapshot(project)
    with pytest.raises(PipelineError, match=r"keys\.revoke"):
        run(project, serve_file(tmp_path, v2))
    assert snapshot(project) == before


def test_a_multi_file_upstream_is_bundled_vendored_and_released_like_a_single_one(project, tmp_path):
    import hashlib

    root = split_spec(upstream_v2_feature(), tmp_path / "upstream")
    outcome, _ = run(project, str(root))
    assert outcome.changed and outcome.bump == "feature"
    spec = project / "spec" / "openapi.json"
    assert json.loads(spec.read_text()) == upstream_v2_feature()
    record = json.loads((project / "spec" / "source.json").read_text())
    assert record["bundled"] is True and record["url"] == str(root)
    assert {entry["path"] for entry in record["files"]} == {
        path.relative_to(root.parent).as_posix() for path in root.parent.rglob("*") if path.is_file()
    }
    assert record["sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    model = (project / "generated" / "chaser_core" / "_api" / "models" / "session_info.py").read_text()
    assert NEW_FIELD in model
    # spec-diff read the bundled document: the new field is a feature (Markdown-escaped)
    features = outcome.body.split("### Features")[1].split("### Documentation")[0]
    assert NEW_FIELD.replace("_", "\\_") in features


def test_a_multi_file_upstream_that_reaches_outside_its_folder_changes_nothing(project, tmp_path):
    root = split_spec(upstream_v2_feature(), tmp_path / "upstream")
    (tmp_path / "secret.yaml").write_text("type: string\n")
    (root.parent / "schemas" / "AccountRole.yaml").write_text("$ref: ../../secret.yaml\n")
    before = snapshot(project)
    with pytest.raises(PipelineError, match=r"\$ref '\.\./\.\./secret\.yaml' cannot be read"):
        run(project, str(root))
    assert snapshot(project) == before


def test_a_failure_while_rewriting_golden_records_puts_them_back_too(project, tmp_path, monkeypatch):
    records = project / "tests" / "cli" / "golden"
    records.mkdir(parents=True)
    (records / "sessions-help.txt").write_text("the old help\n")
    v2 = copy.deepcopy(upstream_v1())
    v2["components"]["schemas"]["AccountRole"]["enum"].append("auditor")

    def half_done(root: Path, log: Any) -> list[str]:
        (records / "sessions-help.txt").write_text("the new help\n")
        (records / "new-command-help.txt").write_text("a new record\n")
        raise PipelineError("sync", "rewriting the golden records failed")

    monkeypatch.setattr(sync, "refresh_golden_records", half_done)
    before = snapshot(project)
    with pytest.raises(PipelineError, match="golden records failed"):
        run(project, serve_file(tmp_path, v2))
    assert snapshot(project) == before


def test_failing_tests_keep_the_changes_and_mark_the_pull_request(project, tmp_path, monkeypatch):
    v2 = copy.deepcopy(upstream_v1())
    v2["components"]["schemas"]["AccountRole"]["enum"].append("viewer")
    failed = sync.TestRun(
        False, "1 failed, 1260 passed in 150.00s", ["FAILED tests/sdk/test_results.py::test_roles - KeyError"]
    )
    monkeypatch.setattr(sync, "_run_tests", lambda root, log: failed)
    outcome, _ = run(project, serve_file(tmp_path, v2), run_tests=True)
    assert outcome.exit_code == 1 and outcome.outputs()["tests"] == "failed"
    assert outcome.title.startswith("[tests failing] spec: upstream changes")
    assert "**failed**" in outcome.body and "1 failed, 1260 passed" in outcome.body
    assert "  - `FAILED tests/sdk/test_results.py::test_roles - KeyError`" in outcome.body
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"] == patch_version(
        VERSION
    )


def test_the_test_step_runs_scripts_test_and_keeps_pytests_closing_line(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "test").write_text("#!/bin/sh\necho '==> pytest'\necho '3 passed in 0.12s'\nexit 0\n")
    (scripts / "test").chmod(0o755)
    lines: list[str] = []
    assert sync._run_tests(tmp_path, lines.append) == sync.TestRun(True, "3 passed in 0.12s", [])
    assert lines == ["==> pytest", "3 passed in 0.12s"]
    (scripts / "test").write_text(
        "#!/bin/sh\necho 'FAILED tests/test_a.py::test_b - assert 1 == 2'\necho '1 failed, 2 passed in 0.12s'\nexit 1\n"
    )
    assert sync._run_tests(tmp_path, lines.append) == sync.TestRun(
        False, "1 failed, 2 passed in 0.12s", ["FAILED tests/test_a.py::test_b - assert 1 == 2"]
    )


GOLDEN_TEST = """\
import os
from pathlib import Path

import pytest


@pytest.mark.golden
def test_help_record():
    record = Path(__file__).parent / "golden" / "help.txt"
    if os.environ.get("CHASER_UPDATE_GOLDEN") == "1":
        record.write_text(os.environ.get("HELP_TEXT", "help"))
    assert record.read_text() == os.environ.get("HELP_TEXT", "help")
"""


def test_golden_records_that_follow_the_spec_are_rewritten_and_named(tmp_path, monkeypatch):
    (tmp_path / "tests" / "golden").mkdir(parents=True)
    (tmp_path / "tests" / "test_help.py").write_text(GOLDEN_TEST)
    (tmp_path / "tests" / "golden" / "help.txt").write_text("help")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    golden: a golden record\n")
    lines: list[str] = []
    monkeypatch.setenv("HELP_TEXT", "help")
    assert sync.refresh_golden_records(tmp_path, lines.append) == []
    monkeypatch.setenv("HELP_TEXT", "help, with the new command")
    assert sync.refresh_golden_records(tmp_path, lines.append) == ["tests/golden/help.txt"]
    assert (tmp_path / "tests" / "golden" / "help.txt").read_text() == "help, with the new command"
    (tmp_path / "tests" / "test_help.py").write_text("def test_broken(:\n")
    with pytest.raises(PipelineError, match="golden records failed"):
        sync.refresh_golden_records(tmp_path, lines.append)


def test_the_pull_request_body_groups_changes_and_keeps_spec_text_inert():
    body = sync.pull_request_body(
        source="https://api.example/openapi.json",
        current="0.3.1",
        version="0.4.0",
        bump="breaking",
        reason="1 breaking change(s): while the version is 0.x a breaking change bumps the minor number.",
        changes=[
            Change("field-removed", True, "x", "schema X: field 'a' was removed"),
            Change(
                "field-added", False, "x", "schema X: optional field '<img src=x onerror=alert(1)>' was added"
            ),
            Change("documentation-changed", False, "x", "schema X.b: description changed"),
        ],
        repairs=RepairChanges(
            new=[Repair("drop-dangling-ref", "#/components/schemas/X/properties/c", {"$ref": "#/nowhere"})],
            gone=[Repair("fixed-upstream", "#/paths/~1y"), Repair("fixed-upstream", "#/paths/~1a`b``c")],
        ),
        tests="passed",
        test_summary="1261 passed in 145.86s",
        refreshed=["tests/cli/golden/sessions-help.txt"],
    )
    assert body.startswith("## chaser-core 0.3.1 → 0.4.0 (`breaking`)\n")
    sections = [line for line in body.splitlines() if line.startswith("### ")]
    assert sections == [
        "### Breaking (1)",
        "### Features (1)",
        "### Documentation (1)",
        "### New repairs (1)",
        "### Checks",
        "### To release",
    ]
    assert "field 'a' was removed. Migration: stop reading or sending this field." in body
    assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert (
        '`drop-dangling-ref` at `#/components/schemas/X/properties/c`: `{"$ref": "#/nowhere"} -> (removed)`'
        in body
    )
    assert "Repairs no longer needed (2), fixed upstream:\n- `fixed-upstream` at `#/paths/~1y`" in body
    assert "- `fixed-upstream` at ``` #/paths/~1a`b``c ```" in body  # no backtick ends the span early
    assert "- `scripts/test`: passed (`1261 passed in 145.86s`)" in body
    assert (
        "- golden records rewritten for the new spec (1), review their diff: `tests/cli/golden/sessions-help.txt`"
        in body
    )
    assert "tag the merge commit `v0.4.0`" in body


def test_the_version_is_written_to_the_project_table_only(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "x"\nversion = "0.1.0"  # the one place\n'
        '\n[tool.mypy]\npython_version = "3.11"\nversion = "untouched"\n'
    )
    sync.write_version(pyproject, "0.2.0")
    text = pyproject.read_text()
    assert (
        'version = "0.2.0"  # the one place\n' in text
        and 'version = "untouched"' in text
        and 'python_version = "3.11"' in text
    )
    assert sync.read_version(pyproject) == "0.2.0"
