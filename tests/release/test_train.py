"""The release train end to end, on this machine, with real parts.

Upstream is a local HTTP server that serves spec v1 (what the current release was built
from), then v2. `scripts/sync-spec` takes v2 in a copy of the project, `scripts/release-check`
builds and checks the release there, `twine` uploads it to a real package index (pypiserver,
started here on 127.0.0.1), and a downstream project pinned to the old version installs from
that index and runs its own tests, which use `chaser_core.testing`; then its pin is moved to
the new release, and it installs and passes again.

Run for a feature v2 and a breaking v2. Shared between the two, because no step of either
depends on it being fresh: the index and the old release in it (built once), the upstream
server, and a wheelhouse of the consumers' third-party dependencies (the index serves only
chaser-core; pip reads nothing else: no configured index, no network).

Each step is timed; the times are printed at the end and kept, with each generated pull request
body, in .cache/train/.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.release.project import (
    BROKEN_FIELD,
    NEW_FIELD,
    NEW_PARAMETER,
    copy_project,
    snapshot,
    spec_server,
    upstream_v1,
    upstream_v2_breaking,
    upstream_v2_feature,
)

pytestmark = pytest.mark.train

VENV_BIN = ROOT / ".venv" / "bin"
MARKDOWN = str.maketrans({"_": "\\_"})  # spec names in a pull request body are escaped for Markdown
REPORT_DIR = ROOT / ".cache" / "train"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OLD = PYPROJECT["project"]["version"]
PYTEST_PIN = next(
    pin for pin in PYPROJECT["project"]["optional-dependencies"]["dev"] if pin.startswith("pytest==")
)


def expected_version(current: str, bump: str) -> str:
    """The policy of CONTRIBUTING.md ("Versions"), written out independently of spec-diff."""
    major, minor, patch = (int(part) for part in current.split("."))
    if major == 0:
        return f"0.{minor + 1}.0" if bump == "breaking" else f"0.{minor}.{patch + 1}"
    return f"{major + 1}.0.0" if bump == "breaking" else f"{major}.{minor + 1}.0"


CASES = {
    "feature": (upstream_v2_feature, expected_version(OLD, "feature")),
    "breaking": (upstream_v2_breaking, expected_version(OLD, "breaking")),
}


# -- timing -------------------------------------------------------------------------------------


class Times:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, float]] = []

    def run(
        self, case: str, step: str, command: list[str], **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
        self.rows.append((case, step, time.perf_counter() - started))
        assert completed.returncode == 0, (
            f"{step} failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        )
        return completed

    def table(self) -> list[str]:
        lines = [f"{'case':<9} {'step':<52} {'seconds':>8}"]
        lines += [f"{case:<9} {step:<52} {seconds:>8.1f}" for case, step, seconds in self.rows]
        lines.append(f"{'total':<62} {sum(s for _, _, s in self.rows):>8.1f}")
        return lines


@pytest.fixture(scope="module")
def times(request: pytest.FixtureRequest) -> Iterator[Times]:
    recorded = Times()
    yield recorded
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "timings.json").write_text(json.dumps(recorded.rows, indent=1) + "\n")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line("release train, time of each step (also in .cache/train/timings.json):")
            for line in recorded.table():
                reporter.write_line("  " + line)


# -- the shared parts ---------------------------------------------------------------------------


def isolated_pip_env() -> dict[str, str]:
    """pip with no configuration file and no PIP_* settings: only the sources a command names."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def pip(*arguments: str) -> list[str]:
    return [str(VENV_BIN / "python"), "-m", "pip", *arguments]


@pytest.fixture(scope="module")
def upstream() -> Iterator[Any]:
    with spec_server() as server:
        yield server


class Index:
    def __init__(self, url: str, packages: Path) -> None:
        self.url = url
        self.packages = packages

    def versions(self) -> list[str]:
        page = httpx.get(f"{self.url}/simple/chaser-core/", timeout=10).text
        return sorted(set(re.findall(r"chaser_core-([0-9.]+?)(?:-py3|\.tar\.gz)", page)))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """A real package index on 127.0.0.1 that takes uploads (pypiserver, no auth)."""
    packages = tmp_path_factory.mktemp("index")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(VENV_BIN / "pypi-server"),
            "run",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-a",
            ".",
            "-P",
            ".",
            "--disable-fallback",
            "--log-stream",
            "none",
            str(packages),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/simple/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "pypiserver did not start"
            time.sleep(0.1)
        yield Index(url, packages)
    finally:
        server.terminate()
        server.wait(timeout=10)


def upload(times: Times, case: str, index: Index, dist: Path) -> None:
    times.run(
        case,
        "twine upload to the local index",
        [
            str(VENV_BIN / "twine"),
            "upload",
            "--non-interactive",
            "--repository-url",
            index.url,
            "-u",
            "train",
            "-p",
            "train",
            *map(str, sorted(dist.iterdir())),
        ],
    )


@pytest.fixture(scope="module")
def old_release(times: Times, index: Index, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The current release, as published: built from this checkout and uploaded."""
    dist = tmp_path_factory.mktemp("dist-old")
    times.run(
        "shared",
        f"build {OLD} (sdist, wheel)",
        [str(VENV_BIN / "python"), "-m", "build", "--outdir", str(dist), str(ROOT)],
    )
    upload(times, "shared", index, dist)
    assert index.versions() == [OLD]
    return OLD


@pytest.fixture(scope="module")
def wheelhouse(times: Times, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumers' third-party dependencies as wheels, fetched once (pip's normal sources)."""
    house = tmp_path_factory.mktemp("wheelhouse")
    project = PYPROJECT["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["testing"], PYTEST_PIN]
    times.run(
        "shared",
        "wheelhouse of the consumers' dependencies",
        pip("download", "--quiet", "--only-binary=:all:", "--dest", str(house), *requirements),
    )
    return house


# -- the downstream projects --------------------------------------------------------------------

DEPLOY = """\
from chaser_core import Chaser


def run_in_sandbox(client: Chaser, command: str) -> str:
    session = client.sessions.create(session_type="sandbox", ephemeral=True)
    try:
        return client.exec.in_session(session.id, command=command).output
    finally:
        client.sessions.terminate(session.id)
"""

TEST_DEPLOY = """\
from chaser_core.testing import MockAPI

from deploy import run_in_sandbox


def test_run_in_sandbox_creates_runs_and_terminates() -> None:
    with MockAPI() as api:
        api.respond("exec.in_session", json={"output": "Python 3.11.9", "exit_code": 0})
        assert run_in_sandbox(api.client(), "python3 --version") == "Python 3.11.9"
        assert len(api.calls("sessions.create")) == 1
        assert len(api.calls("sessions.terminate")) == 1
"""

# A second consumer, which reads the field the breaking v2 renames (`name`).
TEST_ACCOUNT_NAME = f"""\
from chaser_core.testing import MockAPI


def test_account_banner_shows_the_account_name() -> None:
    with MockAPI() as api:
        account = api.client().accounts.current()
        assert f"Signed in to {{account.{BROKEN_FIELD}}}".startswith("Signed in to ")
"""


class Downstream:
    """A consumer project in its own venv; chaser-core comes from the local index only."""

    def __init__(self, root: Path, index: Index, wheelhouse: Path, times: Times, case: str) -> None:
        self.root, self.index, self.wheelhouse, self.times, self.case = root, index, wheelhouse, times, case
        (root / "tests").mkdir(parents=True)
        (root / "deploy.py").write_text(DEPLOY)
        (root / "tests" / "test_deploy.py").write_text(TEST_DEPLOY)
        (root / "pytest.ini").write_text("[pytest]\npythonpath = .\ntestpaths = tests\n")
        self.venv = root / ".venv"
        times.run(case, "consumer: venv", [sys.executable, "-m", "venv", "--without-pip", str(self.venv)])

    def pin(self, version: str) -> None:
        (self.root / "requirements.txt").write_text(f"chaser-core[testing]=={version}\n{PYTEST_PIN}\n")
        self.times.run(
            self.case,
            f"consumer: install chaser-core=={version}",
            [
                *pip("--python", str(self.venv / "bin" / "python"), "install", "--quiet"),
                "--index-url",
                f"{self.index.url}/simple/",
                "--find-links",
                str(self.wheelhouse),
                "-r",
                str(self.root / "requirements.txt"),
            ],
            env=isolated_pip_env(),
        )
        assert self.installed() == version

    def installed(self) -> str:
        completed = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", "import chaser_core; print(chaser_core.__version__)"],
            capture_output=True,
            text=True,
            check=True,
            cwd=self.root,
        )
        return completed.stdout.strip()

    def pytest(self, step: str) -> None:
        self.times.run(self.case, step, self._pytest(), cwd=self.root, env=self._env())

    def pytest_failing(self) -> str:
        completed = subprocess.run(
            self._pytest(), capture_output=True, text=True, check=False, cwd=self.root, env=self._env()
        )
        assert completed.returncode == 1, completed.stdout[-3000:]
        return completed.stdout

    def _pytest(self) -> list[str]:
        return [str(self.venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]

    @staticmethod
    def _env() -> dict[str, str]:
        return {key: value for key, value in os.environ.items() if not key.startswith(("CHASER_", "PYTHON"))}


# -- the train ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_a_spec_change_travels_from_upstream_to_a_pinned_consumer(
    case: str, tmp_path: Path, times: Times, upstream: Any, index: Index, old_release: str, wheelhouse: Path
) -> None:
    make_v2, new = CASES[case]
    project = copy_project(tmp_path / "chaser-core", with_code=True)
    sync = [str(project / "scripts" / "sync-spec"), "--from", upstream.url]

    # Upstream still serves v1: the sync changes nothing and says so.
    upstream.serve(upstream_v1())
    before = snapshot(project)
    quiet = times.run(case, "sync-spec, upstream unchanged", [*sync, "--body", str(tmp_path / "none.md")])
    assert "nothing to do, nothing was changed" in quiet.stdout
    assert snapshot(project) == before and not (tmp_path / "none.md").exists()

    # Upstream serves v2: the sync leaves a release candidate. (Its tests are this test's
    # business: scripts/test would be the suite of the copy, which is this suite.)
    upstream.serve(make_v2())
    body_path, outputs = tmp_path / "pull-request.md", tmp_path / "outputs"
    times.run(
        case,
        "sync-spec, upstream v2 (--skip-tests)",
        [*sync, "--skip-tests", "--body", str(body_path), "--outputs", str(outputs)],
    )
    body = body_path.read_text()
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"pull-request-{case}.md").write_text(body)
    assert dict(line.split("=", 1) for line in outputs.read_text().splitlines())["version"] == new
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"] == new
    assert (project / "spec" / "released" / f"{new}.json").exists()
    changelog = (project / "CHANGELOG.md").read_text()
    section = changelog[changelog.index(f"## [{new}]") : changelog.index(f"## [{OLD}]")]
    if case == "breaking":
        assert f"{OLD} → {new} (`breaking`)" in body
        assert "### Breaking (0)" not in body
        removed = f"field '{BROKEN_FIELD.translate(MARKDOWN)}' was removed"
        assert f"GET /v1/accounts/current response 2XX.account: {removed}" in body
        assert "### Breaking" in section and f"{removed}. Migration: stop reading" in section
    else:
        assert f"{OLD} → {new} (`feature`)" in body
        assert "### Breaking (0)" in body
        assert (
            f"GET /v1/sessions: optional query parameter '{NEW_PARAMETER.translate(MARKDOWN)}' was added"
            in body
        )
        assert f"optional field '{NEW_FIELD.translate(MARKDOWN)}' was added" in body
        assert "### Documentation (1)" in body and "summary changed" in body
        assert "### Breaking" not in section and "### Added" in section and "### Documentation" in section

    # The release: built and checked as the release workflow does, then published.
    times.run(
        case,
        "release-check (build, checks, 2 clean venvs)",
        [str(project / "scripts" / "release-check")],
    )
    dist = project / "dist"
    assert sorted(path.name for path in dist.iterdir()) == [
        f"chaser_core-{new}-py3-none-any.whl",
        f"chaser_core-{new}.tar.gz",
    ]
    upload(times, case, index, dist)
    assert {old_release, new} <= set(index.versions())

    # A consumer pinned to the old release: still installs, still passes.
    consumer = Downstream(tmp_path / "consumer", index, wheelhouse, times, case)
    consumer.pin(old_release)
    consumer.pytest("consumer: tests on the old pin")
    (consumer.root / "tests" / "test_account_name.py").write_text(TEST_ACCOUNT_NAME)
    consumer.pytest(f"consumer: a test reading account.{BROKEN_FIELD}, old pin")

    # Its pin moved to the new release: installs it from the index, and passes; in the breaking
    # case, the test that reads the renamed field fails in the consumer's own suite, on the mock,
    # before any production call (this is what the README tells consumers to rely on).
    consumer.pin(new)
    if case == "breaking":
        caught = consumer.pytest_failing()
        assert "1 failed, 1 passed" in caught
        assert "AttributeError" in caught and f"'{BROKEN_FIELD}'" in caught
        (consumer.root / "tests" / "test_account_name.py").unlink()  # the consumer adapts
    consumer.pytest("consumer: tests on the new pin")

    # `~=OLD` (compatible release) never takes a breaking release.
    resolved = times.run(
        case,
        f"resolve chaser-core~={old_release}",
        [
            *pip(
                "install",
                "--dry-run",
                "--ignore-installed",
                "--no-deps",
                "--quiet",
                "--report",
                "-",
                f"chaser-core~={old_release}",
            ),
            "--index-url",
            f"{index.url}/simple/",
        ],
        env=isolated_pip_env(),
    )
    chosen = json.loads(resolved.stdout)["install"][0]["metadata"]["version"]
    compatible = [v for v in index.versions() if v.split(".")[:2] == old_release.split(".")[:2]]
    assert chosen == max(compatible, key=lambda v: tuple(map(int, v.split("."))))
    assert chosen != CASES["breaking"][1]
