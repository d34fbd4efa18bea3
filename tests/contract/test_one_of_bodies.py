"""A `oneOf` body matches exactly one variant: what a strict server checks, and our mock (which
reads oneOf leniently) does not. The Chaser spec's CreateSessionRequestDoc was two open objects
with no required property, so every body matched both; spec/overlay.yaml tells them apart by
`ephemeral` (see the repair report's overlapping-oneof entry for the upstream spec)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from chaser_codegen.pipeline.repair.composition import overlap
from chaser_core.testing import MockAPI

from tests.spec_model import overlaid_spec

CALLS: list[dict[str, Any]] = [
    {"session_type": "sandbox", "ephemeral": True},
    {"session_type": "sandbox", "ephemeral": True, "image": "python:3.12", "proxy": "socks5h://p:1080"},
    {"session_type": "browser", "workspace": "w1"},
    {"session_type": "sandbox", "workspace": "w1", "github_repo": "o/r", "env": {"A": "1"}},
    {"session_type": "sandbox"},
    {},
]


def variants_of_create() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    document = overlaid_spec()
    body = document["paths"]["/v1/sessions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    return document, document["components"]["schemas"][ref]["oneOf"]


def matching(document: dict[str, Any], variants: list[dict[str, Any]], body: Any) -> list[int]:
    found = []
    for index, variant in enumerate(variants):
        validator = jsonschema.Draft4Validator({**variant, "components": document["components"]})
        if validator.is_valid(body):
            found.append(index)
    return found


def test_create_session_request_is_a_oneof_that_no_body_matches_twice():
    document, variants = variants_of_create()
    assert len(variants) == 2
    assert overlap(variants[0], variants[1], document) is None


@pytest.mark.parametrize("arguments", CALLS, ids=lambda a: ",".join(a) or "none")
def test_sessions_create_sends_a_body_that_matches_exactly_one_variant(arguments):
    document, variants = variants_of_create()
    with MockAPI() as api:
        api.client().sessions.create(**arguments)
        [request] = api.calls("sessions.create")
    body = json.loads(request.content)
    assert body == {key: value for key, value in arguments.items()}
    assert len(matching(document, variants, body)) == 1, body
