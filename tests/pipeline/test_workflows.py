"""The GitHub workflows cannot run here, so check what they rely on and the supply-chain rules
they must keep: every action pinned to a commit, no persisted credentials, least privilege per
job, the publishing identity in the publish job alone, attestations on, and the linters clean."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = ROOT / ".venv" / "bin"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){2}$")


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def all_workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def run_lines(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(workflow) if "run" in step]


def test_every_script_a_workflow_runs_exists_and_is_executable():
    for name, workflow in all_workflows().items():
        for command in run_lines(workflow):
            for script in re.findall(r"scripts/[\w-]+", command):
                assert os.access(ROOT / script, os.X_OK), f"{name} runs {script}"


def test_every_action_is_pinned_to_a_commit_sha_with_its_version_in_a_comment():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        uses = [
            line.split("uses:", 1)[1].strip() for line in path.read_text().splitlines() if "uses:" in line
        ]
        assert uses, path.name
        for reference in uses:
            assert PINNED.match(reference), f"{path.name}: {reference}"


def test_checkouts_do_not_persist_credentials():
    for name, workflow in all_workflows().items():
        for step in steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, name


def test_permissions_are_empty_by_default_and_granted_per_job():
    for name, workflow in all_workflows().items():
        assert workflow["permissions"] == {}, name
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: {job_name}"
            assert "timeout-minutes" in job, f"{name}: {job_name}"


def test_only_the_publish_job_can_mint_the_publishing_identity_and_it_runs_no_repository_code():
    holders = [
        (name, job_name)
        for name, workflow in all_workflows().items()
        for job_name, job in workflow["jobs"].items()
        if "id-token" in job["permissions"]
    ]
    assert holders == [("release.yml", "publish")]
    publish = load("release.yml")["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert not any("run" in step or "checkout" in step.get("uses", "") for step in publish["steps"])


def test_releases_use_trusted_publishing_with_attestations_and_no_stored_token():
    release = load("release.yml")
    (publisher,) = [
        s for s in release["jobs"]["publish"]["steps"] if "gh-action-pypi-publish" in s.get("uses", "")
    ]
    assert publisher["with"]["attestations"] is True
    assert not {"password", "user", "repository-url"} & set(publisher["with"])
    assert "scripts/release-check" in run_lines(release)
    text = (WORKFLOWS / "release.yml").read_text()
    assert "secrets." not in text and "actions/cache" not in text


def test_the_nightly_sync_only_calls_sync_spec_and_hands_its_result_to_the_pull_request():
    sync = load("spec-sync.yml")
    assert sync[True]["schedule"], "runs nightly"
    assert [re.findall(r"scripts/[\w-]+", line) for line in run_lines(sync)] == [["scripts/sync-spec"], []]
    (pull_request,) = [s for s in steps(sync) if "create-pull-request" in s.get("uses", "")]
    assert pull_request["if"] == "steps.sync.outputs.changed == 'true'"
    assert pull_request["with"]["title"] == "${{ steps.sync.outputs.title }}"
    assert pull_request["with"]["draft"] == "${{ steps.sync.outputs.tests == 'failed' }}"
    assert set(pull_request["with"]["add-paths"].split()) == {
        "pyproject.toml",
        "CHANGELOG.md",
        "spec/",
        "generated/",
        "tests/",
    }


# -- the linters: clean on our workflows, and they do catch what they are there for ----------------


def lint(directory: Any) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    workflows = sorted(str(path) for path in (directory / "workflows").glob("*.yml"))
    actionlint = subprocess.run(
        [str(BIN / "actionlint"), "-shellcheck", str(BIN / "shellcheck"), *workflows],
        capture_output=True,
        text=True,
        check=False,
    )
    zizmor = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--quiet", "--format", "plain", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    return actionlint, zizmor


def test_actionlint_and_zizmor_report_nothing_on_our_workflows():
    actionlint, zizmor = lint(ROOT / ".github")
    assert actionlint.returncode == 0, actionlint.stdout
    assert zizmor.returncode == 0, zizmor.stdout


@pytest.mark.parametrize(
    ("change", "linter", "finding"),
    [
        (
            ("actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0", "actions/checkout@v5"),
            "zizmor",
            "unpinned-uses",
        ),
        (("        with:\n          persist-credentials: false\n", ""), "zizmor", "artipacked"),
        (
            ("permissions:\n      contents: read\n    steps:", "permissions: write-all\n    steps:"),
            "zizmor",
            "excessive-permissions",
        ),
        (("scripts/lint\n", "echo ${{ github.event.pull_request.title }}\n"), "zizmor", "template-injection"),
        (("runs-on: ubuntu-latest", "runs-on: ubuntu-latst"), "actionlint", "ubuntu-latst"),
        (("run: scripts/lint\n", "run: scripts/lint $(ls *.txt)\n"), "actionlint", "SC2046"),
        (
            ("steps.python.outputs.python-version", "steps.pythn.outputs.python-version"),
            "actionlint",
            "pythn",
        ),
    ],
    ids=[
        "unpinned-action",
        "persisted-credentials",
        "excessive-permissions",
        "template-injection",
        "bad-runner",
        "unquoted-shell",
        "bad-expression",
    ],
)
def test_the_linters_catch_a_regression_in_ci_yml(tmp_path, change, linter, finding):
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    text = ci.read_text()
    assert change[0] in text
    ci.write_text(text.replace(change[0], change[1], 1))
    actionlint, zizmor = lint(tmp_path / ".github")
    result = actionlint if linter == "actionlint" else zizmor
    assert result.returncode != 0 and finding in result.stdout + result.stderr, result.stdout + result.stderr
