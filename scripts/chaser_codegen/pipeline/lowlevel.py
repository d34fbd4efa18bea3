"""The low-level layer: openapi-python-client, used as a library.

We call its parser once and hand the same parsed `GeneratorData` to the model stage and to its
renderer, so the low-level modules and our wrappers are built from one parse and cannot
disagree about a name or a type. The settings match the command line
`openapi-python-client generate --meta none --fail-on-warning`: no packaging metadata, and
every parser warning (an endpoint or schema it would skip) is an error.
"""

from __future__ import annotations

import os
import re
import tempfile
import traceback
from pathlib import Path
from typing import Any

from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.openapi import import_string_from_class
from openapi_python_client.strings import PythonCode

from ..errors import PipelineError
from .repair.log import RepairLog
from .repair.rule import named

OAPC_VERSION = "0.29.1"

PARAMETER_PYTHON_NAME = named(
    "parameter-python-name",
    "parameters whose names differ only in symbols (`DateCreated<`, `DateCreated>`) would share "
    "one Python name; each gets one with its symbols spelled out (`date_created_lt`), and the "
    "name on the wire is unchanged",
)
LOW_LEVEL_PACKAGE = "_api"


def make_config(output_dir: Path, config_file: ConfigFile | None = None, **overrides: Any) -> Config:
    config_file = config_file or ConfigFile(
        # We run ruff once over the whole package afterwards (format stage), not per layer.
        post_hooks=[],
        # Enums as Literal types: callers pass plain strings (session_type="sandbox"), and our
        # literal_enum template override keeps values a newer API adds instead of failing.
        literal_enums=True,
        docstrings_on_attributes=True,
        **overrides,
    )
    return Config.from_sources(
        config_file,
        MetaType.NONE,
        document_source=Path("openapi.json"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=output_dir,
    )


def _copy_endpoint(endpoint: Any) -> Any:
    """The copy openapi-python-client's Endpoint methods need, without the deep copy.

    0.29.1 calls `deepcopy(endpoint)` in `add_parameters`, `_add_responses` and
    `sort_parameters`, and nowhere else in that module. An endpoint holds its parameters, bodies
    and responses, whose model properties hold every model they reach: copying those makes each
    endpoint cost as much as all the models it refers to, which is quadratic on chained schemas
    (minutes for a spec of a few hundred). What those methods change on the copy is its own
    lists, its path and the python_name of its parameters (`set_python_name`); so the copy gets
    new lists and its own parameter objects, and shares the models, which nothing changes here.
    """
    import copy
    import dataclasses

    from openapi_python_client.parser.openapi import Endpoint
    from openapi_python_client.parser.responses import Responses

    if not isinstance(endpoint, Endpoint):
        return copy.deepcopy(endpoint)
    return dataclasses.replace(
        endpoint,
        tags=list(endpoint.tags),
        relative_imports=set(endpoint.relative_imports),
        query_parameters=[copy.copy(p) for p in endpoint.query_parameters],
        path_parameters=[copy.copy(p) for p in endpoint.path_parameters],
        header_parameters=[copy.copy(p) for p in endpoint.header_parameters],
        cookie_parameters=[copy.copy(p) for p in endpoint.cookie_parameters],
        responses=Responses(patterns=list(endpoint.responses.patterns), default=endpoint.responses.default),
        bodies=list(endpoint.bodies),
        errors=list(endpoint.errors),
    )


class _UnionCauses:
    """Keep the reason a union member failed.

    0.29.1's UnionProperty.build answers "Invalid property in union" and drops the member's own
    error, so nothing says which schema deep inside the member is at fault. Every call to
    property_from_data goes through `__call__`: when one returns that union error, the error
    returned just before it (by the member) is attached to it as `cause`, and the repair stage
    follows the chain down to the schema at fault.
    """

    patched = True

    def __init__(self, original: Any) -> None:
        self.original = original
        self.last_error: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from openapi_python_client.parser.errors import PropertyError

        prop, schemas = self.original(*args, **kwargs)
        if isinstance(prop, PropertyError):
            if (prop.detail or "").startswith("Invalid property in union") and self.last_error is not prop:
                prop.cause = self.last_error  # type: ignore[attr-defined]
            self.last_error = prop
        return prop, schemas


class _SameModelOnce:
    """Build a model that is already built from the same schema as the same model.

    0.29.1 builds a model nested in a union member twice: once with the union, and again when
    it processes the member's properties (and a body of several JSON media types with one schema
    once per media type). The second build collides with the first, "Attempted to generate
    duplicate models", and the model and all that uses it are dropped. When the model of that
    name was built from an equal schema, it is the same model: the second build returns it. A
    different schema under the same name is still an error (the repair stage renames one).
    """

    patched = True

    def __init__(self, original: Any) -> None:
        self.original = original

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import re

        from attr import evolve
        from openapi_python_client.parser.errors import PropertyError
        from openapi_python_client.strings import PythonIdentifier

        prop, schemas = self.original(*args, **kwargs)
        if isinstance(prop, PropertyError) and prop.data is not None:
            match = re.search(r'duplicate models with name "([^"]+)"', prop.detail or "")
            existing = schemas.classes_by_name.get(match.group(1)) if match else None
            if existing is not None and getattr(existing, "data", None) == prop.data:
                config = kwargs["config"]
                name = kwargs["name"]
                return (
                    evolve(
                        existing,
                        name=name,
                        required=kwargs["required"],
                        python_name=PythonIdentifier(value=name, prefix=config.field_prefix),
                    ),
                    schemas,
                )
        return prop, schemas


# Spelled-out names for the symbols that make parameter names differ (`created<`, `created>`):
# openapi-python-client drops them from Python names, which then collide.
_SYMBOL_WORDS = {
    "<": "lt",
    ">": "gt",
    "=": "eq",
    "!": "not",
    "+": "plus",
    "*": "star",
    "@": "at",
    "~": "tilde",
    "^": "caret",
    "|": "or",
    "&": "and",
    "%": "percent",
    "$": "dollar",
    "#": "hash",
    "?": "q",
}

# (method, path, location, wire name, python name) of each parameter renamed by the patch below,
# for the repair log: the wire name is unchanged, but a user reads the Python name.
PARAMETER_RENAMES: list[tuple[str, str, str, str, str]] = []


def _distinct_parameter_names(original: Any) -> Any:
    """Give parameters whose Python names collide names that tell them apart.

    0.29.1 resolves a collision by location suffix or by the raw name, and drops the endpoint
    when neither helps (`DateCreated<` and `DateCreated>` are both `date_created`). Then each
    colliding parameter gets a name with its symbols spelled out (`date_created_lt`,
    `date_created_gt`), numbered if that still collides; the wire names are unchanged.
    """

    def check(self: Any, *, config: Any, previously_modified_params: Any = None) -> Any:
        from openapi_python_client.parser.errors import ParseError
        from openapi_python_client.schema.untrusted_string import UntrustedString
        from openapi_python_client.strings import PythonIdentifier

        result = original(self, config=config, previously_modified_params=previously_modified_params)
        if not isinstance(result, ParseError) or "same Python identifier" not in (result.detail or ""):
            return result
        parameters = list(self.iter_all_parameters())
        counts: dict[str, int] = {}
        for _, prop in parameters:
            counts[str(prop.python_name)] = counts.get(str(prop.python_name), 0) + 1
        used = set(counts)
        for location, prop in parameters:
            if counts[str(prop.python_name)] < 2:
                continue
            wire = prop.name.get_untrusted_value()
            spelled = "".join(f"_{_SYMBOL_WORDS[c]}_" if c in _SYMBOL_WORDS else c for c in wire)
            base = str(PythonIdentifier(value=spelled, prefix=config.field_prefix))
            name, number = base, 2
            while name in used:
                name, number = f"{base}_{number}", number + 1
            used.add(name)
            prop.set_python_name(new_name=UntrustedString(name), config=config, skip_snake_case=True)
            PARAMETER_RENAMES.append(
                (self.method, self.path.get_untrusted_value(), str(location), wire, name)
            )
        return original(self, config=config)

    check.patched = True  # type: ignore[attr-defined]
    return check


_PLACEHOLDER = re.compile(r"{([a-zA-Z_-][a-zA-Z0-9_-]*)}")


def _sort_parameters_allowing_repeats(original: Any) -> Any:
    """A path may use one placeholder twice (/groups/{g}/members/{g}/...): 0.29.1's
    sort_parameters wants one path parameter per occurrence and drops the endpoint. The
    generated code fills the URL with str.format by name, which fills every occurrence with the
    same value, so only the check needs to see each name once: the repeats are masked for it
    and put back, under the parameter's python name, afterwards."""

    def sort_parameters(*, endpoint: Any) -> Any:
        import dataclasses

        from openapi_python_client.schema.untrusted_string import UntrustedString

        path = endpoint.path.get_untrusted_value()
        seen: set[str] = set()

        def mask(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in seen:
                return f"\0{name}\0"
            seen.add(name)
            return match.group(0)

        masked = _PLACEHOLDER.sub(mask, path)
        if masked == path:
            return original(endpoint=endpoint)
        result = original(endpoint=dataclasses.replace(endpoint, path=UntrustedString(masked)))
        if not hasattr(result, "path_parameters"):
            return result  # a ParseError: the path is wrong in another way
        python_names = {p.name.get_untrusted_value(): str(p.python_name) for p in result.path_parameters}
        restored = re.sub(
            "\0([^\0]+)\0", lambda m: "{" + python_names[m.group(1)] + "}", result.path.get_untrusted_value()
        )
        result.path = UntrustedString(restored)
        return result

    sort_parameters.patched = True  # type: ignore[attr-defined]
    return sort_parameters


def _unset_means_absent(original: Any) -> Any:
    """Property.to_string, the declaration of a model attribute or an endpoint argument, with an
    optional one defaulting to UNSET whatever the spec's `default`.

    0.29.1 makes the spec's default the Python default (`n: int | Unset = 1`), so a model built
    without the field, or an endpoint called without the argument, sends `"n": 1`: a value the
    caller never gave, and a default documents what the server does when the field is absent
    (docs/policies.md, "Results and request bodies": unset means absent). The default stays in
    the attribute's docstring (to_docstring reads it), and the SDK's methods document it too. A
    required property keeps its default (a const the wire must carry).
    """

    def to_string(self: Any) -> Any:
        if self.required or self.default is None:
            return original(self)
        return PythonCode(f"{self.python_name}: {self.get_type_string().as_unembedded_code()} = UNSET")

    to_string.patched = True  # type: ignore[attr-defined]
    return to_string


def install_patches() -> None:
    """Patch openapi-python-client (pinned at OAPC_VERSION): its endpoint copies, which are
    worse than linear, its union errors, which lose their cause, and its optional properties,
    which default to the spec's default instead of UNSET. Idempotent."""
    import openapi_python_client
    from openapi_python_client.parser import bodies, properties, responses
    from openapi_python_client.parser import openapi as oapc_openapi
    from openapi_python_client.parser.openapi import Endpoint
    from openapi_python_client.parser.properties.model_property import ModelProperty
    from openapi_python_client.parser.properties.protocol import PropertyProtocol

    if openapi_python_client.__version__ != OAPC_VERSION:  # pragma: no cover - the pin guards it
        raise PipelineError("low-level", f"the patches are for openapi-python-client {OAPC_VERSION}")
    _replace(oapc_openapi, "deepcopy", lambda _: _copy_endpoint)
    _replace(Endpoint, "_check_parameters_for_conflicts", _distinct_parameter_names)
    _replace(
        Endpoint,
        "sort_parameters",
        lambda original: staticmethod(_sort_parameters_allowing_repeats(original)),
    )
    _replace(ModelProperty, "build", _SameModelOnce)
    _replace(PropertyProtocol, "to_string", _unset_means_absent)
    # Modules that imported property_from_data by name hold their own reference: patch each, all
    # with one wrapper (it relates consecutive calls).
    causes = _UnionCauses(properties.property_from_data)
    for module in (properties, bodies, responses, oapc_openapi):
        _replace(module, "property_from_data", lambda _: causes)


def _replace(owner: Any, attribute: str, wrap: Any) -> None:
    """Replace owner.attribute with wrap(original), once (installing twice changes nothing)."""
    original = getattr(owner, attribute)
    if getattr(original, "patched", False) or original is _copy_endpoint:
        return
    replacement = wrap(original)
    setattr(owner, attribute, replacement)


def parse(
    document: dict[str, Any],
    *,
    source: str,
    log: RepairLog | None = None,
    content_type_overrides: dict[str, str] | None = None,
) -> GeneratorData:
    """Parse the normalized document; repair what openapi-python-client cannot express (each
    repair goes into `log`), and fail on anything left that it would skip."""
    from .repair.lowlevel import parse_until_clean

    install_patches()
    config = make_config(Path("unused"), content_type_overrides=dict(content_type_overrides or {}))

    def parse_once(spec: dict[str, Any]) -> GeneratorData:
        data = GeneratorData.from_dict(spec, config=config)
        if isinstance(data, GeneratorError):
            raise PipelineError("low-level", _describe(data), location=source)
        _forget_extension_warnings(data)
        return data

    log = log if log is not None else RepairLog()
    PARAMETER_RENAMES.clear()
    data = parse_until_clean(document, log, parse_once, source=source)
    for method, path, location, wire, python_name in dict.fromkeys(PARAMETER_RENAMES):
        log.record(
            PARAMETER_PYTHON_NAME,
            ("paths", path, method.lower(), "parameters"),
            before=f"{wire} ({location})",
            after=python_name,
        )
    _rename_shadowing_parameters(data, config)
    _import_unset_for_body_unions(data)
    return data


def _forget_extension_warnings(data: GeneratorData) -> None:
    """0.29.1 reads an x- extension among an operation's responses as a status code, and warns
    that it omits that response: it is none, and nothing is lost. Its warning goes, so that
    neither the repair stage nor the renderer reports it."""
    for collection in data.endpoint_collections_by_tag.values():
        collection.parse_errors = [
            error
            for error in collection.parse_errors
            if not (error.detail or "").startswith("Invalid response status code pattern: x-")
        ]


def _import_unset_for_body_unions(data: GeneratorData) -> None:
    """An endpoint with an optional body of several content types annotates it `A | B | Unset`,
    but 0.29.1's endpoint template imports only UNSET: give such modules the name (ruff drops
    it again wherever it goes unused)."""
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            if len(endpoint.bodies) > 1:
                endpoint.relative_imports.add("from ...types import Unset")


# Names the endpoint module template uses itself, besides the "client" and "url" that
# openapi-python-client already reserves: a parameter named `quote` would shadow
# urllib.parse.quote inside _get_kwargs (a TypeError at call time), and one named `params`,
# `headers` or `cookies` would be overwritten by the dict of that name. Such parameters get the
# suffix openapi-python-client itself uses for its reserved names (`quote_query`); the wire
# name is unchanged. Found by tests/pipeline/test_hostile_specs.py.
SHADOWING_NAMES = frozenset(
    {"quote", "params", "headers", "cookies", "httpx", "errors", "cast", "kwargs", "response", "json_body"}
)


def _rename_shadowing_parameters(data: GeneratorData, config: Config) -> None:
    from openapi_python_client.schema.untrusted_string import UntrustedString

    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            for location, prop in endpoint.iter_all_parameters():
                if prop.python_name in SHADOWING_NAMES:
                    old = str(prop.python_name)
                    prop.set_python_name(new_name=UntrustedString(f"{old}_{location}"), config=config)
                    if location == "path":
                        # The path template already names its placeholders by python name.
                        path = endpoint.path.get_untrusted_value().replace(
                            f"{{{old}}}", f"{{{prop.python_name}}}"
                        )
                        endpoint.path = UntrustedString(path)


def render(
    data: GeneratorData,
    output_dir: Path,
    *,
    custom_templates: Path,
    bytecode_cache: Any = None,
) -> None:
    """Write the low-level package into output_dir: openapi-python-client's client, models and
    one module per operation (`sync`, `sync_detailed`, `asyncio`, `asyncio_detailed`, and the
    `_get_kwargs` the resources, the CLI and the MCP bridge build their requests with).

    (Content-type overrides only steer parsing, so the renderer's config needs none.)
    """
    project = _Project(openapi=data, config=make_config(output_dir), custom_template_path=custom_templates)
    project.env.bytecode_cache = bytecode_cache
    # Project.build prints "Generating <dir>"; that is its only output and harmless.
    errors = project.build()
    if errors:
        raise PipelineError(
            "low-level", "; ".join(_describe(error) for error in errors), location=str(output_dir)
        )


# Below this many models, a second process costs more than it saves.
PARALLEL_MODELS = 400


class _Project(Project):
    """openapi-python-client's Project, rendering the models of a large spec in two processes.

    Rendering models is most of its time, and it is one template call per model with no shared
    state: a forked child renders three fifths of them into a directory of its own (the parent
    has the enums and the endpoint modules to render too), and its files join the parent's before
    the models' `__init__` (which names them all) is rendered.
    """

    def _build_models(self) -> None:
        models = list(self.openapi.models)
        if len(models) < PARALLEL_MODELS or not hasattr(os, "fork"):
            super()._build_models()
            return
        mine, theirs = models[: len(models) * 2 // 5], models[len(models) * 2 // 5 :]
        with tempfile.TemporaryDirectory(prefix="chaser-models-") as spare:
            child = os.fork()
            if child == 0:
                os._exit(self._render_models_into(theirs, Path(spare)))
            self.openapi.models = mine
            try:
                super()._build_models()
            finally:
                self.openapi.models = models
                _, status = os.waitpid(child, 0)
            if status != 0:
                raise PipelineError("low-level", "rendering the models in a second process failed")
            models_dir = self.package_dir / "models"
            for path in Path(spare).iterdir():
                path.replace(models_dir / path.name)
        classes = [model.class_info for model in models] + [enum.class_info for enum in self.openapi.enums]
        (models_dir / "__init__.py").write_text(
            self.env.get_template("models_init.py.jinja").render(
                imports=[import_string_from_class(info) for info in classes],
                alls=[info.name for info in classes],
            ),
            encoding=self.config.file_encoding,
        )

    def _render_models_into(self, models: list[Any], folder: Path) -> int:
        """In the forked child: the exit status (what failed is printed to stderr)."""
        try:
            template = self.env.get_template("model.py.jinja")
            for model in models:
                (folder / f"{model.class_info.module_name}.py").write_text(
                    template.render(model=model), encoding=self.config.file_encoding
                )
            return 0
        except BaseException:
            traceback.print_exc()
            return 1


def _describe(error: GeneratorError) -> str:
    header = error.header or type(error).__name__
    detail = f": {error.detail}" if error.detail else ""
    data = getattr(error, "data", None)
    where = ""
    if data is not None and hasattr(data, "model_dump"):
        try:
            dumped = data.model_dump(mode="json", exclude_none=True)
            where = f" (in {str(dumped)[:200]})"
        except Exception:
            where = ""
    return f"{header}{detail}{where}".replace("\n", " ")
