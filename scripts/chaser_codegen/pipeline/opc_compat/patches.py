"""The patches to openapi-python-client's parser, and the fixes applied to its parse.

Each patch replaces one attribute of openapi-python-client for the duration of one parse
(`patched(context)`), and puts the original back afterwards: outside a parse, and in any other
code of the process, openapi-python-client is exactly what is installed. What a patch needs to
remember (the parameters it renamed, the error a union member returned) lives on the
`ParseContext` of that parse, never in this module.

Every patch and fix is registered in `PATCHES` with what it fixes and its upstream issue or pull
request; docs/upstream/ has the pull request text for each, and
tests/pipeline/test_opc_compat.py runs the unpatched upstream code on the smallest input that
shows the defect: when that test fails, upstream fixed it and the patch can go.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from attr import evolve
from openapi_python_client.parser import GeneratorData, bodies, properties, responses
from openapi_python_client.parser import openapi as oapc_openapi
from openapi_python_client.parser.errors import ParseError, PropertyError
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties.model_property import ModelProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.parser.responses import Responses
from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonCode, PythonIdentifier

UPSTREAM = "https://github.com/openapi-generators/openapi-python-client"


@dataclass(frozen=True)
class Patch:
    """One difference between what openapi-python-client does and what we need."""

    name: str  # docs/upstream/<name>.md holds the pull request text
    fixes: str
    upstream: str  # the issue or pull request, or "no upstream issue yet"
    touches: tuple[str, ...]  # the internals it replaces or reads, as surface.INTERNALS names them


PATCHES: tuple[Patch, ...] = (
    Patch(
        "endpoint-copies",
        "Endpoint.add_parameters, _add_responses and sort_parameters deep-copy the endpoint, and "
        "with it every model its parameters, bodies and responses reach: quadratic on chained "
        "schemas (minutes for a spec of a few hundred). The copy shares the models instead.",
        "no upstream issue yet",
        ("openapi_python_client.parser.openapi:deepcopy", "openapi_python_client.parser.openapi:Endpoint"),
    ),
    Patch(
        "distinct-parameter-names",
        "parameters whose Python names collide after the location suffix (`DateCreated<` and "
        "`DateCreated>` are both `date_created`) drop the endpoint; they get names with their "
        "symbols spelled out (`date_created_lt`) instead.",
        f"no upstream issue yet (related: {UPSTREAM}/issues/305, {UPSTREAM}/pull/406)",
        (
            "openapi_python_client.parser.openapi:Endpoint._check_parameters_for_conflicts",
            "openapi_python_client.parser.properties.protocol:PropertyProtocol.set_python_name",
        ),
    ),
    Patch(
        "repeated-path-placeholder",
        "a path that uses one placeholder twice (/groups/{g}/members/{g}) drops the endpoint "
        "('Incorrect path templating'); str.format fills every occurrence, so it is accepted.",
        "no upstream issue yet",
        ("openapi_python_client.parser.openapi:Endpoint.sort_parameters",),
    ),
    Patch(
        "same-model-once",
        "a model nested in a union member is built twice and the second build is refused as a "
        "duplicate ('Attempted to generate duplicate models'), dropping the component; a second "
        "build from an equal schema returns the first model.",
        f"{UPSTREAM}/issues/1375",
        (
            "openapi_python_client.parser.properties.model_property:ModelProperty.build",
            "openapi_python_client.parser.properties.schemas:Schemas",
        ),
    ),
    Patch(
        "union-member-cause",
        "UnionProperty.build answers 'Invalid property in union' and drops the member's own "
        "error; the member's error is kept as the union error's `cause`, which the repair stage "
        "follows down to the schema at fault.",
        f"no upstream issue yet (a report that shows the bare message: {UPSTREAM}/issues/1428)",
        (
            "openapi_python_client.parser.properties:property_from_data",
            "openapi_python_client.parser.bodies:property_from_data",
            "openapi_python_client.parser.responses:property_from_data",
            "openapi_python_client.parser.openapi:property_from_data",
        ),
    ),
    Patch(
        "extension-responses",
        "an x- extension among an operation's responses is read as a status code and warned "
        "about ('Invalid response status code pattern: x-...'), although it is no response; "
        "the warning is dropped from the parse.",
        "no upstream issue yet",
        ("openapi_python_client.parser.openapi:EndpointCollection",),
    ),
    Patch(
        "template-local-names",
        "a parameter named `quote`, `params`, `headers`, `cookies`... shadows a name the endpoint "
        "module template uses itself (a TypeError at call time); such parameters get the location "
        "suffix upstream gives `client` and `url`.",
        f"no upstream issue yet (the same fix for `client` and `url`: {UPSTREAM}/pull/765)",
        (
            "openapi_python_client.parser.properties.protocol:PropertyProtocol.set_python_name",
            "templates:endpoint_module.py.jinja",
        ),
    ),
    Patch(
        "unset-import-for-body-unions",
        "an endpoint with a required request body of several content types annotates it "
        "`A | Unset | B | Unset` but its module imports only UNSET; `Unset` is added to its imports.",
        f"{UPSTREAM}/issues/1451",
        ("openapi_python_client.parser.openapi:Endpoint", "templates:endpoint_module.py.jinja"),
    ),
    Patch(
        "unset-means-absent",
        "an optional property with a spec `default` is declared with that default as its Python "
        "default (`n: int | Unset = 1`), so a model built, or an endpoint called, without it sends "
        "`n: 1`: a value the caller never gave (a default documents what the server does when the "
        "field is absent). Optional properties default to UNSET; the docstring keeps the default.",
        "no upstream issue yet",
        ("openapi_python_client.parser.properties.protocol:PropertyProtocol.to_string",),
    ),
    Patch(
        "models-init-context",
        "Project._build_models gives models_init.py.jinja only import strings, so our lazy "
        "models/__init__.py would have to find each name by word position in them; LowLevelProject "
        "(project.py) passes each model's name and module as data. The same override renders a "
        "large spec's models in a second process.",
        "no upstream issue yet",
        (
            "openapi_python_client:Project._build_models",
            "openapi_python_client.parser.openapi:import_string_from_class",
            "templates:models_init.py.jinja",
            "templates:model.py.jinja",
            "openapi_python_client.parser.openapi:GeneratorData",
            "openapi_python_client.strings:PythonIdentifier.__new__",
            "openapi_python_client.strings:ClassName.__new__",
            "openapi_python_client.schema:Schema",
        ),
    ),
)


class ParameterRename(NamedTuple):
    """A parameter the distinct-parameter-names patch gave a new Python name."""

    method: str
    path: str
    location: str
    wire_name: str
    python_name: str


@dataclass
class ParseContext:
    """What the patches of one generation share: created per parse, read by its caller."""

    parameter_renames: list[ParameterRename] = field(default_factory=list)
    # The error property_from_data returned last, which a union error that follows is about.
    last_property_error: Any = None


# Every attribute `patched` replaces, as surface.INTERNALS names it. property_from_data is
# replaced in each module that imported it by name (each holds its own reference), with one
# wrapper for all of them, since it relates consecutive calls.
REPLACED = (
    "openapi_python_client.parser.openapi:deepcopy",
    "openapi_python_client.parser.openapi:Endpoint._check_parameters_for_conflicts",
    "openapi_python_client.parser.openapi:Endpoint.sort_parameters",
    "openapi_python_client.parser.properties.model_property:ModelProperty.build",
    "openapi_python_client.parser.properties:property_from_data",
    "openapi_python_client.parser.bodies:property_from_data",
    "openapi_python_client.parser.responses:property_from_data",
    "openapi_python_client.parser.openapi:property_from_data",
)


def _replacements(context: ParseContext) -> list[tuple[Any, str, Any]]:
    """(owner, attribute, replacement) for each of REPLACED, in its order."""
    union_causes = _union_causes(properties.property_from_data, context)
    return [
        (oapc_openapi, "deepcopy", _copy_endpoint),
        (
            Endpoint,
            "_check_parameters_for_conflicts",
            _distinct_parameter_names(Endpoint._check_parameters_for_conflicts, context),
        ),
        (
            Endpoint,
            "sort_parameters",
            staticmethod(_sort_parameters_allowing_repeats(Endpoint.sort_parameters)),
        ),
        (ModelProperty, "build", classmethod(_same_model_once(ModelProperty.build))),
        *(
            (module, "property_from_data", union_causes)
            for module in (properties, bodies, responses, oapc_openapi)
        ),
    ]


@contextmanager
def patched(context: ParseContext) -> Iterator[ParseContext]:
    """openapi-python-client with the patches in place, for one parse; restored on exit."""
    swaps: list[tuple[Any, str, Any]] = []
    try:
        for owner, attribute, replacement in _replacements(context):
            original = vars(owner)[attribute]
            if _is_patch(original):
                raise RuntimeError(
                    f"openapi-python-client is already patched ({attribute}): one parse at a time"
                )
            setattr(owner, attribute, replacement)
            swaps.append((owner, attribute, original))
        yield context
    finally:
        for owner, attribute, original in reversed(swaps):
            setattr(owner, attribute, original)


def _unset_means_absent(original: Callable[..., Any]) -> Callable[..., Any]:
    """PropertyProtocol.to_string (a model attribute's or an endpoint argument's declaration),
    with an optional property defaulting to UNSET whatever the spec's `default`. A required
    property keeps its default (a const the wire must carry); to_docstring still reads the
    default, so the documentation says what the server does when the field is absent."""

    def to_string(self: Any) -> Any:
        if self.required or self.default is None:
            return original(self)
        return PythonCode(f"{self.python_name}: {self.get_type_string().as_unembedded_code()} = UNSET")

    to_string.chaser_patch = True  # type: ignore[attr-defined]
    return to_string


@contextmanager
def rendering() -> Iterator[None]:
    """openapi-python-client with the render-time patch in place (unset-means-absent: the
    templates declare each property through `to_string`), restored on exit."""
    original = vars(PropertyProtocol)["to_string"]
    if _is_patch(original):
        yield  # already in place (a worker forked from a rendering process)
        return
    PropertyProtocol.to_string = _unset_means_absent(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        PropertyProtocol.to_string = original  # type: ignore[method-assign]


def _copy_endpoint(endpoint: Any, memo: Any = None) -> Any:
    """The copy openapi-python-client's Endpoint methods need, without the deep copy.

    0.29.1 calls `deepcopy(endpoint)` in `add_parameters`, `_add_responses` and
    `sort_parameters`, and nowhere else in that module. What those methods change on the copy is
    its own lists, its path and the python_name of its parameters (`set_python_name`); so the
    copy gets new lists and its own parameter objects, and shares the models, which nothing
    changes there.
    """
    if not isinstance(endpoint, Endpoint):
        return copy.deepcopy(endpoint, memo)
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


def _union_causes(original: Callable[..., Any], context: ParseContext) -> Callable[..., Any]:
    """property_from_data that keeps the reason a union member failed on the union's error."""

    def property_from_data(*args: Any, **kwargs: Any) -> Any:
        prop, schemas = original(*args, **kwargs)
        if isinstance(prop, PropertyError):
            last = context.last_property_error
            if (prop.detail or "").startswith("Invalid property in union") and last is not prop:
                prop.cause = last  # type: ignore[attr-defined]
            context.last_property_error = prop
        return prop, schemas

    property_from_data.chaser_patch = True  # type: ignore[attr-defined]
    return property_from_data


_DUPLICATE_MODEL = re.compile(r'duplicate models with name "([^"]+)"')


def _same_model_once(original: Callable[..., Any]) -> Callable[..., Any]:
    """ModelProperty.build that returns the model already built from an equal schema.

    When the model of that name was built from an equal schema, the second build is the same
    model. A different schema under the same name is still an error (the repair stage renames
    one)."""

    def build(cls: Any, *args: Any, **kwargs: Any) -> Any:
        prop, schemas = original(*args, **kwargs)
        if isinstance(prop, PropertyError) and prop.data is not None:
            match = _DUPLICATE_MODEL.search(prop.detail or "")
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

    build.chaser_patch = True  # type: ignore[attr-defined]
    return build


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


def _distinct_parameter_names(original: Callable[..., Any], context: ParseContext) -> Callable[..., Any]:
    """Endpoint._check_parameters_for_conflicts that names colliding parameters apart.

    0.29.1 resolves a collision by location suffix or by the raw name, and drops the endpoint
    when neither helps. Then each colliding parameter gets a name with its symbols spelled out,
    numbered if that still collides; the wire names are unchanged, and each rename is recorded
    on the context for the repair log."""

    def check(self: Any, *, config: Any, previously_modified_params: Any = None) -> Any:
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
            context.parameter_renames.append(
                ParameterRename(self.method, self.path.get_untrusted_value(), str(location), wire, name)
            )
        return original(self, config=config)

    check.chaser_patch = True  # type: ignore[attr-defined]
    return check


_PLACEHOLDER = re.compile(r"{([a-zA-Z_-][a-zA-Z0-9_-]*)}")


def _sort_parameters_allowing_repeats(original: Callable[..., Any]) -> Callable[..., Any]:
    """Endpoint.sort_parameters that accepts a placeholder used twice in a path.

    0.29.1 wants one path parameter per occurrence. The generated code fills the URL with
    str.format by name, which fills every occurrence with the same value, so only the check
    needs to see each name once: the repeats are masked for it and put back, under the
    parameter's python name, afterwards."""

    def sort_parameters(*, endpoint: Any) -> Any:
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

    sort_parameters.chaser_patch = True  # type: ignore[attr-defined]
    return sort_parameters


def _is_patch(value: Any) -> bool:
    function = getattr(value, "__func__", value)  # a staticmethod's or classmethod's function
    return function is _copy_endpoint or getattr(function, "chaser_patch", False) is True


# -- fixes applied to a finished parse -----------------------------------------------------------

EXTENSION_RESPONSE_WARNING = "Invalid response status code pattern: x-"


def forget_extension_warnings(data: GeneratorData) -> None:
    """extension-responses: nothing is lost, so neither the repair stage nor the renderer
    reports the warning."""
    for collection in data.endpoint_collections_by_tag.values():
        collection.parse_errors = [
            error
            for error in collection.parse_errors
            if not (error.detail or "").startswith(EXTENSION_RESPONSE_WARNING)
        ]


def import_unset_for_body_unions(data: GeneratorData) -> None:
    """unset-import-for-body-unions (ruff drops the import again wherever it goes unused)."""
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            if len(endpoint.bodies) > 1:
                endpoint.relative_imports.add("from ...types import Unset")


def rename_shadowing_parameters(data: GeneratorData, config: Any, names: frozenset[str]) -> None:
    """template-local-names: parameters named like a local of the endpoint module template get
    the suffix openapi-python-client itself uses for its reserved names (`quote_query`); the
    wire name is unchanged."""
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            for location, prop in endpoint.iter_all_parameters():
                if prop.python_name in names:
                    old = str(prop.python_name)
                    prop.set_python_name(new_name=UntrustedString(f"{old}_{location}"), config=config)
                    if location == "path":
                        # The path template already names its placeholders by python name.
                        path = endpoint.path.get_untrusted_value().replace(
                            f"{{{old}}}", f"{{{prop.python_name}}}"
                        )
                        endpoint.path = UntrustedString(path)
