"""Every operation of the Chaser spec sends what an independent reader of OpenAPI accepts.

openapi-core, a reader of OpenAPI that shares nothing with ours, checks each request the SDK
sends, next to our own mock (chaser_core.testing). Each operation is called twice: with its
required arguments only, then with every argument filled (tests/contract/independent.py drives
the calls, in a subprocess, as it does for the real specs in tests/pipeline/test_real_specs.py).
The test fails on a request our mock refuses, on a rule of disagreement not listed below, and on
a listed rule that no longer occurs. test_every_operation.py asks openapi-core too, for every
request of every surface.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.contract.independent import plan_for, verdict
from tests.spec_model import project_api

DRIVER = ROOT / "tests" / "contract" / "independent.py"

# The rules (tests/contract/independent.py RULES) on which openapi-core disagrees with us on the
# Chaser spec, per mode.
KNOWN = {
    "required": {"multipart file part as bytes"},  # files.upload
    "optional": {"multipart file part as bytes"},
}


def test_every_chaser_request_required_and_optional_is_accepted_by_an_independent_validator(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_for(project_api())))
    completed = subprocess.run(
        [sys.executable, str(DRIVER), str(ROOT / "generated"), str(plan)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    assert all(len(operations) == len(project_api().operations) for operations in report.values())
    problems = verdict(report, KNOWN)
    assert problems == [], "\n".join(problems)
