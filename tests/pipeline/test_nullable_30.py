"""`nullable: true` in an OpenAPI 3.0 document is honoured: an enum, a $ref (beside it, or the
allOf idioms) and a oneOf/allOf each read a null the server sends as None, through the SDK
generated from tests/fixtures/specs/nullable-30.yaml; a property that is not nullable still
refuses null (APIResponseValidationError)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.pipeline import generate as pipeline

from tests.conftest import ROOT

SPEC = ROOT / "tests" / "fixtures" / "specs" / "nullable-30.yaml"
VALUES: dict[str, Any] = {
    "id": "r1",
    "method": "GET",
    "inline_method": "POST",
    "owner": {"id": "o"},
    "owner_by_allof": {"id": "o"},
    "source": {"last4": "4242"},
    "merged": {"id": "o", "last4": "1"},
    "owner_ref_sibling": {"id": "o"},
    "method_ref_sibling": "GET",
    "owner_allof_marker": {"id": "o"},
}
READ_EACH_NULL = """
import json, sys
sys.path.insert(0, sys.argv[1])
from chaser_core.testing import MockAPI
values = json.loads(sys.argv[2])
report = {}
for key in list(values)[1:] + [None]:
    body = {**values, **({key: None} if key else {})}
    with MockAPI() as api:
        api.respond("requests.get_request", json=body)
        try:
            result = api.client().requests.get_request("r1")
        except Exception as error:
            report[key or "none"] = type(error).__name__
        else:
            value = getattr(result, key) if key else result.method
            report[key or "none"] = repr(value)
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out: Path = tmp_path_factory.mktemp("nullable") / "out"
    pipeline.generate(pipeline.Inputs(spec=SPEC, overlay=None, exclusions=None, out=out, version="0.0.0"))
    completed = subprocess.run(
        [sys.executable, "-c", READ_EACH_NULL, str(out), json.dumps(VALUES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, str] = json.loads(completed.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "field",
    [
        "method",
        "inline_method",
        "owner_by_allof",
        "source",
        "merged",
        "owner_ref_sibling",
        "method_ref_sibling",
        "owner_allof_marker",
    ],
)
def test_a_nullable_property_of_a_30_document_reads_null_as_none(report, field):
    assert report[field] == "None"


def test_a_property_that_is_not_nullable_still_refuses_null(report):
    assert report["owner"] == "APIResponseValidationError"


def test_the_values_themselves_still_read(report):
    assert report["none"] == "'GET'"
