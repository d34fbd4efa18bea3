"""Parameters and form bodies go on the wire by the spec's rules, on every surface.

A package is generated from tests/fixtures/wire/spec.yaml (a Stripe-shaped API: form bodies
whose `encoding` says deepObject, deepObject queries on objects, unions and lists, a
pipeDelimited query, a label path parameter and a header) and exercised in a subprocess
(tests/fixtures/wire/exercise_wire.py): its SDK, its CLI and its mock, which all read the rules
the pipeline put in its model (chaser_core._wire, tests/sdk/test_wire.py for each style).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.pipeline import generate as pipeline

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "wire"

NESTED_PAIRS = [
    ["success_url", "https://example.com/ok"],
    ["billing[address][city]", "abc"],
    ["billing[address][line1]", "1 Main St"],
    ["billing[name]", "Jo"],
    ["expand[0]", "customer"],
    ["features", ""],
    ["line_items[0][price]", "price_1"],
    ["line_items[0][quantity]", "2"],
    ["line_items[1][price]", "price_2"],
    ["line_items[1][quantity]", "1"],
    ["metadata[order]", "6735"],
    ["mode", "payment"],
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pipeline.Result]:
    out = tmp_path_factory.mktemp("wire") / "out"
    result = pipeline.generate(
        pipeline.Inputs(spec=FIXTURES / "spec.yaml", overlay=None, exclusions=None, out=out, version="0.0.0")
    )
    return out, result


@pytest.fixture(scope="module")
def report(package: tuple[Path, pipeline.Result]) -> dict[str, Any]:
    out, _ = package
    completed = subprocess.run(
        [sys.executable, str(FIXTURES / "exercise_wire.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return result


def test_the_model_carries_each_parameters_and_form_fields_rule(package):
    _, result = package
    by_name = {op.qualified_name: op for op in result.api.operations}
    form = by_name["checkout.post_checkout_sessions"].body
    assert form is not None and form.kind == "form"
    assert {(r.name.raw, r.style, r.explode) for r in form.form_rules} == {
        (name, "deepObject", True) for name in ("billing", "line_items", "features", "expand", "metadata")
    }
    customers = {r.name.raw: r for r in by_name["customers.get_customers"].wire_rules}
    assert (customers["created"].style, customers["created"].needs_runtime) == ("deepObject", True)
    assert (customers["ids"].style, customers["ids"].explode) == ("pipeDelimited", False)
    assert (customers["limit"].style, customers["limit"].explode, customers["limit"].needs_runtime) == (
        "form",
        True,
        False,
    )
    item = {r.name.raw: r for r in by_name["items.get_item"].wire_rules}
    assert (item["item"].style, item["item"].needs_runtime) == ("label", True)
    # The header-parameter-type repair makes an array header a string the caller writes, which
    # the low-level layer sends as it is.
    assert (item["X-Trace"].style, item["X-Trace"].needs_runtime) == ("simple", False)


def test_a_stripe_form_call_sends_nested_objects_and_lists_of_objects_in_brackets(report):
    assert sorted(report["sdk_form"]) == sorted(NESTED_PAIRS)
    assert report["sdk_content_type"] == "application/x-www-form-urlencoded"
    raw = report["sdk_form_raw"]
    assert "%7B" not in raw and "%27" not in raw  # never the text of a dict
    assert "line_items%5B0%5D%5Bprice%5D=price_1" in raw


def test_query_path_and_header_parameters_follow_their_styles(report):
    assert report["sdk_query"] == [
        ["created[gte]", "5"],
        ["created[lt]", "9"],
        ["expand[0]", "data.sources"],
        ["ids", "a|b"],
        ["limit", "3"],
    ]
    assert report["sdk_query_scalar"] == [["created", "7"]]
    assert report["sdk_path"] == "/v1/items/.a.b%20c"
    assert report["sdk_header"] == "t1,t2"


def test_the_cli_sends_the_same_form_body_as_the_sdk(report):
    assert report.get("cli_exit") in (None, 0)
    assert sorted(report["cli_form"]) == sorted(NESTED_PAIRS)


def test_the_mock_reads_brackets_and_refuses_the_text_of_a_dict(report):
    assert report["mock_brackets"] == []
    assert any("billing" in problem for problem in report["mock_str_of_dict"])
    assert any(
        "'price' is a required property" in problem for problem in report["mock_missing_required_in_item"]
    )
    assert "query parameter 'created'" in report["mock_query_str_of_dict"]
