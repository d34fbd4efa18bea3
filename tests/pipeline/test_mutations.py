"""Drift self-tests: mutate a copy of the spec and check the right guard catches it.

Guards: the overlay (a target that no longer matches), the waiter guard (a field a waiter
relies on), spec-diff (breaking or not), the version gate (the bump a change requires) and
`scripts/generate --check` (generated/ no longer matches). For a non-breaking change the right
outcome is that generation passes and spec-diff calls it non-breaking.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline import generate as pipeline
from chaser_codegen.pipeline import model, normalize, parse
from chaser_codegen.pipeline.check import compare_trees
from chaser_codegen.pipeline.load import load_document
from chaser_codegen.pipeline.overlay import apply_overlay
from chaser_codegen.pipeline.render import RUNTIME
from chaser_codegen.release.gate import check_version
from chaser_codegen.release.specdiff import diff_documents, implied_bump

from tests.conftest import OVERLAY, ROOT, SPEC

BASE = json.loads(SPEC.read_text())
OVERLAY_DOC = load_document(OVERLAY, stage="overlay")


def mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    change(document)
    return document


def build_model(document: dict[str, Any]) -> model.Api:
    """The pipeline up to the model stage: overlay, normalize, low-level parse, model guards."""
    overlaid, _ = apply_overlay(document, OVERLAY_DOC, source="spec/overlay.yaml")
    normalized, _ = normalize.normalize(overlaid, [], source="spec/openapi.json")
    data = parse.parse(normalized, source="spec/openapi.json")
    return model.build_api(
        normalized,
        data,
        package="chaser_core",
        source="spec/openapi.json",
        exclusions=[],
        helpers_module=RUNTIME / "_helpers.py",
    )


def gate(document: dict[str, Any], version: str, tmp_path: Path):
    released = tmp_path / "released"
    released.mkdir(exist_ok=True)
    shutil.copyfile(SPEC, released / "0.1.0.json")
    return check_version(current=version, spec=document, released_dir=released, overlay=OVERLAY_DOC)


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]


# -- the mutations -------------------------------------------------------------------------------


def rename_response_field(document: dict[str, Any]) -> None:
    info = schemas(document)["AccountInfo"]
    info["properties"]["display_name"] = info["properties"].pop("name")
    info["required"] = ["display_name" if name == "name" else name for name in info["required"]]


def remove_operation(document: dict[str, Any]) -> None:
    del document["paths"]["/v1/keys/{key_id}"]["delete"]


def require_body_field(document: dict[str, Any]) -> None:
    body = document["paths"]["/v1/keys"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body["required"] = ["name"]


def narrow_enum(document: dict[str, Any]) -> None:
    schemas(document)["AccountRole"]["enum"].remove("member")


def widen_enum(document: dict[str, Any]) -> None:
    schemas(document)["AccountRole"]["enum"].append("viewer")


def add_optional_field(document: dict[str, Any]) -> None:
    schemas(document)["SessionInfo"]["properties"]["region"] = {"type": "string"}


def change_path(document: dict[str, Any]) -> None:
    document["paths"]["/v1/job-kinds"] = document["paths"].pop("/v1/jobs/kinds")


def remove_waiter_field(document: dict[str, Any]) -> None:
    info = schemas(document)["SessionInfo"]
    info["properties"]["state"] = info["properties"].pop("status")
    info["required"] = ["state" if name == "status" else name for name in info["required"]]


BREAKING = {
    "renamed response field": (rename_response_field, "field-removed"),
    "removed operation": (remove_operation, "operation-removed"),
    "newly required body field": (require_body_field, "input-now-required"),
    "narrowed enum": (narrow_enum, "enum-narrowed"),
    "changed path": (change_path, "operation-removed"),
    "renamed waiter field": (remove_waiter_field, "field-removed"),
}
NON_BREAKING = {
    "widened enum": (widen_enum, "enum-widened"),
    "new optional field": (add_optional_field, "field-added"),
}


@pytest.mark.parametrize("name", sorted(BREAKING))
def test_breaking_mutations_are_breaking_for_spec_diff_and_need_a_minor_bump(name, tmp_path):
    change, kind = BREAKING[name]
    document = mutated(change)
    changes = diff_documents(BASE, document, OVERLAY_DOC)
    assert kind in {c.kind for c in changes if c.breaking}, [c.kind for c in changes]
    assert implied_bump(changes) == "breaking"
    refused = gate(document, "0.1.1", tmp_path)
    assert not refused.ok and refused.required == "0.2.0"
    assert "must be at least 0.2.0" in refused.message and "scripts/release-notes" in refused.message
    assert gate(document, "0.2.0", tmp_path).ok


@pytest.mark.parametrize("name", sorted(NON_BREAKING))
def test_non_breaking_mutations_pass_generation_and_need_a_patch_bump(name, tmp_path):
    change, kind = NON_BREAKING[name]
    document = mutated(change)
    changes = diff_documents(BASE, document, OVERLAY_DOC)
    assert {c.kind for c in changes} == {kind}
    assert implied_bump(changes) == "feature"
    build_model(document)  # every guard of the pipeline passes
    assert not gate(document, "0.1.0", tmp_path).ok
    assert gate(document, "0.1.1", tmp_path).ok


def test_an_unchanged_spec_needs_no_bump(tmp_path):
    assert diff_documents(BASE, BASE, OVERLAY_DOC) == []
    assert gate(BASE, "0.1.0", tmp_path).ok


def test_a_removed_operation_trips_the_overlay_naming_it():
    with pytest.raises(PipelineError) as caught:
        build_model(mutated(remove_operation))
    assert caught.value.stage == "overlay"
    assert "$.paths['/v1/keys/{key_id}'].delete" in str(caught.value)
    assert "keys.revoke" in str(caught.value)
    assert "update its target, or remove the action" in str(caught.value)


def test_a_changed_path_trips_the_overlay_and_spec_diff_reports_the_drift():
    with pytest.raises(PipelineError, match=r"\$\.paths\['/v1/jobs/kinds'\]\.get selects nothing"):
        build_model(mutated(change_path))
    kinds = {c.kind for c in diff_documents(BASE, mutated(change_path), OVERLAY_DOC)}
    assert {"overlay-drift", "operation-removed", "operation-added"} <= kinds


def test_a_stale_overlay_target_fails_generation_naming_the_action():
    overlay = copy.deepcopy(OVERLAY_DOC)
    overlay["actions"].append(
        {"target": "$.paths['/v1/nowhere'].get", "description": "a stale action", "update": {}}
    )
    with pytest.raises(PipelineError, match=r"actions\[\d+\] \(a stale action\)"):
        apply_overlay(BASE, overlay, source="spec/overlay.yaml")


def test_a_field_a_waiter_relies_on_fails_generation_naming_the_waiter():
    with pytest.raises(PipelineError) as caught:
        build_model(mutated(remove_waiter_field))
    message = str(caught.value)
    assert "waiter sessions.wait_until_ready relies on the field 'status'" in message
    assert "update the waiter in spec/overlay.yaml" in message


def test_an_unwrapped_field_that_disappears_fails_generation():
    def drop_envelope_field(document: dict[str, Any]) -> None:
        schema = document["paths"]["/v1/accounts"]["get"]["responses"]["2XX"]["content"]["application/json"][
            "schema"
        ]
        schema["properties"] = {"items": schema["properties"]["accounts"]}
        schema["required"] = ["items"]

    with pytest.raises(PipelineError, match="x-chaser-unwrap names 'accounts'"):
        build_model(mutated(drop_envelope_field))


def test_a_helper_whose_method_disappears_fails_generation():
    def drop_download(document: dict[str, Any]) -> None:
        del document["paths"]["/v1/sessions/{id}/download"]

    overlay = copy.deepcopy(OVERLAY_DOC)
    overlay["actions"] = [a for a in overlay["actions"] if "/download" not in a["target"]]
    overlaid, _ = apply_overlay(mutated(drop_download), overlay)
    normalized, _ = normalize.normalize(overlaid, [], source="spec")
    with pytest.raises(PipelineError, match=r"helper FilesHelpers relies on files\.download"):
        model.build_api(
            normalized,
            parse.parse(normalized, source="spec"),
            package="chaser_core",
            source="spec",
            exclusions=[],
            helpers_module=RUNTIME / "_helpers.py",
        )


def test_check_catches_a_spec_change_that_was_not_regenerated(tmp_path):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(mutated(add_optional_field), indent=2))
    expected = tmp_path / "expected"
    inputs = pipeline.Inputs(
        spec=spec, overlay=OVERLAY, exclusions=None, out=expected, version=pipeline.project_version()
    )
    pipeline.build(inputs, expected)
    diff = compare_trees(expected, ROOT / "generated")
    assert "chaser_core/_api/models/session_info.py" in diff.changed
    assert "chaser_core/_spec.py" in diff.changed
    assert "run scripts/generate" in diff.report("generated")
