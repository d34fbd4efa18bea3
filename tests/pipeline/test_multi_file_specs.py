"""Multi-file specs: a root whose `$ref`s point into other files generates as if bundled first,
inside its own folder unless a flag allows more, and every way it can go wrong names the file,
the `$ref` and where it was written."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from chaser_codegen.cli import main as codegen_main
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline import bundle as bundling
from chaser_codegen.pipeline import check
from chaser_codegen.pipeline import generate as pipeline
from chaser_codegen.pipeline.bundle import RefPolicy, load_spec
from chaser_codegen.pipeline.check import tree_files
from chaser_codegen.pipeline.model import iter_operations

from tests.conftest import ROOT
from tests.pipeline.packages import exercise

FIXTURES = ROOT / "tests" / "fixtures" / "multifile"
SPLIT = FIXTURES / "split" / "openapi.yaml"
BUNDLED = FIXTURES / "bundled.yaml"
OPERATIONS = {"listPets", "createPet", "getPet", "deletePet", "listOwners", "listCategories"}


def generate(spec: Path, out: Path, refs: RefPolicy | None = None) -> pipeline.Result:
    return pipeline.generate(
        pipeline.Inputs(
            spec=spec,
            overlay=None,
            exclusions=None,
            out=out,
            version=pipeline.project_version(),
            refs=refs or RefPolicy(),
        )
    )


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> tuple[pipeline.Result, Path]:
    out = tmp_path_factory.mktemp("split") / "out"
    return generate(SPLIT, out), out


@pytest.fixture(scope="module")
def hand_bundled(tmp_path_factory) -> tuple[pipeline.Result, Path]:
    out = tmp_path_factory.mktemp("bundled") / "out"
    return generate(BUNDLED, out), out


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Files of a spec tree (dedented); returns the path of the first one, its root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root / next(iter(files))


def root_with_schema_ref(ref: str) -> str:
    """A root whose one operation's response schema is `$ref: ref`."""
    return f"""
        openapi: 3.0.3
        info: {{title: t, version: "1"}}
        paths:
          /a:
            get:
              operationId: getA
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: {json.dumps(ref)}
        """


def refusal(spec: Path, policy: RefPolicy | None = None) -> str:
    with pytest.raises(PipelineError) as caught:
        load_spec(spec, policy or RefPolicy())
    assert caught.value.stage == "bundle"
    return str(caught.value)


def sync_detailed_modules(out: Path) -> set[str]:
    """The low-level layer's operations: every module that defines `sync_detailed`."""
    api = out / "chaser_core" / "_api" / "api"
    return {
        path.relative_to(api).as_posix()
        for path in api.rglob("*.py")
        if re.search(r"^def sync_detailed\(", path.read_text(), re.MULTILINE)
    }


def model_classes(out: Path) -> set[str]:
    models = out / "chaser_core" / "_api" / "models"
    return {
        name for path in models.glob("*.py") for name in re.findall(r"^class (\w+)", path.read_text(), re.M)
    }


# -- a split spec generates whole ---------------------------------------------------------------


def test_a_split_spec_generates_every_operation_on_every_surface(split):
    result, out = split
    assert {op.key for op in result.api.operations} == {
        "GET /pets",
        "POST /pets",
        "GET /pets/{petId}",
        "DELETE /pets/{petId}",
        "GET /owners",
        "GET /categories",
    }
    report = exercise(out)
    assert report["problems"] == []
    assert len(report["calls"]) == len(OPERATIONS)
    assert set(report["cli"]) == {0}
    assert len(sync_detailed_modules(out)) == len(OPERATIONS)


def test_every_file_of_the_tree_is_read_once_and_listed(split):
    result, _ = split
    tree = sorted(
        path.relative_to(SPLIT.parent).as_posix() for path in SPLIT.parent.rglob("*") if path.is_file()
    )
    assert result.bundle is not None
    assert sorted(result.bundle.files) == tree
    assert result.bundle.files[0] == "openapi.yaml"


def test_the_components_the_root_names_keep_the_roots_names(split):
    result, out = split
    assert result.bundle is not None
    schemas = result.bundle.document["components"]["schemas"]
    # Pet, Owner and Error are named by the root (Owner's file is people/owner.yaml, Error is
    # common.yaml's): every reference to them, from any file, uses those names.
    assert list(schemas)[:3] == ["Pet", "Owner", "Error"]
    assert not {"owner", "pet", "Error_2", "common_Error"} & set(schemas)
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    listed = result.bundle.document["paths"]["/owners"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["items"] == {"$ref": "#/components/schemas/Owner"}
    error = result.bundle.document["components"]["responses"]["ErrorResponse"]
    assert error["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert {"Pet", "Owner", "Error"} <= model_classes(out)


def test_path_items_and_operations_written_as_refs_are_inlined(split):
    result, _ = split
    assert result.bundle is not None
    paths = result.bundle.document["paths"]
    assert paths["/pets"]["post"]["operationId"] == "createPet"  # `post: {$ref: ...}` in a path item file
    assert paths["/pets/{petId}"]["delete"]["operationId"] == "deletePet"  # in a JSON path item file
    assert paths["/owners"]["get"]["operationId"] == "listOwners"  # `get: {$ref: ...}` in the root
    assert paths["/pets/{petId}"]["parameters"] == [{"$ref": "#/components/parameters/PetId"}]
    assert paths["/pets"]["get"]["parameters"] == [{"$ref": "#/components/parameters/Limit"}]
    assert not [ref for ref in _all_refs(result.bundle.document) if not ref.startswith("#/components/")]


def test_refs_are_relative_to_the_file_they_are_written_in(split):
    result, _ = split
    assert result.bundle is not None
    schemas = result.bundle.document["components"]["schemas"]
    # `#/Tag` in schemas/pet.yaml is that file's Tag; `#` in schemas/category.yaml is that file.
    assert schemas["Pet"]["properties"]["tag"] == {"$ref": "#/components/schemas/Tag"}
    assert schemas["Tag"] == {"type": "object", "properties": {"label": {"type": "string"}}}
    assert schemas["category"]["properties"]["parent"] == {"$ref": "#/components/schemas/category"}
    # ../../../common.yaml from schemas/people/address/address.json, three folders down
    assert schemas["address"]["properties"]["country"] == {"$ref": "#/components/schemas/Country"}
    assert schemas["Country"]["enum"] == ["FR", "GB", "US"]


def test_a_recursive_schema_across_files_becomes_component_references(split):
    result, _ = split
    assert result.bundle is not None
    schemas = result.bundle.document["components"]["schemas"]
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert schemas["Owner"]["properties"]["favourite"] == {"$ref": "#/components/schemas/Pet"}


def test_descriptions_kept_in_markdown_and_yaml_files_are_inlined_as_text(split):
    result, out = split
    assert result.bundle is not None
    document = result.bundle.document
    assert document["info"]["description"] == "A small API, split over files.\n"
    assert document["tags"] == [
        {"name": "pets", "description": "Pets, and what they are **called**.\n"},
        {"name": "owners", "description": "People who own pets."},
    ]
    assert "People who own pets." in (out / "chaser_core" / "_spec.py").read_text()  # the embedded document


def test_a_split_spec_generates_what_its_hand_bundled_equivalent_generates(split, hand_bundled):
    (split_result, split_out), (single_result, single_out) = split, hand_bundled
    assert single_result.bundle is not None and single_result.bundle.files == ["bundled.yaml"]
    assert sync_detailed_modules(split_out) == sync_detailed_modules(single_out)
    assert len(sync_detailed_modules(split_out)) == len(OPERATIONS)
    assert model_classes(split_out) == model_classes(single_out)
    assert model_classes(split_out) >= {"Pet", "NewPet", "Tag", "Owner", "Address", "Category", "Error"}
    assert {op.key for op in split_result.api.operations} == {op.key for op in single_result.api.operations}
    # Beyond the brief: every generated file but the embedded document is byte for byte the same.
    split_files, single_files = tree_files(split_out), tree_files(single_out)
    differing = {
        name
        for name in split_files.keys() | single_files.keys()
        if split_files.get(name) != single_files.get(name)
    }
    assert differing <= {"chaser_core/_spec.py", "repairs.json"}


def test_a_component_the_root_names_keeps_its_name_through_a_file_that_only_refers_on(tmp_path):
    """Regression: `Thing: {$ref: a.yaml}` with a.yaml `$ref: b.yaml` made a component `b`
    (model class `B`) and left the root's `Thing` an alias of it."""
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": textwrap.dedent(root_with_schema_ref("#/components/schemas/Thing"))
            + "components:\n  schemas:\n    Thing: {$ref: models/a.yaml}\n    Loop: {$ref: loop/x.yaml}\n",
            "models/a.yaml": "$ref: ../common/b.yaml\n",
            "common/b.yaml": "type: object\nproperties: {id: {type: string}}\n",
            # a file chain that comes back to its start ends there (no endless loop)
            "loop/x.yaml": "$ref: y.yaml\n",
            "loop/y.yaml": "$ref: x.yaml\n",
        },
    )
    schemas = load_spec(spec).document["components"]["schemas"]
    assert schemas["Thing"] == {"type": "object", "properties": {"id": {"type": "string"}}}
    assert schemas["Loop"] == {"$ref": "#/components/schemas/Loop"}
    assert set(schemas) == {"Thing", "Loop"}


def test_a_yaml_alias_of_a_reference_is_bundled_at_both_places(tmp_path):
    """Regression: the second sight of one aliased reference object read `#/components/...`
    as a file name."""
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": """
                openapi: 3.0.3
                info: {title: t, version: "1"}
                paths:
                  /a:
                    get:
                      operationId: getA
                      responses:
                        "200":
                          description: ok
                          content:
                            application/json:
                              schema: &thing
                                $ref: schemas.yaml#/Thing
                    put:
                      operationId: putA
                      responses:
                        "200":
                          description: ok
                          content:
                            application/json:
                              schema: *thing
                """,
            "schemas.yaml": "Thing: {type: object, properties: {id: {type: string}}}\n",
        },
    )
    document = load_spec(spec).document
    for method in ("get", "put"):
        media = document["paths"]["/a"][method]["responses"]["200"]["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Thing"}
    assert list(document["components"]["schemas"]) == ["Thing"]


# -- the sandbox ------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["../../etc/passwd", "../other/x.yml", "/etc/hostname"])
def test_a_ref_outside_the_specs_folder_is_refused_naming_the_ref_and_where_it_was_written(tmp_path, ref):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.yml").write_text("type: string\n")
    spec = write_tree(tmp_path / "spec", {"openapi.yaml": root_with_schema_ref(ref)})
    message = refusal(spec)
    assert f"$ref {ref!r} cannot be read" in message
    assert "is outside the spec's folder" in message and "--allow-refs-outside" in message
    assert f"at {spec} #/paths/~1a/get/responses/200/content/application~1json/schema" in message


def test_a_ref_outside_the_folder_from_a_nested_file_names_that_file(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "common.yml").write_text("Error: {type: string}\n")
    spec = write_tree(
        tmp_path / "spec",
        {
            "openapi.yaml": root_with_schema_ref("schemas/thing.yaml"),
            "schemas/thing.yaml": """
                type: object
                properties:
                  error:
                    $ref: ../../elsewhere/common.yml#/Error
                """,
        },
    )
    message = refusal(spec)
    assert "$ref '../../elsewhere/common.yml#/Error' cannot be read" in message
    assert f"{tmp_path / 'elsewhere' / 'common.yml'} is outside the spec's folder" in message
    assert "at schemas/thing.yaml (bundled at #/components/schemas/thing/properties/error)" in message


def test_a_symlink_out_of_the_folder_is_refused_too(tmp_path):
    (tmp_path / "secret.yaml").write_text("type: string\n")
    spec = write_tree(tmp_path / "spec", {"openapi.yaml": root_with_schema_ref("link.yaml")})
    (tmp_path / "spec" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    assert "is outside the spec's folder" in refusal(spec)


def test_allow_refs_outside_reads_files_beyond_the_folder(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.yml").write_text("type: object\nproperties: {id: {type: string}}\n")
    spec = write_tree(tmp_path / "spec", {"openapi.yaml": root_with_schema_ref("../other/x.yml")})
    bundle = load_spec(spec, RefPolicy(outside_folder=True))
    assert bundle.document["components"]["schemas"]["x"]["properties"] == {"id": {"type": "string"}}
    assert bundle.files == ["openapi.yaml", str(tmp_path / "other" / "x.yml")]


def test_the_generate_command_refuses_then_allows_a_ref_outside_and_keeps_the_output_on_failure(
    tmp_path, capsys
):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.yml").write_text("type: object\nproperties: {id: {type: string}}\n")
    spec = write_tree(tmp_path / "spec", {"openapi.yaml": root_with_schema_ref("../other/x.yml")})
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("the previous generation")
    argv = ["generate", "--spec", str(spec), "--out", str(out), "--quiet"]

    assert codegen_main(argv) == 2
    err = capsys.readouterr().err
    assert "error: [bundle]" in err and "$ref '../other/x.yml' cannot be read" in err
    assert f"{out} was left unchanged." in err
    assert tree_files(out) == {"keep.txt": b"the previous generation"}
    assert not list(tmp_path.glob(".out.tmp-*")), "the staging directory must be cleaned up"

    assert codegen_main([*argv, "--allow-refs-outside"]) == 0
    assert "Bundled 2 files: 1 references to components, 0 inlined" in capsys.readouterr().err
    assert (out / "chaser_core" / "_api" / "models" / "x.py").exists()


# -- URLs -------------------------------------------------------------------------------------


class FileServer:
    """Serves `files` (path -> bytes) on 127.0.0.1 and counts the requests."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/yaml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@contextmanager
def file_server(files: dict[str, bytes]) -> Iterator[FileServer]:
    server = FileServer(files)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join(timeout=5)


REMOTE = {
    # A remote file whose own relative `$ref` is resolved against its URL.
    "/schemas/thing.yml": b"Thing:\n  type: object\n  properties:\n    part: {$ref: part.yml}\n",
    "/schemas/part.yml": b"type: object\nproperties: {size: {type: integer}}\n",
}


def test_a_url_ref_is_refused_without_the_flag_and_nothing_is_fetched(tmp_path, monkeypatch):
    def no_network(uri: str) -> bytes:
        raise AssertionError(f"fetched {uri}")

    monkeypatch.setattr(bundling, "_fetch", no_network)
    with file_server(REMOTE) as server:
        url = f"{server.base}/schemas/thing.yml#/Thing"
        spec = write_tree(tmp_path, {"openapi.yaml": root_with_schema_ref(url)})
        message = refusal(spec)
        assert server.requests == []
    assert (
        f"$ref {url!r} cannot be read: it is a URL, and URLs are fetched only with --allow-url-refs"
        in message
    )
    assert f"at {spec} #/paths/~1a/get" in message


def test_allow_url_refs_fetches_them_from_a_real_server(tmp_path):
    with file_server(REMOTE) as server:
        spec = write_tree(
            tmp_path, {"openapi.yaml": root_with_schema_ref(f"{server.base}/schemas/thing.yml#/Thing")}
        )
        bundle = load_spec(spec, RefPolicy(urls=True))
        assert sorted(server.requests) == ["/schemas/part.yml", "/schemas/thing.yml"]
    schemas = bundle.document["components"]["schemas"]
    assert schemas["Thing"]["properties"]["part"] == {"$ref": "#/components/schemas/part"}
    assert schemas["part"] == {"type": "object", "properties": {"size": {"type": "integer"}}}
    assert bundle.files == [
        "openapi.yaml",
        f"{server.base}/schemas/thing.yml",
        f"{server.base}/schemas/part.yml",
    ]


def test_a_url_that_answers_404_is_refused_with_the_status(tmp_path):
    with file_server(REMOTE) as server:
        url = f"{server.base}/schemas/gone.yml"
        spec = write_tree(tmp_path, {"openapi.yaml": root_with_schema_ref(url)})
        message = refusal(spec, RefPolicy(urls=True))
    assert f"$ref {url!r} cannot be read: HTTP 404 from {url}" in message


def test_a_url_ref_does_not_open_the_local_disk_to_the_remote_file(tmp_path):
    """A fetched file's `$ref: file:///...` is held to the folder rule like any other."""
    files = {"/evil.yml": b"type: object\nproperties: {x: {$ref: 'file:///etc/hostname'}}\n"}
    with file_server(files) as server:
        spec = write_tree(tmp_path, {"openapi.yaml": root_with_schema_ref(f"{server.base}/evil.yml")})
        message = refusal(spec, RefPolicy(urls=True))
    assert (
        "$ref 'file:///etc/hostname' cannot be read" in message and "is outside the spec's folder" in message
    )
    assert f"at {server.base}/evil.yml (bundled at" in message


# -- cycles, missing targets, bounds, broken files ---------------------------------------------


def test_a_cycle_of_inlined_files_is_an_error_naming_the_chain(tmp_path):
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": """
                openapi: 3.0.3
                info: {title: t, version: "1"}
                paths:
                  /a:
                    $ref: paths/a.yaml
                """,
            "paths/a.yaml": """
                get:
                  $ref: b.yaml
                """,
            # The operation's callback is path item a.yaml again: inlining it never ends.
            "paths/b.yaml": """
                operationId: getA
                responses:
                  "200": {description: ok}
                callbacks:
                  onEvent:
                    "{$request.body#/url}":
                      $ref: a.yaml
                """,
        },
    )
    message = refusal(spec)
    assert "$ref cycle through files: paths/a.yaml -> paths/b.yaml -> paths/a.yaml" in message
    assert "at paths/b.yaml (bundled at #/paths/~1a/get/callbacks/onEvent/" in message


def test_a_path_item_that_is_a_ref_to_itself_through_another_file_is_a_cycle(tmp_path):
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: a.yaml}\n",
            "a.yaml": "$ref: b.yaml\n",
            "b.yaml": "$ref: a.yaml\n",
        },
    )
    assert "$ref cycle through files: a.yaml -> b.yaml -> a.yaml" in refusal(spec)


def test_a_recursive_schema_cycle_across_files_is_fine(tmp_path):
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": root_with_schema_ref("a.yaml"),
            "a.yaml": "type: object\nproperties: {b: {$ref: sub/b.yaml}}\n",
            "sub/b.yaml": "type: object\nproperties: {a: {$ref: ../a.yaml}, items: {type: array, items: {$ref: b.yaml}}}\n",
        },
    )
    schemas = load_spec(spec).document["components"]["schemas"]
    assert schemas["a"]["properties"]["b"] == {"$ref": "#/components/schemas/b"}
    assert schemas["b"]["properties"]["a"] == {"$ref": "#/components/schemas/a"}
    assert schemas["b"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/b"}


def test_a_missing_file_is_an_error_naming_the_file_and_the_ref(tmp_path):
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": root_with_schema_ref("schemas/thing.yaml"),
            "schemas/thing.yaml": "type: object\nproperties: {part: {$ref: parts/missing.yaml}}\n",
        },
    )
    message = refusal(spec)
    assert "$ref 'parts/missing.yaml' cannot be read" in message
    assert f"the file {tmp_path / 'schemas' / 'parts' / 'missing.yaml'} does not exist" in message
    assert "at schemas/thing.yaml (bundled at #/components/schemas/thing/properties/part)" in message


def test_a_pointer_to_nothing_in_an_existing_file_is_an_error_naming_the_file_and_the_ref(tmp_path):
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": root_with_schema_ref("common.yaml#/components/schemas/Thing"),
            "common.yaml": "components:\n  schemas:\n    Other: {type: string}\n",
        },
    )
    message = refusal(spec)
    assert (
        "$ref 'common.yaml#/components/schemas/Thing': common.yaml has nothing at #/components/schemas/Thing"
        in message
    )
    assert f"at {spec} #/paths/~1a/get/responses/200" in message


def test_the_number_of_files_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(bundling, "MAX_FILES", 2)
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": root_with_schema_ref("a.yaml"),
            "a.yaml": "type: object\nproperties: {b: {$ref: b.yaml}}\n",
            "b.yaml": "type: object\nproperties: {c: {$ref: c.yaml}}\n",
            "c.yaml": "type: string\n",
        },
    )
    message = refusal(spec)
    assert "$ref 'c.yaml' cannot be read: the spec refers to more than 2 files" in message
    assert "at b.yaml" in message
    monkeypatch.setattr(bundling, "MAX_FILES", 3)
    assert load_spec(spec).files == ["openapi.yaml", "a.yaml", "b.yaml", "c.yaml"]


def test_the_depth_of_references_is_bounded(tmp_path, monkeypatch):
    files = {
        "openapi.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: p0.yaml}\n"
    }
    for n in range(5):
        files[f"p{n}.yaml"] = f"$ref: p{n + 1}.yaml\n"
    files["p5.yaml"] = "get: {operationId: getA, responses: {'200': {description: ok}}}\n"
    spec = write_tree(tmp_path, files)
    monkeypatch.setattr(bundling, "MAX_NESTING", 4)
    assert "references nest more than 4 files deep" in refusal(spec)
    monkeypatch.setattr(bundling, "MAX_NESTING", 7)
    assert load_spec(spec).document["paths"]["/a"]["get"]["operationId"] == "getA"


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("deep/er/still/bad.yaml", "Thing:\n  type: object\n  properties:\n    x: {type: string\n", ":5:1"),
        ("deep/er/still/bad.json", '{\n  "Thing": {\n    "type": "object",\n  }\n}\n', ":4:3"),
    ],
    ids=["yaml", "json"],
)
def test_an_invalid_file_deep_in_the_tree_is_reported_with_its_name_and_line(tmp_path, name, text, line):
    spec = write_tree(
        tmp_path,
        {
            "openapi.yaml": root_with_schema_ref("schemas/thing.yaml"),
            "schemas/thing.yaml": f"type: object\nproperties: {{x: {{$ref: ../{name}#/Thing}}}}\n",
            name: text,
        },
    )
    message = refusal(spec)
    assert f"$ref '../{name}#/Thing' cannot be read: {tmp_path / name}{line}: invalid" in message
    assert "at schemas/thing.yaml" in message


def test_a_failed_bundle_leaves_the_output_untouched(tmp_path):
    out = tmp_path / "out"
    shutil.copytree(BUNDLED.parent / "split", tmp_path / "spec")
    generate(tmp_path / "spec" / "openapi.yaml", out)
    before = tree_files(out)
    (tmp_path / "spec" / "schemas" / "people" / "address" / "address.json").unlink()
    with pytest.raises(PipelineError, match=r"\$ref 'address/address\.json' cannot be read"):
        generate(tmp_path / "spec" / "openapi.yaml", out)
    assert tree_files(out) == before
    assert not list(tmp_path.glob(".out.tmp-*"))


# -- generate --check -------------------------------------------------------------------------


def test_the_input_hash_covers_every_file_the_bundle_read(tmp_path):
    shutil.copytree(SPLIT.parent, tmp_path / "spec")
    spec = tmp_path / "spec" / "openapi.yaml"
    files = load_spec(spec).files

    def digest() -> str:
        return check.input_hash(spec, None, None, "0.0.0", spec_files=files, refs=RefPolicy())

    before = digest()
    assert digest() == before
    address = tmp_path / "spec" / "schemas" / "people" / "address" / "address.json"
    address.write_text(address.read_text().replace('"street"', '"line1"'))
    assert digest() != before
    assert (
        check.input_hash(spec, None, None, "0.0.0", spec_files=files, refs=RefPolicy(urls=True)) != digest()
    )


def test_check_sees_an_edit_to_a_referenced_file(tmp_path, split, monkeypatch, capsys):
    monkeypatch.setattr(check, "CACHE_DIR", tmp_path / "cache")
    shutil.copytree(SPLIT.parent, tmp_path / "spec")
    out = tmp_path / "out"
    shutil.copytree(split[1], out)
    argv = ["generate", "--check", "--spec", str(tmp_path / "spec" / "openapi.yaml"), "--out", str(out)]

    assert codegen_main(argv) == 0
    assert "full comparison" in capsys.readouterr().out
    record = json.loads(next((tmp_path / "cache").glob("generate-check-*.json")).read_text())
    assert sorted(record["spec_files"]) == sorted(load_spec(SPLIT).files)
    assert codegen_main(argv) == 0
    assert "inputs and outputs unchanged" in capsys.readouterr().out

    # Three folders down, a file the root never names: the fast path must not vouch for it.
    address = tmp_path / "spec" / "schemas" / "people" / "address" / "address.json"
    address.write_text(address.read_text().replace('"street"', '"line1"'))
    assert codegen_main(argv) == 1
    assert "changed: out/chaser_core/_api/models/address.py" in capsys.readouterr().err


def test_check_compares_in_full_every_time_when_the_spec_read_a_url(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(check, "CACHE_DIR", tmp_path / "cache")
    out = tmp_path / "out"
    with file_server(REMOTE) as server:
        spec = write_tree(
            tmp_path / "spec",
            {"openapi.yaml": root_with_schema_ref(f"{server.base}/schemas/thing.yml#/Thing")},
        )
        argv = ["generate", "--spec", str(spec), "--out", str(out), "--allow-url-refs"]
        assert codegen_main([*argv, "--quiet"]) == 0
        capsys.readouterr()
        for _ in range(2):
            assert codegen_main([*argv, "--check"]) == 0
            assert "full comparison" in capsys.readouterr().out
        assert len(server.requests) == 3 * 2  # two files fetched by each run: nothing was cached
    assert not list((tmp_path / "cache").glob("generate-check-*.json"))


def test_check_never_vouches_for_a_spec_that_read_a_url(tmp_path, monkeypatch):
    monkeypatch.setattr(check, "CACHE_DIR", tmp_path / "cache")
    remote = type("RemoteBundle", (), {"files": ["openapi.yaml", "https://example.com/x.yml"]})()
    local = type("LocalBundle", (), {"files": ["openapi.yaml", "schemas/x.yml"]})()
    assert check.spec_files_read(remote) is None
    assert check.spec_files_read(local) == ["openapi.yaml", "schemas/x.yml"]
    check.remember_clean(tmp_path / "out", "i", "o", spec_files=["openapi.yaml", "schemas/x.yml"])
    assert check.recorded_spec_files(tmp_path / "out") == ["openapi.yaml", "schemas/x.yml"]
    assert check.cached_verdict_is_clean(tmp_path / "out", "i", "o")


def _all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _all_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _all_refs(value)]
    return []


def test_the_split_fixture_has_the_operations_its_bundle_has():
    """The operations counted in the bundled document are the ones the tests above expect."""
    document = yaml.safe_load(BUNDLED.read_text())
    assert {op["operationId"] for _, _, op in iter_operations(document)} == OPERATIONS
