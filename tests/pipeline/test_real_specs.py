"""Real third-party specs generate completely: every operation on every surface, every repair
reported, every operation answered through the generated client by its own mock, and every
request (required arguments only, then all of them) read by an independent validator too.

The specs are in tests/fixtures/real-specs/ (OpenAI 3.1, Stripe 3.0, openapi-python-client's
end-to-end documents). Bare openapi-python-client 0.29.1 generates 256 of OpenAI's 288
operations and crashes on Stripe; it drops 1 of each baseline's 42.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline import generate as pipeline
from chaser_codegen.pipeline.model import Api, Operation

from tests.conftest import ROOT
from tests.contract import independent
from tests.pipeline.packages import run_generate

REAL_SPECS = ROOT / "tests" / "fixtures" / "real-specs"
OAPC = REAL_SPECS / "openapi-python-client"
DRIVE = REAL_SPECS / "drive.py"
UNSET = REAL_SPECS / "unset.py"

EXPECTED_OPERATIONS = {"openai-2026-08": 288, "stripe-2022-04": 417}


def generated(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[pipeline.Result, Path]:
    folder = tmp_path_factory.mktemp(name)
    spec = folder / f"{name}.json"
    spec.write_bytes(gzip.decompress((REAL_SPECS / f"{name}.json.gz").read_bytes()))
    out = folder / "out"
    result = pipeline.generate(
        pipeline.Inputs(spec=spec, overlay=None, exclusions=None, out=out, version="0.0.0")
    )
    return result, out


@pytest.fixture(scope="module", params=sorted(EXPECTED_OPERATIONS))
def real(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, pipeline.Result, Path]:
    result, out = generated(tmp_path_factory, request.param)
    return request.param, result, out


def test_every_operation_of_a_real_spec_is_generated_on_every_surface(real):
    name, result, out = real
    # The pipeline's verify stage has already imported the package and found every operation's
    # low-level module, sync and async method, raw-response variant, CLI command and api.md entry.
    assert len(result.api.operations) == EXPECTED_OPERATIONS[name]
    assert (out / "chaser_core" / "types.py").exists()


IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
import chaser_core
names = [info.name for info in pkgutil.walk_packages(chaser_core.__path__, "chaser_core.")]
for name in names:
    importlib.import_module(name)
models = importlib.import_module("chaser_core._api.models")
missing = [name for name in models.__all__ if not hasattr(models, name)]
print(len(names), len(models.__all__), missing)
"""


def test_every_module_of_a_real_spec_package_imports(real):
    """The verify stage imports the models its surfaces reach; this imports all of them (OpenAI's
    3,400), and the lazy `_api.models` package gives each of them by name."""
    _, _, out = real
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE, str(out)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    modules = len(list((out / "chaser_core" / "_api" / "models").glob("[!_]*.py")))
    imported, exported, missing = completed.stdout.split(" ", 2)
    assert int(imported) > modules > 100 and int(exported) >= modules and missing.strip() == "[]"


def test_every_repair_of_a_real_spec_is_in_its_report(real):
    _, result, out = real
    report = json.loads((out / "repairs.json").read_text())
    assert len(report["repairs"]) == len(result.repairs) > 0
    assert report["summary"] == result.repairs.summary()
    assert all({"rule", "pointer"} <= set(entry) for entry in report["repairs"])


def test_repairs_of_the_openai_spec_are_exact_where_exact_ones_exist(real):
    """No OpenAI operation needs a fallback to Any: each defect has an exact repair."""
    name, result, _ = real
    fallbacks = {rule for rule in result.repairs.summary() if "fallback" in rule}
    assert fallbacks == set(), f"{name}: {fallbacks}"


def plan_for(api: Api) -> dict[str, Any]:
    """Each operation's required arguments, as schemas the driver makes values of."""
    plan = {}
    for op in api.operations:
        entry: dict[str, Any] = {
            "positional": [f.json_schema for f in op.path_params],
            "keywords": {},
            "files": [],
        }
        # A required body of which no property is required still needs one (an empty form is none).
        needs_one = op.body is not None and op.body.required and not any(f.required for f in op.body_fields)
        for field in op.keyword_fields:
            if not field.required and not (needs_one and field in op.body_fields[:1]):
                continue
            if field.is_file:
                entry["files"].append(field.arg_name)
            elif field.python_name == "body" and op.body is not None and not op.body.flattened:
                entry["keywords"][field.arg_name] = body_schema(api, op)
            else:
                entry["keywords"][field.arg_name] = field.json_schema
        plan[op.qualified_name] = entry
    return plan


def body_schema(api: Api, op: Operation) -> Any:
    """The schema of the body a caller passes as a dict: the JSON one, when there is one."""
    operation = api.spec_document["paths"][op.path][op.method]
    content = (operation.get("requestBody") or {}).get("content") or {}
    json_media = [media for media in content if media.split(";")[0].strip().endswith(("/json", "+json"))]
    media = json_media[0] if json_media else op.body.content_type if op.body else next(iter(content), "")
    return (content.get(media) or {}).get("schema") or {}


def test_every_operation_of_a_real_spec_answers_through_the_client_and_its_mock(real, tmp_path):
    """Sync, raw and async, every required argument valid against its schema, every request
    checked by the mock against the spec, every answer parsed into the declared types."""
    name, result, out = real
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_for(result.api)))
    completed = subprocess.run(
        [sys.executable, str(DRIVE), str(out), str(plan)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    assert report["problems"] == []
    assert len(report["calls"]) == EXPECTED_OPERATIONS[name]


INDEPENDENT = ROOT / "tests" / "contract" / "independent.py"

# The rules (tests/contract/independent.py RULES) on which openapi-core, the independent reader,
# disagrees with what the SDK sends, per spec and mode (required arguments only; every argument).
INDEPENDENT_KNOWN: dict[str, dict[str, set[str]]] = {
    "openai-2026-08": {
        "required": {
            "discriminator value without mapping",
            "multipart array not sent read as empty",
            "multipart file part as bytes",
            "multipart union part as bytes",
            "type list",
        },
        "optional": {
            "discriminator value without mapping",
            "multipart file part as bytes",
            "multipart text part not read as its type",
            "multipart union part as bytes",
            "type list",
        },
    },
    # openapi-core reads none of Stripe's nested deepObject: the bracket reader checks those
    # requests instead (and must accept them), see tests/contract/independent.py.
    "stripe-2022-04": {
        "required": {"deepObject beyond one object level", "operation servers"},
        "optional": {"deepObject beyond one object level", "operation servers"},
    },
}


def test_every_operation_of_a_real_spec_sends_what_an_independent_validator_accepts(real, tmp_path):
    """Each operation with its required arguments, then with every argument, read by openapi-core
    as well as by the package's own mock: every disagreement is a known rule, with its reason."""
    name, result, out = real
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(independent.plan_for(result.api)))
    completed = subprocess.run(
        [sys.executable, str(INDEPENDENT), str(out), str(plan)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    assert all(len(operations) == EXPECTED_OPERATIONS[name] for operations in report.values())
    problems = independent.verdict(report, INDEPENDENT_KNOWN[name])
    assert problems == [], "\n".join(problems)


def test_a_real_spec_generates_from_the_command_line_with_the_repair_summary(tmp_path):
    spec = OAPC / "baseline_openapi_3.1.yaml"
    completed = run_generate("--spec", str(spec), "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stderr.startswith("Repairs: ")
    assert "operation-id-derived 13" in completed.stderr
    assert f"{tmp_path / 'out' / 'repairs.json'}" in completed.stderr
    assert "Generated 42 operations" in completed.stdout


@pytest.mark.parametrize(
    ("document", "operations"),
    [
        ("baseline_openapi_3.0.json", 42),
        ("baseline_openapi_3.1.yaml", 42),
        ("3.1_specific.openapi.yaml", 2),
        ("openapi_3.1_enums.yaml", 4),
        ("escapes.openapi.yaml", 5),
        ("documents_with_errors/invalid-uuid-defaults.yaml", 2),
        ("documents_with_errors/optional-path-param.yaml", 1),
    ],
)
def test_openapi_python_clients_own_documents_generate_completely(document, operations, tmp_path):
    result = pipeline.generate(
        pipeline.Inputs(
            spec=OAPC / document, overlay=None, exclusions=None, out=tmp_path / "out", version="0.0.0"
        )
    )
    assert len(result.api.operations) == operations


@pytest.mark.parametrize(
    ("document", "location", "message"),
    [
        ("circular-body-ref.yaml", "#/components/requestBodies/body", "$ref cycle"),
        ("missing-body-ref.yaml", "#/paths/~1/post/requestBody", "points at nothing"),
    ],
)
def test_its_documents_with_a_broken_body_reference_degrade_there_and_strict_refuses_them(
    document, location, message, tmp_path
):
    # Each defect is inside one request body: the operation is still generated, its body typed
    # Any and reported at the defect's pointer, with the validator's words.
    def inputs(out: Path, *, strict: bool) -> pipeline.Inputs:
        return pipeline.Inputs(
            spec=OAPC / "documents_with_errors" / document,
            overlay=None,
            exclusions=None,
            out=out,
            version="0.0.0",
            strict=strict,
        )

    result = pipeline.generate(inputs(tmp_path / "out", strict=False))
    assert len(result.api.operations) == 1
    [fallback] = [repair for repair in result.repairs.repairs if "fallback" in repair.rule]
    assert (fallback.rule, fallback.pointer) == ("body-fallback-any", location)
    assert message in fallback.before["why"]

    strict = tmp_path / "strict"
    with pytest.raises(PipelineError) as caught:
        pipeline.generate(inputs(strict, strict=True))
    assert caught.value.stage in ("repair", "validate")
    assert not strict.exists()


def test_a_spec_with_schemas_and_no_paths_generates_its_models_and_an_empty_client(tmp_path):
    spec = tmp_path / "models.yaml"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "Models only", "version": "1"},
                "components": {
                    "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}
                },
            }
        )
    )
    out = tmp_path / "out"
    result = pipeline.generate(
        pipeline.Inputs(spec=spec, overlay=None, exclusions=None, out=out, version="0.0.0")
    )
    assert result.api.operations == []
    checked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import chaser_core, chaser_core.types as t; c = chaser_core.Chaser(); print(t.Pet(name='x').to_dict())",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert checked.stdout.strip() == "{'name': 'x'}"


def test_no_request_of_a_real_spec_carries_a_field_the_caller_did_not_set(real, tmp_path):
    """Every operation called with its required arguments only: a spec `default` documents what
    the server does without the field, so the SDK never sends it for the caller (OpenAI's
    chat.completions sent frequency_penalty, store, n... before)."""
    name, result, out = real
    plan = plan_for(result.api)
    for op in result.api.operations:
        plan[op.qualified_name]["wire"] = {
            f.arg_name: [f.location, f.wire_name.raw] for f in op.keyword_fields
        }
        plan[op.qualified_name]["whole_body"] = op.body is not None and not op.body.flattened
        # A query the path itself fixes (OpenAI's `/responses?beta=true`) is the operation's own.
        plan[op.qualified_name]["fixed_query"] = sorted(parse_qs(op.path.partition("?")[2]))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    completed = subprocess.run(
        [sys.executable, str(UNSET), str(out), str(path)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    assert report["problems"] == []
    assert report["calls"] == EXPECTED_OPERATIONS[name]
    assert report["unset_sent"] == {}
