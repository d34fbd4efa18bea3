"""Union request bodies (anyOf/oneOf of models) on every surface of a generated package: what the
spec allows is sent whole, only what no variant can take is refused, and a typo is named.

The package comes from tests/fixtures/unions/unions.yaml (open, closed and mixed variants, a field
renamed on the wire, a nested closed model) and is exercised in a subprocess through its own
validating mock: sync and async clients, the CLI, and the mock itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from chaser_codegen.pipeline import generate as pipeline

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "unions"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("unions") / "out"
    pipeline.generate(
        pipeline.Inputs(
            spec=FIXTURES / "unions.yaml", overlay=None, exclusions=None, out=out, version="0.0.0"
        )
    )
    completed = subprocess.run(
        [sys.executable, str(FIXTURES / "exercise_unions.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return result


SPREAD = {"workspace": "w", "ephemeral": True, "session_type": "sandbox", "from": "2026-01-01T00:00:00+00:00"}


@pytest.mark.parametrize("surface", ["open_sync", "open_async"])
def test_arguments_from_two_open_variants_are_all_sent(report: dict[str, Any], surface: str) -> None:
    # `from` is renamed from_ in Python and a datetime: it reaches the wire under its own name, as text.
    assert report[surface] == {"body": SPREAD}


def test_the_cli_sends_options_from_two_open_variants(report: dict[str, Any]) -> None:
    assert report["open_cli"] == {
        "exit": 0,
        "body": {"workspace": "w", "ephemeral": True, "session_type": "sandbox"},
    }


def test_an_open_variant_carries_arguments_of_a_closed_one(report: dict[str, Any]) -> None:
    assert report["mixed_sync"] == {"body": {"side": 1.5, "ephemeral": True}}


def test_arguments_of_one_closed_variant_are_sent(report: dict[str, Any]) -> None:
    assert report["closed_one_sync"] == {"body": {"side": 2.0}}


@pytest.mark.parametrize("surface", ["closed_sync", "closed_async"])
def test_arguments_no_closed_variant_takes_together_are_refused_before_sending(
    report: dict[str, Any], surface: str
) -> None:
    outcome = report[surface]

    assert outcome["sent"] == 0
    assert outcome["error"].startswith("no variant of the request body takes radius and side together")
    assert "every variant is closed" in outcome["error"]
    assert "Circle takes radius, label; Square takes side" in outcome["error"]


def test_the_cli_refuses_what_no_closed_variant_takes_with_a_usage_error(report: dict[str, Any]) -> None:
    outcome = report["closed_cli"]

    assert outcome["exit"] == 2 and outcome["sent"] == 0
    assert "no variant of the request body takes radius and side together" in outcome["stderr"]


def test_a_dict_for_a_closed_model_is_sent_when_it_fits(report: dict[str, Any]) -> None:
    assert report["nested_dict"] == {"body": {"shape": {"radius": 2.0}}}


def test_a_typo_in_a_dict_for_a_closed_model_is_named_with_the_likely_name(report: dict[str, Any]) -> None:
    assert report["nested_typo"] == {
        "error": "Circle needs 'radius' ('radiuss' given: did you mean 'radius'?)",
        "sent": 0,
    }
    assert report["nested_extra"]["sent"] == 0
    assert report["nested_extra"]["error"].startswith("Circle does not take 'lable' (did you mean 'label'?)")


def test_the_mock_refuses_a_body_two_open_one_of_variants_take(report: dict[str, Any]) -> None:
    """A `oneOf` takes a body exactly one variant takes (a strict server refuses the rest): the
    SDK sends what the caller gave, and the mock refuses it as such a server would."""
    assert "is valid under each of" in report["mock_two_open"]
    assert report["either_sync"]["body"] == {"ephemeral": True}
    assert "is valid under each of" in report["either_sync"]["refused"]


def test_the_mock_names_a_typo_against_closed_variants(report: dict[str, Any]) -> None:
    assert "'radiuss' is not a property of the body (did you mean 'radius'?)" in report["mock_typo"]
    assert "no variant declares all of 'radius', 'side'" in report["mock_two_closed"]
