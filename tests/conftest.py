"""Shared fixtures: paths of the project and its vendored inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.json"
OVERLAY = ROOT / "spec" / "overlay.yaml"
EXCLUSIONS = ROOT / "spec" / "exclusions.yaml"
FIXTURE_SPECS = ROOT / "tests" / "fixtures" / "specs"


@pytest.fixture
def root() -> Path:
    return ROOT
