"""The intermediate model of the project spec, built once per test session.

Spec-driven tests enumerate operations from here (never from a hand-written list), so a new
operation in the spec is tested the moment it is generated.
"""

from __future__ import annotations

import functools
from typing import Any

from chaser_codegen.pipeline import model, normalize, parse
from chaser_codegen.pipeline.load import load_document
from chaser_codegen.pipeline.overlay import apply_overlay
from chaser_codegen.pipeline.render import RUNTIME
from chaser_codegen.pipeline.repair import repair_document

from tests.conftest import EXCLUSIONS, OVERLAY, SPEC


@functools.cache
def overlaid_spec() -> dict[str, Any]:
    repaired = repair_document(load_document(SPEC)).document
    document, _ = apply_overlay(repaired, load_document(OVERLAY, stage="overlay"))
    exclusions = normalize.load_exclusions(EXCLUSIONS)
    document, _ = normalize.normalize(document, exclusions, source="spec/openapi.json")
    return document


@functools.cache
def project_api() -> model.Api:
    document = overlaid_spec()
    data = parse.parse(document, source="spec/openapi.json")
    return model.build_api(
        document,
        data,
        package="chaser_core",
        source="spec/openapi.json",
        exclusions=normalize.load_exclusions(EXCLUSIONS),
        helpers_module=RUNTIME / "_helpers.py",
    )
