"""The compatibility layer for openapi-python-client (scripts/chaser_codegen/pipeline/opc_compat/).

Three kinds of tests:
- the surface: every internal we touch is still what we rely on (an upgrade fails here first);
- the rule: nothing outside opc_compat imports openapi_python_client;
- the defects: each patch's and each template override's defect, shown on UNPATCHED upstream
  code and the smallest input. These pass while upstream has the defect. When one fails,
  upstream fixed it: drop the patch (and its docs/upstream/ text), as CONTRIBUTING.md says.
"""

from __future__ import annotations

import ast
import cProfile
import importlib
import math
import pstats
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pytest
from chaser_codegen.bench.synthetic import make_spec
from chaser_codegen.pipeline import normalize, opc_compat
from chaser_codegen.pipeline.opc_compat import surface

from tests.conftest import ROOT

COMPAT = ROOT / "scripts" / "chaser_codegen" / "pipeline" / "opc_compat"


# -- the surface ----------------------------------------------------------------------------------


@pytest.mark.parametrize("internal", surface.INTERNALS, ids=lambda internal: internal.where)
def test_every_internal_we_touch_is_as_we_rely_on_it(internal: surface.Internal) -> None:
    assert surface.check(internal) is None, f"{surface.check(internal)}; needed by {internal.why}"


def test_the_surface_names_every_internal_a_patch_touches() -> None:
    listed = {internal.where for internal in surface.INTERNALS}
    for patch in opc_compat.PATCHES:
        assert set(patch.touches) <= listed, patch.name


def test_the_surface_check_names_what_changed() -> None:
    """A signature we do not match is reported with both spellings."""
    moved = surface.Internal(
        "openapi_python_client.parser.openapi:Endpoint.sort_parameters",
        "staticmethod",
        "(*, endpoint, extra)",
        "t",
    )
    assert surface.check(moved) == (
        "openapi_python_client.parser.openapi:Endpoint.sort_parameters: (*, endpoint) "
        "(we rely on (*, endpoint, extra))"
    )
    gone = surface.Internal("openapi_python_client.parser.openapi:Endpoint.no_such", "function", "()", "t")
    assert "gone" in (surface.check(gone) or "")


def test_every_patch_and_override_has_an_upstream_reference_and_a_pull_request_text() -> None:
    names = [patch.name for patch in opc_compat.PATCHES] + [o.name for o in opc_compat.TEMPLATE_OVERRIDES]
    assert len(names) == len(set(names))
    for name in names:
        text = (ROOT / "docs" / "upstream" / f"{name}.md").read_text(encoding="utf-8")
        assert "## Reproduction" in text and "## Proposed change" in text and "## Tests" in text, name
    for reference in [p.upstream for p in opc_compat.PATCHES] + [
        o.upstream for o in opc_compat.TEMPLATE_OVERRIDES
    ]:
        assert reference.startswith(("https://github.com/openapi-generators/", "no upstream issue yet")), (
            reference
        )
    overrides = ROOT / "templates" / "openapi-python-client"
    assert {o.template for o in opc_compat.TEMPLATE_OVERRIDES} == {
        path.relative_to(overrides).as_posix() for path in overrides.rglob("*.jinja")
    }


# -- the rule -------------------------------------------------------------------------------------


def imports_of(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import in `tree`, and of every import written in a string of
    code (a script run in a subprocess)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.module or ""))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [
                (node.lineno, m) for m in re.findall(r"^\s*(?:from|import)\s+([\w.]+)", node.value, re.M)
            ]
    return found


def test_only_the_compatibility_layer_imports_openapi_python_client() -> None:
    allowed = {COMPAT, Path(__file__)}
    offenders = []
    for path in [*(ROOT / "scripts").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        if any(path == place or place in path.parents for place in allowed):
            continue
        source = path.read_text(encoding="utf-8")
        if "openapi_python_client" in source:
            for line, module in imports_of(ast.parse(source)):
                if module.split(".")[0] == "openapi_python_client":
                    offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []


# -- the defects, on unpatched upstream -----------------------------------------------------------


def spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        document["components"] = {"schemas": schemas}
    return document


def operation(**fields: Any) -> dict[str, Any]:
    return {"operationId": "op", "responses": {"200": {"description": "ok"}}, **fields}


def upstream_parse(document: dict[str, Any]) -> Any:
    data = opc_compat.parse_document(document, opc_compat.make_config(Path("unused")))
    assert isinstance(data, opc_compat.GeneratorData)
    return data


def endpoint_errors(data: Any) -> str:
    return " ".join(
        f"{error.header} {error.detail}"
        for c in data.endpoint_collections_by_tag.values()
        for error in c.parse_errors
    )


def endpoints(data: Any) -> list[Any]:
    return [e for c in data.endpoint_collections_by_tag.values() for e in c.endpoints]


def parse_calls(size: int, *, patched: bool) -> int:
    document, _ = normalize.normalize(make_spec(size, chained=True), [], source="chained")
    config = opc_compat.make_config(Path("unused"))
    profile = cProfile.Profile()
    if patched:
        with opc_compat.patched(opc_compat.ParseContext()):
            profile.runcall(opc_compat.parse_document, document, config)
    else:
        profile.runcall(opc_compat.parse_document, document, config)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def exponent(sizes: tuple[int, int], counts: tuple[int, int]) -> float:
    return math.log(counts[1] / counts[0]) / math.log(sizes[1] / sizes[0])


def test_upstream_still_deep_copies_endpoints_quadratically() -> None:
    """endpoint-copies. Counted in Python calls (the same on every run), never in seconds."""
    counts = (parse_calls(20, patched=False), parse_calls(40, patched=False))
    assert exponent((20, 40), counts) > 1.4


def test_upstream_still_drops_an_endpoint_whose_parameters_differ_only_in_symbols() -> None:
    """distinct-parameter-names."""
    parameters = [
        {"name": name, "in": "query", "schema": {"type": "string"}}
        for name in ("DateCreated<", "DateCreated>")
    ]
    data = upstream_parse(spec({"/a": {"get": operation(parameters=parameters)}}))
    assert endpoints(data) == []
    assert "same Python identifier" in endpoint_errors(data)


def test_upstream_still_drops_an_endpoint_that_repeats_a_path_placeholder() -> None:
    """repeated-path-placeholder."""
    parameter = {"name": "g", "in": "path", "required": True, "schema": {"type": "string"}}
    data = upstream_parse(spec({"/a/{g}/b/{g}": {"get": operation(parameters=[parameter])}}))
    assert endpoints(data) == []
    assert "Incorrect path templating" in endpoint_errors(data)


UNION_WITH_NESTED_MODEL = spec(
    {"/x": {"get": operation(responses={"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}})}},
    {"T": {"oneOf": [
        {"type": "string", "enum": ["auto"]},
        {"type": "object", "title": "Ratio",
         "properties": {"limits": {"type": "object", "properties": {"max": {"type": "integer"}}}}},
    ]}},
)  # fmt: skip


def test_upstream_still_builds_a_model_nested_in_a_union_member_twice() -> None:
    """same-model-once."""
    data = upstream_parse(UNION_WITH_NESTED_MODEL)
    assert any("duplicate models" in (error.detail or "") for error in data.errors)


def test_upstream_still_drops_the_cause_of_a_union_members_failure() -> None:
    """union-member-cause: the error names neither the member nor what is wrong with it."""
    data = upstream_parse(spec({}, {"U": {"anyOf": [{"type": "string"}, {"type": "array"}]}}))
    [error] = data.errors
    assert "Invalid property in union" in (error.detail or "")
    assert "items" not in (error.detail or "") and getattr(error, "cause", None) is None


def test_upstream_still_reads_an_extension_among_responses_as_a_status_code() -> None:
    """extension-responses."""
    responses = {"200": {"description": "ok"}, "x-vendor": {"description": "vendor data, not a response"}}
    data = upstream_parse(spec({"/a": {"get": operation(responses=responses)}}))
    assert opc_compat.patches.EXTENSION_RESPONSE_WARNING in endpoint_errors(data)


def test_upstream_still_lets_a_parameter_shadow_a_local_of_its_endpoint_template() -> None:
    """template-local-names: `quote` keeps its name, and the template calls urllib's quote."""
    parameters = [{"name": "quote", "in": "path", "required": True, "schema": {"type": "string"}}]
    data = upstream_parse(spec({"/a/{quote}": {"get": operation(parameters=parameters)}}))
    [endpoint] = endpoints(data)
    assert [str(p.python_name) for p in endpoint.path_parameters] == ["quote"]
    assert "from urllib.parse import quote" in upstream_template("endpoint_module.py.jinja")


def test_upstream_still_annotates_a_body_of_several_types_with_unset_it_does_not_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """unset-import-for-body-unions: the module does not even import."""
    body = {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/A"}},
        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/B"}},
    }}  # fmt: skip
    objects = {name: {"type": "object", "properties": {"x": {"type": "string"}}} for name in ("A", "B")}
    data = upstream_parse(spec({"/a": {"post": operation(requestBody=body)}}, objects))
    [endpoint] = endpoints(data)
    assert len(endpoint.bodies) == 2
    assert not any("Unset" in line for line in endpoint.relative_imports)
    with pytest.raises(NameError, match="Unset"):
        build_and_import(spec({"/a": {"post": operation(requestBody=body)}}, objects), tmp_path, monkeypatch)


# -- the template overrides' defects, on upstream's templates -------------------------------------


def upstream_template(name: str) -> str:
    return (resources.files("openapi_python_client") / "templates" / name).read_text(encoding="utf-8")


def upstream_project(document: dict[str, Any], out: Path) -> Any:
    """openapi-python-client's own Project, with its own templates, for `document`."""
    from openapi_python_client import Project

    return Project(openapi=upstream_parse(document), config=opc_compat.make_config(out))


def test_upstream_models_init_still_imports_every_model_at_once() -> None:
    """lazy-models-init."""
    text = jinja2.Template(upstream_template("models_init.py.jinja")).render(
        imports=["from .a import A", "from .b import B"], alls=["A", "B"]
    )
    assert "\nfrom .a import A\n" in text and "\nfrom .b import B\n" in text  # at module level
    assert "__getattr__" not in text


def test_upstream_still_gives_models_init_only_import_strings(tmp_path: Path) -> None:
    """models-init-context: a template that needs a model's module and name gets neither."""
    from openapi_python_client import Project

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "models_init.py.jinja").write_text(
        "{{ models is defined }} {{ imports | join(',') }}", encoding="utf-8"
    )
    document = spec({}, {"Pet": {"type": "object", "properties": {"x": {"type": "string"}}}})
    out = tmp_path / "out"
    project = Project(
        openapi=upstream_parse(document), config=opc_compat.make_config(out), custom_template_path=templates
    )
    assert list(project.build()) == []
    assert (out / "models" / "__init__.py").read_text(encoding="utf-8") == "False from .pet import Pet"


def test_upstream_literal_enums_still_refuse_a_value_the_spec_does_not_list(tmp_path: Path) -> None:
    """open-literal-enums: a server that adds a status breaks the client."""
    document = spec({}, {"Status": {"type": "string", "enum": ["running", "stopped"]}})
    project = upstream_project(document, tmp_path)
    [enum] = project.openapi.enums
    namespace: dict[str, Any] = {}
    exec(project.env.get_template("literal_enum.py.jinja").render(enum=enum), namespace)
    assert namespace["check_status"]("running") == "running"
    with pytest.raises(TypeError):
        namespace["check_status"]("paused")


def test_upstream_still_calls_to_dict_on_an_unset_optional_union_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """optional-union-body: an optional body that is a union of models, left out, fails."""
    body = {"required": False, "content": {"application/json": {"schema": {"oneOf": [
        {"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}}}}  # fmt: skip
    objects = {
        name: {"type": "object", "properties": {name.lower(): {"type": "string"}}} for name in ("A", "B")
    }
    module = build_and_import(
        spec({"/a": {"post": operation(requestBody=body)}}, objects), tmp_path, monkeypatch
    )
    with pytest.raises(AttributeError, match="to_dict"):
        module._get_kwargs()


def build_and_import(document: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Generate `document` with upstream's Project alone, and import the module of its `op`."""
    package = f"upstream_client_{tmp_path.name}"
    project = upstream_project(document, tmp_path / package)
    assert list(project.build()) == []
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        return importlib.import_module(f"{package}.api.default.op")
    finally:
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]


def test_upstream_still_sends_an_optional_propertys_spec_default() -> None:
    """unset-means-absent: upstream declares `n: int | Unset = 1`, which a model built without n
    sends."""
    document = spec({}, {"A": {"type": "object", "properties": {"n": {"type": "integer", "default": 1}}}})
    data = upstream_parse(document)
    [model] = data.models
    [prop] = model.optional_properties
    assert prop.to_string().as_unembedded_code() == "n: int | Unset = 1"


def test_upstream_still_writes_a_boolean_multipart_part_as_python_text() -> None:
    """multipart-booleans: upstream's part is str(value), "True"."""
    from importlib import resources

    template = (
        resources.files("openapi_python_client")
        / "templates"
        / "property_templates"
        / "boolean_property.py.jinja"
    ).read_text(encoding="utf-8")
    multipart = template[template.index("macro multipart") :]
    assert "str(" in multipart.split("endmacro")[0]
