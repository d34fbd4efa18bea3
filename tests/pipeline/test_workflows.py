"""The GitHub workflows cannot run here, so check what they rely on."""

from __future__ import annotations

import os
import re

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def run_lines(workflow: dict) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


def test_every_script_a_workflow_runs_exists_and_is_executable():
    for path in WORKFLOWS.glob("*.yml"):
        for command in run_lines(load(path.name)):
            for script in re.findall(r"scripts/[\w-]+", command):
                assert os.access(ROOT / script, os.X_OK), f"{path.name} runs {script}"


def test_ci_runs_the_test_command_on_python_3_11_to_3_13():
    ci = load("ci.yml")
    assert ci["jobs"]["test"]["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert "scripts/test" in run_lines(ci)


def test_the_nightly_sync_fetches_generates_tests_and_titles_the_pull_request_with_the_bump():
    sync = load("spec-sync.yml")
    assert sync[True]["schedule"], "runs nightly"
    script = "\n".join(run_lines(sync))
    for step in ("scripts/fetch-spec", "scripts/generate", "scripts/spec-diff", "scripts/test"):
        assert step in script
    pull_request = next(
        s for s in sync["jobs"]["sync"]["steps"] if "create-pull-request" in s.get("uses", "")
    )
    assert "BUMP" in pull_request["with"]["title"]


def test_releases_use_trusted_publishing_and_no_stored_token():
    release = load("release.yml")
    assert release["jobs"]["publish"]["permissions"] == {"id-token": "write"}
    assert "scripts/release-check" in run_lines(release)
    text = (WORKFLOWS / "release.yml").read_text()
    assert "secrets." not in text and "password" not in text
