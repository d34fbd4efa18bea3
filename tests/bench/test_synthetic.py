"""The synthetic benchmark spec: valid, of the promised size, deterministic, every construct."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chaser_codegen.bench import synthetic
from chaser_codegen.bench.bench import main as bench_main
from chaser_codegen.layout import HTTP_METHODS
from chaser_codegen.pipeline.validate import validate_spec

N = 12


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return synthetic.make_spec(N)


def walk(node: Any) -> Any:
    """Every dict in the document, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def refs(node: Any) -> set[str]:
    return {d["$ref"] for d in walk(node) if isinstance(d.get("$ref"), str)}


def test_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate_spec(spec, "synthetic")


@pytest.mark.parametrize("n", [1, 5, 6, 7, 12, 13, 50, 300])
def test_has_exactly_n_operations_and_at_least_3_4_schemas_each(n):
    document = synthetic.make_spec(n)
    assert synthetic.count_operations(document) == n
    assert synthetic.count_schemas(document) >= 3.4 * n


def test_300_operations_give_more_than_1000_schemas():
    assert synthetic.count_schemas(synthetic.make_spec(300)) >= 1000


def test_operations_spread_over_about_n_over_6_tags():
    document = synthetic.make_spec(300)
    tags = {op["tags"][0] for _, _, op in synthetic.iter_operations(document)}
    assert len(tags) == 50
    assert {t["name"] for t in document["tags"]} == tags


def test_is_deterministic_for_a_given_n():
    assert synthetic.dumps(synthetic.make_spec(N)) == synthetic.dumps(synthetic.make_spec(N))
    assert synthetic.dumps(synthetic.make_spec(N)) != synthetic.dumps(synthetic.make_spec(N, seed=7))


def test_every_ref_resolves(spec):
    schemas = spec["components"]["schemas"]
    for ref in refs(spec):
        section, name = ref.split("/")[-2:]
        assert name in spec["components"][section], ref
    # and every component schema is used by something (no dead weight in the benchmark)
    used = {ref.split("/")[-1] for ref in refs(spec)}
    assert set(schemas) <= used


def test_every_tag_has_pagination_multipart_and_sse(spec):
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, method, op in synthetic.iter_operations(spec):
        by_tag.setdefault(op["tags"][0], []).append((path, method, op))
    assert len(by_tag) == N // 6
    schemas = spec["components"]["schemas"]
    for tag, operations in by_tag.items():
        paginated = [op for _, _, op in operations if "x-chaser-pagination" in op]
        assert len(paginated) == 1, tag
        marker = paginated[0]["x-chaser-pagination"]
        assert marker["style"] == "offset"
        page_ref = paginated[0]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schemas[page_ref.split("/")[-1]]
        assert page["properties"][marker["items"]]["type"] == "array"
        assert marker["total"] in page["properties"]
        params = {p["$ref"].split("/")[-1] for p in paginated[0]["parameters"] if "$ref" in p}
        declared = {spec["components"]["parameters"][p]["name"] for p in params}
        assert {marker["limit_param"], marker["offset_param"]} <= declared

        multipart = [
            op
            for _, _, op in operations
            if "multipart/form-data" in op.get("requestBody", {}).get("content", {})
        ]
        assert len(multipart) == 1, tag
        body_ref = multipart[0]["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
        body = schemas[body_ref.split("/")[-1]]
        assert any(p.get("format") == "binary" for p in body["properties"].values())

        sse = [
            op
            for _, _, op in operations
            if "text/event-stream" in op["responses"].get("200", {}).get("content", {})
        ]
        assert len(sse) == 1, tag


def test_has_path_query_and_header_parameters(spec):
    locations = set()
    for path, item in spec["paths"].items():
        for parameter in item.get("parameters", []):
            locations.add(parameter["in"])
            assert "{" + parameter["name"] + "}" in path
        for method in HTTP_METHODS:
            for parameter in item.get(method, {}).get("parameters", []):
                if "$ref" in parameter:
                    parameter = spec["components"]["parameters"][parameter["$ref"].split("/")[-1]]
                locations.add(parameter["in"])
    assert {"path", "query", "header"} <= locations


def test_has_enums_nullables_unions_allof_and_recursion(spec):
    schemas = spec["components"]["schemas"]
    nodes = list(walk(schemas))
    assert any("enum" in node for node in nodes)
    assert any(isinstance(node.get("type"), list) and "null" in node["type"] for node in nodes)
    assert any({"type": "null"} in node.get("anyOf", []) for node in nodes)  # a nullable $ref

    def union_of_refs(key: str) -> bool:
        return any(
            len(node.get(key, [])) > 1 and all("$ref" in member for member in node[key]) for node in nodes
        )

    assert union_of_refs("oneOf")
    assert union_of_refs("anyOf")
    assert any("allOf" in node for node in nodes)
    recursive = [name for name, schema in schemas.items() if f"#/components/schemas/{name}" in refs(schema)]
    assert recursive
    # shared schemas are referenced from more than one resource
    owners = [op["tags"][0] for _, _, op in synthetic.iter_operations(spec)]
    assert len(set(owners)) > 1
    assert sum(1 for schema in schemas.values() if "#/components/schemas/User" in refs(schema)) > 1


def test_chained_variant_links_full_objects(spec):
    chained = synthetic.make_spec(N, chained=True)
    names = synthetic.tag_names(2)
    second = chained["components"]["schemas"][names[1][1]]
    assert refs(second["properties"]["related"]) == {f"#/components/schemas/{names[0][1]}"}
    assert refs(spec["components"]["schemas"][names[1][1]]["properties"]["related"]) == {
        f"#/components/schemas/{names[0][1]}Summary"
    }


def test_make_spec_command_writes_the_document(tmp_path: Path):
    out = tmp_path / "spec.json"
    assert bench_main(["--make-spec", str(N), "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == synthetic.make_spec(N)


def test_generates_cleanly_through_our_pipeline(tmp_path: Path):
    """Every stage, the import and surface verification included, accepts the document."""
    from chaser_codegen.pipeline import generate as pipeline

    spec_path = tmp_path / "synthetic.json"
    spec_path.write_text(synthetic.dumps(synthetic.make_spec(N)))
    inputs = pipeline.Inputs(
        spec=spec_path,
        overlay=None,
        exclusions=None,
        out=tmp_path / "out",
        version=pipeline.project_version(),
    )
    result = pipeline.build(inputs, tmp_path / "staging")
    assert len(result.api.operations) == N
    paginated = [op for op in result.api.operations if op.pagination is not None]
    streaming = [op for op in result.api.operations if op.is_streaming]
    uploads = [op for op in result.api.operations if op.has_file_fields]
    assert len(paginated) == len(streaming) == len(uploads) == N // 6
    assert {"load", "validate", "render", "format", "verify"} <= set(result.timings)
