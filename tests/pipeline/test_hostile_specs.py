"""The spec is untrusted input: hostile strings stay inert on every surface, and what cannot
be generated safely is refused with an error that names the spec location."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline import generate as pipeline

from tests.pipeline.packages import exercise, mypy_strict


def hostile_spec(marker: Path) -> dict[str, Any]:
    """Payloads in every channel: each would create `marker` if it ever ran as code."""
    touch = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    triple = f"\"\"\"; {touch}; x = '''"
    single = f"'); {touch}; ('"
    newline = f"\n{touch}\n"
    template = "{{ 7*7 }}{% raw %}{#"
    control = "\u0000\u0007\u001b[31m\u202e\u200d"
    prose = triple + newline + "\\N{BULLET}\\x00\\" + template + control + "<script>alert(1)</script>```` `"
    return {
        "openapi": "3.1.0",
        "info": {"title": triple + template, "version": single, "description": prose},
        "servers": [{"url": "https://example.com/\"';{{x}}"}],
        "paths": {
            "/items/{item_id}": {
                "get": {
                    "operationId": 'get"; import os; x="',
                    "tags": ["evil'tag" + newline],
                    "summary": triple,
                    "description": prose,
                    "parameters": [
                        {
                            "name": "item_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": prose,
                        },
                        {
                            "name": 'q"uote',
                            "in": "query",
                            "schema": {"type": "string", "default": triple},
                            "description": single,
                        },
                        {
                            "name": "x); import os; (",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": [triple, single, "a\\b", "new\nline", "", "\u0430"],
                            },
                        },
                        {"name": 'X-Evil"; import os', "in": "header", "schema": {"type": "string"}},
                        {"name": "class", "in": "query", "schema": {"type": "integer", "default": 3}},
                        {"name": "a" * 300, "in": "query", "schema": {"type": "boolean"}},
                    ],
                    "responses": {
                        "200": {
                            "description": prose,
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Evil.Model-1"}}
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "create" + control + "Item",
                    "tags": ["evil'tag" + newline],
                    "parameters": [
                        {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["\"); __import__('os'); (\""],
                                    "properties": {
                                        "\"); __import__('os'); (\"": {
                                            "type": "string",
                                            "description": prose,
                                            "example": triple,
                                        },
                                        "import": {"type": "string"},
                                        "self": {"type": "integer"},
                                        "d\u0430ta": {"type": "string"},
                                        "tag": {"type": "string", "enum": ['x"y', "x'y"], "default": 'x"y'},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"200": {"description": "ok"}},
                },
            }
        },
        "components": {
            "schemas": {
                "Evil.Model-1": {
                    "title": triple,
                    "description": prose,
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "description": prose},
                        '"; import os #': {"type": "string"},
                        "enum_field": {"type": "string", "enum": [triple, "plain"]},
                        "child": {"$ref": "#/components/schemas/Evil.Model-1"},
                    },
                }
            }
        },
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path, pipeline.Result]:
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "PWNED"
    spec = root / "hostile.json"
    spec.write_text(json.dumps(hostile_spec(marker)))
    out = root / "out"
    result = pipeline.generate(
        pipeline.Inputs(spec=spec, overlay=None, exclusions=None, out=out, version="0.0.0")
    )
    return out, marker, result


def test_hostile_strings_generate_a_package_that_imports_and_calls_without_running_them(hostile):
    out, marker, result = hostile
    assert len(result.api.operations) == 2
    report = exercise(out)
    assert report["problems"] == []
    assert len(report["calls"]) == 2 and set(report["cli"]) == {0}
    assert report["modules"] > 20
    assert not marker.exists(), "a payload from the spec ran as code"


def test_no_payload_became_code_in_any_generated_module(hostile):
    out, _, _ = hostile
    for path in (out / "chaser_core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__"
        ]
        assert not calls, f"spec text became code in {path}"


def test_the_hostile_package_passes_mypy_strict(hostile):
    out, _, _ = hostile
    mypy_strict(out)


def test_hostile_text_stays_text_in_the_docs(hostile):
    out, _, _ = hostile
    docs = (out / "api.md").read_text(encoding="utf-8")
    assert "<script>" not in docs and "&lt;script&gt;" in docs
    assert "\u202e" not in docs and "\u0000" not in docs
    # Every fence closes: fences are balanced by length.
    fences = [line for line in docs.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0


def test_jinja_syntax_in_the_spec_is_never_evaluated(hostile):
    out, _, _ = hostile
    text = "\n".join(p.read_text(encoding="utf-8") for p in (out / "chaser_core").rglob("*.py"))
    assert "{{ 7*7 }}" in text  # kept literally, not rendered as 49


# ------------------------------------------------------------------------------------------------
# Constructs the pipeline rewrites safely, and ones it refuses
# ------------------------------------------------------------------------------------------------


def small_spec(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
    }
}


def generate(tmp_path: Path, document: dict[str, Any]) -> pipeline.Result:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document))
    return pipeline.generate(
        pipeline.Inputs(spec=spec, overlay=None, exclusions=None, out=tmp_path / "out", version="0.0.0")
    )


def test_operation_names_that_collide_after_snake_casing_are_made_distinct(tmp_path):
    result = generate(
        tmp_path,
        small_spec(
            {
                "/a": {"get": {"operationId": "getItem", "tags": ["t"], "responses": OK}},
                "/b": {"get": {"operationId": "get_item", "tags": ["t"], "responses": OK}},
            },
            {"A": {"type": "object"}},
        ),
    )
    assert [op.name for op in result.api.operations] == ["get_item", "get_item_2"]
    assert [(r.rule, r.before, r.after) for r in result.repairs.repairs] == [
        ("operation-id-clash", "get_item", "get_item_2")
    ]


def test_model_names_that_collide_are_made_distinct(tmp_path):
    document = small_spec(
        {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "a": {"$ref": "#/components/schemas/My-Model"},
                                            "b": {"$ref": "#/components/schemas/MyModel"},
                                            "c": {"$ref": "#/components/schemas/Other"},
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
        {
            "My-Model": {"type": "object", "properties": {"x": {"type": "string"}}},
            "MyModel": {"type": "object", "properties": {"y": {"type": "integer"}}},
            "Other": {"title": "My Model", "type": "object", "properties": {"z": {"type": "boolean"}}},
        },
    )
    result = generate(tmp_path, document)
    models = sorted(p.stem for p in (tmp_path / "out" / "chaser_core" / "_api" / "models").glob("*.py"))
    assert {"my_model", "my_model_2", "other"} <= set(models)
    assert sorted(r.rule for r in result.repairs.repairs) == ["model-key-renamed", "model-title-clash"]


def test_names_too_long_for_a_file_are_shortened(tmp_path):
    long = "L" * 300
    result = generate(
        tmp_path,
        small_spec(
            {
                "/a": {
                    "get": {
                        "operationId": "x" * 300,
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {"schema": {"$ref": f"#/components/schemas/{long}"}}
                                },
                            }
                        },
                    }
                }
            },
            {long: {"type": "object", "properties": {"x": {"type": "string"}}}},
        ),
    )
    assert all(len(p.name) < 100 for p in (tmp_path / "out").rglob("*"))
    assert [r.rule for r in result.repairs.repairs] == ["operation-id-shortened", "model-key-renamed"]


@pytest.mark.parametrize(
    ("schemas", "message"),
    [
        (
            {"A": {"$ref": "#/components/schemas/A"}},
            "$ref cycle with nothing in between: #/components/schemas/A -> #/components/schemas/A",
        ),
        ({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}, "$ref cycle"),
    ],
    ids=["self-reference", "two-step-cycle"],
)
def test_ref_cycles_with_nothing_in_between_fall_back_and_strict_refuses_them(tmp_path, schemas, message):
    # A schema that is only a reference to itself describes nothing: it accepts any value, the
    # operation that answers with it is still generated, and the report says why.
    document = small_spec({"/a": {"get": {"operationId": "getA", "responses": OK}}}, schemas)
    result = generate(tmp_path, document)
    assert len(result.api.operations) == 1
    fallbacks = [r for r in result.repairs.repairs if r.rule == "schema-fallback-any"]
    assert fallbacks and all(r.pointer.startswith("#/components/schemas/") for r in fallbacks)
    assert message in fallbacks[0].before["why"]

    spec = tmp_path / "spec.json"
    with pytest.raises(PipelineError) as caught:
        pipeline.generate(
            pipeline.Inputs(
                spec=spec,
                overlay=None,
                exclusions=None,
                out=tmp_path / "strict",
                version="0.0.0",
                strict=True,
            )
        )
    assert caught.value.stage == "validate" and message in str(caught.value)


def test_models_named_like_what_generated_modules_import_are_renamed(tmp_path):
    """APIs.guru biapi.pro, nexmo, graphhopper: a model named Client or Response shadowed the
    import of the same name in every endpoint module (ruff F811), and the format stage failed."""
    reply = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Response"}}},
        }
    }
    result = generate(
        tmp_path,
        small_spec(
            {"/a": {"get": {"operationId": "getA", "responses": reply}}},
            {
                "Response": {"type": "object", "properties": {"client": {"$ref": "#/components/schemas/A"}}},
                "A": {"title": "Client", "type": "object", "properties": {"id": {"type": "string"}}},
            },
        ),
    )
    assert {(r.rule, r.pointer) for r in result.repairs.repairs} >= {
        ("model-key-renamed", "#/components/schemas/Response"),
        ("model-title-clash", "#/components/schemas/A/title"),
    }
    models = {path.stem for path in (tmp_path / "out").rglob("models/*.py")}
    assert {"response_model", "a"} <= models and not {"response", "client"} & models


def test_recursive_models_through_properties_generate(tmp_path):
    result = generate(
        tmp_path,
        small_spec(
            {"/a": {"get": {"operationId": "getA", "responses": OK}}},
            {
                "A": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "object", "properties": {"back": {"$ref": "#/components/schemas/A"}}},
            },
        ),
    )
    assert [op.key for op in result.api.operations] == ["GET /a"]


def test_keywords_and_builtins_become_safe_argument_names(tmp_path):
    result = generate(
        tmp_path,
        small_spec(
            {
                "/a/{from}": {
                    "get": {
                        "operationId": "getA",
                        "responses": OK,
                        "parameters": [
                            {"name": "from", "in": "path", "required": True, "schema": {"type": "string"}},
                            {"name": "lambda", "in": "query", "schema": {"type": "string"}},
                            {"name": "type", "in": "query", "schema": {"type": "string"}},
                            {"name": "timeout", "in": "query", "schema": {"type": "integer"}},
                        ],
                    }
                }
            },
            {"A": {"type": "object"}},
        ),
    )
    op = result.api.operations[0]
    assert [f.arg_name for f in op.parameters] == ["from_", "lambda_", "type", "timeout_"]


def test_parameters_named_like_the_endpoint_modules_own_names_still_reach_the_wire(tmp_path):
    names = ["quote", "params", "headers", "cookies", "client", "kwargs"]
    document = small_spec(
        {
            "/a/{id}": {
                "get": {
                    "operationId": "getA",
                    "tags": ["t"],
                    "responses": OK,
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                        *({"name": name, "in": "query", "schema": {"type": "string"}} for name in names),
                    ],
                }
            }
        },
        {"A": {"type": "object"}},
    )
    generate(tmp_path, document)
    script = """
import json, sys
sys.path.insert(0, sys.argv[1])
from chaser_core.testing import MockAPI
with MockAPI() as api:
    api.client().t.get_a("a/b", quote_query="q", params_query="p", headers_query="h", cookies_query="c",
                         client_query="l", kwargs_query="k")
    print(json.dumps(dict(api.calls("t.get_a")[0].url.params)))
"""
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "out")], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout) == {
        "quote": "q",
        "params": "p",
        "headers": "h",
        "cookies": "c",
        "client": "l",
        "kwargs": "k",
    }
