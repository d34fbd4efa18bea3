"""The patches to openapi-python-client 0.29.1 (scripts/chaser_codegen/pipeline/lowlevel.py), each on the
construct it is for: that it does its job, and that the parse stays linear.

The slope is measured in Python function calls (cProfile's count), not in seconds: a count is
the same on every run of the same code on the same input, whatever else the machine is doing.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from chaser_codegen.pipeline import lowlevel

from tests.conftest import ROOT

COUNT_CALLS = """
import cProfile, json, pstats, sys
sys.path.insert(0, "scripts")
from pathlib import Path
from openapi_python_client.parser import GeneratorData
from chaser_codegen.pipeline import lowlevel, normalize
from chaser_codegen.bench.synthetic import make_spec

patched = sys.argv[1] == "patched"
counts = []
for n in map(int, sys.argv[2:]):
    document, _ = normalize.normalize(make_spec(n, chained=True), [], source="chained")
    if patched:
        lowlevel.install_patches()
    config = lowlevel.make_config(Path("unused"))
    profile = cProfile.Profile()
    profile.enable()
    GeneratorData.from_dict(document, config=config)
    profile.disable()
    counts.append(pstats.Stats(profile).total_calls)
print(json.dumps(counts))
"""


def parse_calls(variant: str, *sizes: int) -> list[int]:
    """Python calls openapi-python-client's parse makes on chained specs of each size, in a fresh
    interpreter (the patches are process-wide: the unpatched count needs one without them)."""
    completed = subprocess.run(
        [sys.executable, "-c", COUNT_CALLS, variant, *map(str, sizes)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    counts: list[int] = json.loads(completed.stdout)
    return counts


def exponent(sizes: tuple[int, int], counts: list[int]) -> float:
    return math.log(counts[1] / counts[0]) / math.log(sizes[1] / sizes[0])


def test_the_parse_of_chained_schemas_is_linear_with_the_patch_and_quadratic_without():
    """0.29.1 deep-copies each endpoint with every model it reaches: on a chain (each schema
    refers to the previous one) that is quadratic. The patch shares the models."""
    patched = parse_calls("patched", 20, 80)
    unpatched = parse_calls("unpatched", 20, 40)
    assert exponent((20, 80), patched) < 1.15
    assert exponent((20, 40), unpatched) > 1.4
    assert patched[0] * 5 < unpatched[0]  # already at N=20, the copies are most of the work


def parse(document: dict[str, Any]) -> Any:
    return lowlevel.parse(document, source="test")


def small_spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        document["components"] = {"schemas": schemas}
    return document


def test_a_placeholder_used_twice_in_a_path_is_one_parameter():
    parameter = {"name": "loc", "in": "path", "required": True, "schema": {"type": "string"}}
    data = parse(
        small_spec(
            {
                "/a/{loc}/b/{loc}": {
                    "get": {
                        "operationId": "get_it",
                        "parameters": [parameter],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            }
        )
    )
    [endpoint] = [e for c in data.endpoint_collections_by_tag.values() for e in c.endpoints]
    assert endpoint.path.get_untrusted_value() == "/a/{loc}/b/{loc}"
    assert [p.name.get_untrusted_value() for p in endpoint.path_parameters] == ["loc"]


def test_a_model_nested_in_a_union_member_is_built_once():
    """0.29.1 builds it with the union and again when it processes the member, then refuses the
    second as a duplicate, and drops the whole component."""
    member = {
        "type": "object",
        "title": "Ratio",
        "properties": {"limits": {"type": "object", "properties": {"max": {"type": "integer"}}}},
    }
    document = small_spec(
        {
            "/x": {
                "get": {
                    "operationId": "get_x",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}},
                        }
                    },
                }
            }
        },
        {"T": {"oneOf": [{"type": "string", "enum": ["auto"]}, member]}},
    )
    data = parse(document)
    assert data.errors == []
    assert {m.class_info.name for m in data.models} >= {"Ratio", "RatioLimits"}


def test_a_union_members_failure_keeps_its_cause():
    """Without the patch, the error says only 'Invalid property in union'."""
    from openapi_python_client.parser.errors import PropertyError
    from openapi_python_client.parser.properties import property_from_data

    lowlevel.install_patches()
    from openapi_python_client import schema as oai
    from openapi_python_client.parser.properties import Schemas
    from openapi_python_client.schema.untrusted_string import UntrustedString

    data = oai.Schema.model_validate({"anyOf": [{"type": "string"}, {"type": "array"}]})
    prop, _ = property_from_data(
        name=UntrustedString("u"),
        required=True,
        data=data,
        schemas=Schemas(),
        parent_name="p",
        config=lowlevel.make_config(Path("unused")),
    )
    assert isinstance(prop, PropertyError)
    assert "Invalid property in union" in (prop.detail or "")
    assert "must have items" in (prop.cause.detail or "")  # type: ignore[attr-defined]


def test_installing_the_patches_twice_changes_nothing():
    from openapi_python_client.parser import openapi as oapc_openapi
    from openapi_python_client.parser import properties
    from openapi_python_client.parser.openapi import Endpoint

    lowlevel.install_patches()
    before = (
        oapc_openapi.deepcopy,
        properties.property_from_data,
        Endpoint.sort_parameters,
        Endpoint._check_parameters_for_conflicts,
    )
    lowlevel.install_patches()
    assert (
        oapc_openapi.deepcopy,
        properties.property_from_data,
        Endpoint.sort_parameters,
        Endpoint._check_parameters_for_conflicts,
    ) == before


def test_an_optional_property_defaults_to_unset_and_documents_the_spec_default():
    """0.29.1 declares `n: int | Unset = 1`, so a model built without n sends n: 1. Unset means
    absent (docs/policies.md): the declaration says UNSET, the docstring keeps the default."""
    document = small_spec(
        {
            "/x": {
                "get": {
                    "operationId": "op",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
                        }
                    },
                }
            }
        },
        {
            "A": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "default": "a"},
                    "n": {"type": "integer", "default": 1},
                    "store": {"type": "boolean", "default": False},
                },
            }
        },
    )
    [model] = parse(document).models
    declared = {
        str(p.python_name): p.to_string().as_unembedded_code()
        for p in model.required_properties + model.optional_properties
    }
    docs = {str(p.python_name): p.to_docstring() for p in model.optional_properties}
    assert declared == {
        "kind": "kind: str = 'a'",
        "n": "n: int | Unset = UNSET",
        "store": "store: bool | Unset = UNSET",
    }
    assert "Default: 1." in docs["n"] and "Default: False." in docs["store"]
