"""The fallback net: a defect no rule covers costs only the smallest unit that contains it.

Specs with invented defects (constructs no repair rule was written for) in one response, one
schema, one parameter: every other operation is generated, typed as before, and each defect is
in the report at its pointer. Parser crashes and whole-document refusals of openapi-python-
client are narrowed down to the unit at fault; knock-on failures wait for their root.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline import generate as pipeline
from chaser_codegen.pipeline.completeness import check_complete, snapshot
from chaser_codegen.pipeline.repair.fallback import units_containing
from chaser_codegen.pipeline.repair.log import RepairLog, place_of
from chaser_codegen.pipeline.repair.parse_errors import ParserCrashed, parse_until_clean


def ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


THING = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"}},
}


def spec(paths: dict[str, Any], schemas: dict[str, Any], version: str = "3.0.3") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def generate(tmp_path: Path, document: dict[str, Any], *, strict: bool = False) -> pipeline.Result:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    return pipeline.generate(
        pipeline.Inputs(
            spec=path, overlay=None, exclusions=None, out=tmp_path / "out", version="0.0.0", strict=strict
        )
    )


def fallbacks(result: pipeline.Result) -> dict[str, str]:
    return {repair.pointer: repair.rule for repair in result.repairs.repairs if "fallback" in repair.rule}


def model_fields(out: Path, module: str) -> set[str]:
    text = (out / "chaser_core" / "_api" / "models" / f"{module}.py").read_text()
    return {
        line.split(":")[0].strip() for line in text.splitlines() if line.startswith("    ") and ": " in line
    }


# One defect each, of kinds no rule repairs: a response schema with an unknown type, a property
# that is not a schema at all, a parameter with two media types (OpenAPI allows exactly one).
INVENTED = spec(
    {
        "/good": {"get": {"operationId": "getGood", "responses": ok(ref("Thing"))}},
        "/bad-response": {
            "get": {
                "operationId": "getBadResponse",
                "responses": ok({"type": "hyperobject", "x-dimensions": 4}),
            }
        },
        "/bad-schema": {"get": {"operationId": "getBadSchema", "responses": ok(ref("Broken"))}},
        "/bad-parameter": {
            "get": {
                "operationId": "getBadParameter",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "filter",
                        "in": "query",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "text/plain": {"schema": {"type": "string"}},
                        },
                    },
                ],
                "responses": ok(ref("Thing")),
            }
        },
    },
    {
        "Thing": THING,
        "Broken": {"type": "object", "properties": {"id": {"type": "string"}, "shape": 42}},
    },
)


def test_invented_defects_cost_only_their_unit_and_are_reported_at_their_pointer(tmp_path):
    result = generate(tmp_path, copy.deepcopy(INVENTED))
    assert {op.name for op in result.api.operations} == {
        "get_good",
        "get_bad_response",
        "get_bad_schema",
        "get_bad_parameter",
    }
    assert fallbacks(result) == {
        "#/paths/~1bad-response/get/responses/200/content/application~1json/schema": "schema-fallback-any",
        "#/components/schemas/Broken/properties/shape": "schema-fallback-any",
        "#/paths/~1bad-parameter/get/parameters/1": "parameter-fallback-string",
    }
    # What was not at fault keeps its types: Broken's other property, the other parameter.
    out = tmp_path / "out"
    assert model_fields(out, "broken") >= {"id", "shape"}
    assert "id: str | Unset" in (out / "chaser_core" / "_api" / "models" / "broken.py").read_text()
    [bad_parameter] = [op for op in result.api.operations if op.name == "get_bad_parameter"]
    assert [field.wire_name.raw for field in bad_parameter.query_params] == ["q", "filter"]
    # Each fallback says why, in the validator's words.
    report = json.loads((out / "repairs.json").read_text())
    whys = [entry["before"]["why"] for entry in report["repairs"] if "fallback" in entry["rule"]]
    assert all(whys) and any("hyperobject" in why for why in whys)


def test_strict_refuses_what_the_net_would_degrade(tmp_path):
    with pytest.raises(PipelineError) as caught:
        generate(tmp_path, copy.deepcopy(INVENTED), strict=True)
    assert caught.value.stage == "validate"
    assert not (tmp_path / "out").exists()


def test_a_document_openapi_python_client_refuses_whole_is_narrowed_to_the_schema_at_fault():
    # openapi-python-client's pydantic model of OpenAPI refuses a whole document for one schema
    # it does not accept (`enum: []` in a 3.1 document, before the empty-enum rule, sank a chat
    # platform's 242 operations). pydantic's error locations name the union member it tried
    # (`Schema`, `Reference`): the fault is found in the document without them.
    from chaser_codegen.pipeline.repair.parse_errors import DocumentRejected

    document = spec(
        {
            "/status": {"get": {"operationId": "getStatus", "responses": ok(ref("Status"))}},
            "/thing": {"get": {"operationId": "getThing", "responses": ok(ref("Thing"))}},
        },
        {"Thing": copy.deepcopy(THING), "Status": {"x-unreadable": True, "allOf": [ref("Thing")]}},
        version="3.1.0",
    )
    parse = _real_parse()

    def refusing(current: dict[str, Any]) -> Any:
        if "x-unreadable" in json.dumps(current):
            loc = ("components", "schemas", "Status", "Schema", "x-unreadable")
            raise DocumentRejected(
                [
                    {"loc": loc, "msg": "not accepted"},
                    {"loc": (*loc[:3], "Reference", "$ref"), "msg": "Field required"},
                ]
            )
        return parse(current)

    log = RepairLog()
    data = parse_until_clean(document, log, refusing, source="test")
    assert sum(len(c.endpoints) for c in data.endpoint_collections_by_tag.values()) == 2
    assert [(repair.rule, repair.pointer) for repair in log.repairs] == [
        ("schema-fallback-any", "#/components/schemas/Status")
    ]
    assert document["components"]["schemas"]["Thing"] == THING


def _booby_trapped(parse: Any, marker: str) -> Any:
    """A parse that crashes while any schema still carries `marker`: a construct never seen."""

    def crashing(document: dict[str, Any]) -> Any:
        if marker in json.dumps(document):
            raise ParserCrashed(f"KeyError: {marker!r}")
        return parse(document)

    return crashing


def _real_parse() -> Any:
    """openapi-python-client's parse as the pipeline runs it (its patches in place for each call)."""
    from chaser_codegen.pipeline import opc_compat

    config = opc_compat.make_config(Path("unused"))

    def parse(document: dict[str, Any]) -> Any:
        with opc_compat.patched(opc_compat.ParseContext()):
            return opc_compat.parse_document(document, config)

    return parse


def test_a_parser_crash_is_bisected_to_the_one_unit_that_causes_it():
    document = spec(
        {
            f"/t{index}": {"get": {"operationId": f"get{index}", "responses": ok(ref(f"S{index}"))}}
            for index in range(12)
        },
        {f"S{index}": copy.deepcopy(THING) for index in range(12)},
    )
    document["components"]["schemas"]["S7"]["properties"]["odd"] = {"type": "string", "x-crash-me": True}
    log = RepairLog()
    data = parse_until_clean(document, log, _booby_trapped(_real_parse(), "x-crash-me"), source="test")
    assert sum(len(c.endpoints) for c in data.endpoint_collections_by_tag.values()) == 12
    [fallback] = log.repairs
    assert (fallback.rule, fallback.pointer) == ("schema-fallback-any", "#/components/schemas/S7")
    assert "crashed" in fallback.before["why"]
    assert document["components"]["schemas"]["S6"] == THING  # the others untouched


def test_a_crash_no_unit_explains_is_refused_with_the_error():
    document = spec({"/t": {"get": {"operationId": "get", "responses": ok(ref("S"))}}}, {"S": THING})
    document["info"]["x-crash-me"] = True  # outside every schema and operation
    with pytest.raises(PipelineError, match="crashed"):
        parse_until_clean(document, RepairLog(), _booby_trapped(_real_parse(), "x-crash-me"), source="test")


def _failing_on(parse: Any, marker: str) -> Any:
    """A parse that reports (as openapi-python-client does) every component schema that has
    `marker` in one of its properties, and every component that refers to one of those."""
    from chaser_codegen.pipeline.opc_compat import PropertyError

    def failing(document: dict[str, Any]) -> Any:
        data = parse(document)
        schemas = document["components"]["schemas"]
        bad = {name for name, schema in schemas.items() if marker in json.dumps(schema.get("properties", {}))}
        echoes = {
            name
            for name, schema in schemas.items()
            if any(f'"#/components/schemas/{b}"' in json.dumps(schema) for b in bad)
        }
        for name in sorted(bad | echoes):
            data.errors.append(
                PropertyError(
                    header=f"Unable to parse schema /components/schemas/{name}", detail="unknown construct"
                )
            )
        return data

    return failing


def test_a_knock_on_failure_waits_for_its_root_and_keeps_every_field():
    # One vendor's `File` failed on one property, and `FileFull` (allOf File + more), failing
    # only because File had, got a fallback of its own and lost id, name and size.
    file = copy.deepcopy(THING)
    file["properties"]["odd"] = {"type": "string", "x-unknown-construct": 1}
    document = spec(
        {
            "/files": {"get": {"operationId": "listFiles", "responses": ok(ref("File"))}},
            "/files/full": {"get": {"operationId": "getFull", "responses": ok(ref("FileFull"))}},
        },
        {
            "File": file,
            "FileFull": {
                "allOf": [ref("File"), {"type": "object", "properties": {"sha1": {"type": "string"}}}]
            },
        },
    )
    log = RepairLog()
    parse_until_clean(document, log, _failing_on(_real_parse(), "x-unknown-construct"), source="test")
    assert [repair.pointer for repair in log.repairs] == ["#/components/schemas/File"]
    assert document["components"]["schemas"]["FileFull"]["allOf"][1]["properties"] == {
        "sha1": {"type": "string"}
    }


def test_units_grow_from_a_property_to_its_operation():
    document = spec({}, {})
    where = (
        "paths",
        "/a",
        "post",
        "requestBody",
        "content",
        "application/json",
        "schema",
        "properties",
        "x",
        "items",
    )
    assert units_containing(document, where) == [
        (
            "paths",
            "/a",
            "post",
            "requestBody",
            "content",
            "application/json",
            "schema",
            "properties",
            "x",
            "items",
        ),
        ("paths", "/a", "post", "requestBody", "content", "application/json", "schema", "properties", "x"),
        ("paths", "/a", "post", "requestBody", "content", "application/json", "schema"),
        ("paths", "/a", "post", "requestBody"),
        ("paths", "/a", "post"),
    ]
    assert units_containing(document, ("components", "schemas", "A", "properties", "b", "minimum")) == [
        ("components", "schemas", "A", "properties", "b"),
        ("components", "schemas", "A"),
    ]


def test_completeness_fails_when_repairs_empty_an_operation():
    read = snapshot(
        spec({"/a": {"get": {"parameters": [{"name": "x", "in": "query"}], "responses": ok({})}}}, {})
    )
    emptied = snapshot(spec({"/a": {"get": {"responses": {"default": {"description": ""}}}}}, {}))
    with pytest.raises(PipelineError, match=r"GET /a lost its parameters in the repairs"):
        check_complete(
            read=read,
            repaired=emptied,
            overlaid=emptied,
            final=emptied,
            generated={"GET /a"},
            excluded=set(),
            source="t",
        )


def test_completeness_fails_when_an_operation_is_a_reference_nothing_resolved():
    unresolved = snapshot(spec({"/a": {"get": {"$ref": "paths/a.yml"}}}, {}))
    with pytest.raises(PipelineError, match="never resolved"):
        check_complete(
            read=unresolved,
            repaired=unresolved,
            overlaid=unresolved,
            final=unresolved,
            generated={"GET /a"},
            excluded=set(),
            source="t",
        )


def test_completeness_fails_when_an_operation_is_not_generated():
    both = snapshot(spec({"/a": {"get": {"responses": ok({})}}, "/b": {"get": {"responses": ok({})}}}, {}))
    with pytest.raises(PipelineError, match=r"1 operations were not generated: GET /b"):
        check_complete(
            read=both,
            repaired=both,
            overlaid=both,
            final=both,
            generated={"GET /a"},
            excluded=set(),
            source="t",
        )


def test_the_report_groups_repairs_by_rule_and_by_place():
    log = RepairLog()
    for index in range(40):
        log.record("model-title-clash", ("components", "schemas", "Customer", "properties", f"p{index}"))
    log.record("model-title-clash", ("components", "schemas", "Invoice", "title"))
    log.record("parameter-fallback-string", ("paths", "/v1/things", "get", "parameters", 0))
    assert log.groups() == {
        "model-title-clash": {"schema Customer": 40, "schema Invoice": 1},
        "parameter-fallback-string": {"GET /v1/things": 1},
    }
    assert (
        log.grouped_lines()[0]
        == "  model-title-clash: 41 in 2 places: schema Customer (40), schema Invoice (1)"
    )
    assert log.to_json()["by_place"] == log.groups()
    assert place_of("#/components/parameters/Limit/schema") == "parameters Limit"


def test_an_untagged_spec_is_split_into_resources_by_path(tmp_path):
    paths = {
        "/v1/users": {"get": {"operationId": "listUsers", "responses": ok({})}},
        "/v1/users/{id}": {
            "get": {
                "operationId": "getUser",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": ok({}),
            }
        },
        "/v1/channels/{id}/messages": {
            "post": {
                "operationId": "postMessage",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": ok({}),
            }
        },
        "/2010-04-01/Accounts.json": {"get": {"operationId": "listAccounts", "responses": ok({})}},
        "/": {"get": {"operationId": "root", "responses": ok({})}},
    }
    result = generate(tmp_path, spec(paths, {}))
    by_resource = {op.name: op.resource_path for op in result.api.operations}
    assert by_resource == {
        "list_users": ("users",),
        "get_user": ("users",),
        "post_message": ("channels",),
        "list_accounts": ("accounts",),
        "root": ("default",),
    }


def test_a_path_item_or_an_operation_written_as_a_local_reference_is_inlined_never_renamed(tmp_path):
    # A split spec bundled by another tool often leaves `get: {$ref: ...}`; a $ref in place of an
    # operation used to become `x-$ref` (an unknown field), and the operation an empty one.
    document = spec(
        {
            "/a": {"get": {"operationId": "getA", "responses": ok(ref("Thing"))}},
            "/b": {"$ref": "#/paths/~1a"},
            "/c": {"post": {"$ref": "#/x-operations/create", "summary": "Create a thing"}},
        },
        {"Thing": THING},
    )
    document["x-operations"] = {"create": {"operationId": "createThing", "responses": ok(ref("Thing"))}}
    document["paths"]["/b"]["get"] = {"operationId": "getB", "responses": ok(ref("Thing"))}
    result = generate(tmp_path, document)
    assert sorted(op.name for op in result.api.operations) == ["create_thing", "get_a", "get_b"]
    assert not [repair for repair in result.repairs.repairs if "$ref" in json.dumps(repair.to_json())]
    [create] = [op for op in result.api.operations if op.name == "create_thing"]
    assert create.result.model_class is not None


def test_an_example_that_refers_to_nothing_is_set_aside_and_the_body_keeps_its_types(tmp_path):
    # Okta's management API (3.0.3): a request body's `examples` refer to examples that no longer
    # exist; the body (and then the whole operation) used to fall back to Any for it.
    body = {
        "content": {
            "application/json": {
                "schema": ref("Thing"),
                "examples": {
                    "good": {"value": {"id": "1"}},
                    "gone": {"$ref": "#/components/examples/nowhere"},
                },
            }
        }
    }
    document = spec(
        {"/t": {"post": {"operationId": "createThing", "requestBody": body, "responses": ok(ref("Thing"))}}},
        {"Thing": THING},
    )
    result = generate(tmp_path, document)
    assert fallbacks(result) == {}
    [entry] = [r for r in result.repairs.repairs if r.rule == "example-set-aside"]
    assert entry.pointer == "#/paths/~1t/post/requestBody/content/application~1json/examples/gone"
    [operation] = result.api.operations
    assert operation.body is not None and operation.body.variants == ("Thing",)


def test_a_repair_rule_that_fails_on_a_construct_is_reported_and_the_spec_still_generates(tmp_path):
    import dataclasses

    from chaser_codegen.pipeline.repair import RULES

    def broken(node: Any, ctx: Any) -> None:
        if "required" in node.value:
            raise TypeError("unhashable type: 'list'")

    [index] = [index for index, rule in enumerate(RULES) if rule.name == "duplicate-required"]
    original = RULES[index]
    RULES[index] = dataclasses.replace(original, apply=broken)
    try:
        document = spec(
            {"/t": {"get": {"operationId": "getT", "responses": ok(ref("Thing"))}}},
            {"Thing": {**THING, "required": ["id"]}},
        )
        result = generate(tmp_path, document)
    finally:
        RULES[index] = original
    assert len(result.api.operations) == 1
    [failure] = [r for r in result.repairs.repairs if r.rule == "repair-rule-failed"]
    assert failure.pointer == "#/components/schemas/Thing"
    assert failure.before == "duplicate-required: TypeError: unhashable type: 'list'"


def test_an_allof_of_31_type_lists_with_enums_is_merged_without_failing(tmp_path):
    # Lago (3.1.0, 518 files): two allOf parts that both define a property as
    # `{type: [string, 'null'], enum: [...]}`; the allof-merged rule raised TypeError.
    part = {
        "type": "object",
        "properties": {"status": {"type": ["string", "null"], "enum": ["a", "b", None]}},
    }
    other = {"type": "object", "properties": {"status": {"type": ["string", "null"], "enum": ["a", None]}}}
    document = spec(
        {"/t": {"get": {"operationId": "getT", "responses": ok(ref("Both"))}}},
        {"Both": {"allOf": [part, other]}},
        version="3.1.0",
    )
    result = generate(tmp_path, document)
    assert len(result.api.operations) == 1
    assert not [r for r in result.repairs.repairs if r.rule == "repair-rule-failed"]


def test_security_schemes_and_resources_that_would_share_a_client_name_are_told_apart(tmp_path):
    # Algolia and FusionAuth: two apiKey schemes (`apiKey`, `appId`), and a tag `API Key` whose
    # resource would be `client.api_key`, the credential's property; both refused the spec.
    document = spec(
        {
            "/keys": {"get": {"operationId": "listKeys", "tags": ["API Key"], "responses": ok(ref("Thing"))}},
            "/things": {
                "get": {"operationId": "listThings", "tags": ["things"], "responses": ok(ref("Thing"))}
            },
        },
        {"Thing": THING},
    )
    document["components"]["securitySchemes"] = {
        "appId": {"type": "apiKey", "in": "header", "name": "X-App-Id"},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        "api_key": {"type": "apiKey", "in": "query", "name": "key"},
    }
    document["security"] = [{"appId": [], "apiKey": []}]
    result = generate(tmp_path, document)
    arguments = [argument for scheme in result.api.security_schemes for argument in scheme.arguments]
    assert len(arguments) == len(set(arguments)) == 3
    assert {op.name: op.resource_path for op in result.api.operations} == {
        "list_keys": ("api_key_",),
        "list_things": ("things",),
    }


def test_models_that_fail_only_because_they_refer_to_each_other_lose_one_reference_not_all():
    # Algolia: highlightResult is a union of a map and an array of highlightResult; each model of
    # the cycle reported "could not find reference", and each fell back. One fallback breaks it.
    from chaser_codegen.pipeline.opc_compat import PropertyError

    parse = _real_parse()

    def cyclic(document: dict[str, Any]) -> Any:
        data = parse(document)
        schemas = document["components"]["schemas"]
        cycle = all(
            schemas[name].get("properties", {}).get("other") == ref(other) for name, other in ("AB", "BA")
        )
        # Like openapi-python-client: while the cycle stands, both report; once it is broken, neither.
        for name in "AB" if cycle else "":
            detail = "Invalid property in union; Could not find reference in parsed models or enums"
            data.errors.append(
                PropertyError(header=f"Unable to parse schema /components/schemas/{name}", detail=detail)
            )
        return data

    document = spec(
        {"/a": {"get": {"operationId": "getA", "responses": ok(ref("A"))}}},
        {
            "A": {"type": "object", "properties": {"id": {"type": "string"}, "other": ref("B")}},
            "B": {"type": "object", "properties": {"id": {"type": "string"}, "other": ref("A")}},
        },
    )
    log = RepairLog()
    parse_until_clean(document, log, cyclic, source="test")
    assert [repair.rule for repair in log.repairs] == ["schema-fallback-any"]
