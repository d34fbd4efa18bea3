"""The intermediate model's types: plain data that every surface is rendered from.

Names and Python types here are openapi-python-client's own, spec text is wrapped in `SpecText`,
and no openapi-python-client object is kept. How each surface spells these values (CLI option
names, Python examples, low-level aliases) is the render side's business (`render/`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ...escaping import SpecText
from ...names import LOW_LEVEL_PACKAGE, class_name

if TYPE_CHECKING:
    from ..opc_compat import GeneratorData

ResultKind = Literal["json", "text", "bytes", "sse", "none"]
FieldLocation = Literal["path", "query", "header", "cookie", "body"]
BodyKind = Literal["json", "multipart", "form", "binary"]
# How the CLI reads a value: string, integer, number, boolean, choice, list (of an item kind),
# json or file.
ValueShape = Literal["string", "integer", "number", "boolean", "choice", "list", "json", "file"]

# A JSON Schema (or another part of the spec) kept as the spec wrote it, for the stages that
# read the schema itself: examples, the validating mock, the contract tests.
JsonSchema = dict[str, Any]


# Where a serialization rule applies: a parameter's location, or a field of a form body.
WireLocation = Literal["path", "query", "header", "cookie", "form", "multipart"]


@dataclass(frozen=True)
class WireRule:
    """How one parameter or form field goes on the wire: the spec's `style`, `explode` and
    `allowReserved` (defaults filled in), or a form field's `encoding.contentType`. Rendered as
    chaser_core._wire.Rule, into each method and into the mock's table."""

    location: WireLocation
    name: SpecText
    style: str
    explode: bool
    allow_reserved: bool = False
    content_type: SpecText | None = None
    # Whether the low-level layer's own encoding would differ (a container or union value, a
    # style other than the location's default): then the method encodes through chaser_core._wire.
    needs_runtime: bool = False


@dataclass(frozen=True)
class Field:
    """One argument of a generated method: a parameter or a (flattened) body property."""

    wire_name: SpecText
    python_name: str
    location: FieldLocation
    annotation: str
    required: bool
    default: str | None  # Python expression; None means "no default" (required) or UNSET
    description: SpecText | None
    json_schema: JsonSchema
    imports: frozenset[str]
    is_file: bool = False
    max_bytes: int | None = None
    deprecated: bool = False
    arg_name: str = ""  # the wrapper's argument name; differs from python_name only to avoid a clash
    model_class: str | None = None  # a model argument, which also accepts a plain dict
    variant_classes: tuple[str, ...] = ()  # a union-of-models argument, which also accepts a dict
    binary_variant: bool = False  # a body of several content types, one of them binary
    has_files: bool = False  # uploads inside a list or a union (list[File], File | list[File])
    cli_kind: ValueShape = "json"
    cli_item: ValueShape = "string"  # the kind of each item of a "list"
    choices: tuple[str, ...] = ()
    wire: WireRule | None = None  # a parameter's serialization rule

    def __post_init__(self) -> None:
        if not self.arg_name:
            object.__setattr__(self, "arg_name", self.python_name)

    @property
    def renamed_on_the_wire(self) -> bool:
        return self.wire_name.raw != self.python_name


@dataclass(frozen=True)
class Body:
    content_type: str
    kind: BodyKind
    annotation: str  # the low-level `body` argument's type
    required: bool
    # Flattened: one keyword argument per property, and the model classes to build the body from.
    fields: tuple[Field, ...] = ()
    variants: tuple[str, ...] = ()  # body model class names (one, or several for a union)
    variant_fields: tuple[tuple[str, ...], ...] = ()  # python names of each variant's properties
    imports: frozenset[str] = frozenset()
    # A form body's `encoding` map, one rule per field it names (the rest: form, exploded); a
    # multipart body's, one per field it gives a content type.
    form_rules: tuple[WireRule, ...] = ()

    @property
    def flattened(self) -> bool:
        return bool(self.variants)


class ParserKind(enum.Enum):
    """A runtime parser of chaser_core._parsing; the value is its function's name there."""

    MODEL = "model"
    ENUM = "enum"
    LIST_OF = "list_of"
    ONE_OF = "one_of"
    FIELD = "field"  # an attribute of a parsed model (x-chaser-unwrap)
    SCALAR = "scalar"
    DATETIME = "datetime_"
    DATE = "date_"
    UUID = "uuid_"
    NULL = "null"
    ANY = "any_"
    NONE = "none_"  # no body to parse
    BYTES = "bytes_"
    TEXT = "text"


# Parsers whose static type is Any rather than what they parse.
_IMPRECISE = frozenset({ParserKind.ONE_OF, ParserKind.ANY})


@dataclass(frozen=True)
class Parser:
    """What to parse a response body into: a tree of runtime parsers, rendered by the templates."""

    kind: ParserKind
    type_name: str | None = None  # the class of MODEL and ENUM, the builtin of SCALAR
    inner: tuple[Parser, ...] = ()  # the item of LIST_OF, the members of ONE_OF, the model of FIELD
    attr: str | None = None  # the attribute FIELD reads

    @property
    def precise(self) -> bool:
        """Whether the parser's static type is exactly the type it parses (not Any)."""
        return self.kind not in _IMPRECISE and all(p.precise for p in self.inner)


@dataclass(frozen=True)
class Result:
    kind: ResultKind
    annotation: str  # the method's return type
    parser: Parser
    imports: frozenset[str]
    content_type: str | None
    model_class: str | None  # the model parsed from the body, when there is exactly one
    unwrap: str | None = None
    # True when the parser's static type is exactly `annotation`, so no cast is needed.
    precise: bool = True


@dataclass(frozen=True)
class Pagination:
    style: Literal["offset", "cursor"]
    items_attr: str
    item_annotation: str
    page_annotation: str
    limit_param: str | None
    offset_param: str | None = None
    cursor_param: str | None = None
    cursor_attr: str | None = None  # attribute of the last item that becomes the next cursor
    total_attr: str | None = None
    has_more_attr: str | None = None
    imports: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Waiter:
    name: str
    field_attr: str
    success: tuple[str, ...]
    failure: tuple[str, ...]
    pending: tuple[str, ...]


@dataclass(frozen=True)
class McpBridge:
    """x-chaser-mcp-bridge: a JSON-RPC MCP endpoint that a local stdio bridge relays agents to."""

    methods: tuple[SpecText, ...]  # the JSON-RPC methods the spec documents for `method`
    # Those the bridge may resend after a failure that may have reached the API.
    retry_safe: tuple[SpecText, ...]
    auth_scheme: SpecText  # the http bearer security scheme the SDK's API key satisfies


@dataclass(frozen=True)
class IdempotencyKey:
    """x-chaser-idempotency-key: where the operation's idempotency key travels."""

    location: Literal["body", "header"]
    wire_name: str
    # The method's argument that carries it, or None for a header the spec does not declare.
    arg_name: str | None


@dataclass(frozen=True)
class SecurityScheme:
    """One entry of `components.securitySchemes` the client can hold a credential for."""

    name: str  # the spec's name (a key of the requirements); printed only as name_text
    name_text: SpecText
    kind: Literal["token", "basic"]  # one secret, or a username and a password
    location: Literal["header", "query", "cookie"]
    parameter: SpecText  # the header, query parameter or cookie that carries it
    prefix: str  # "Bearer" or "Basic" before the secret in Authorization; "" for an apiKey
    arguments: tuple[str, ...]  # the client arguments: ("api_key",) or ("username", "password")
    env_vars: tuple[str, ...]  # CHASER_<ARGUMENT>, one per argument
    description: SpecText | None = None


# The alternatives of an operation's `security`, each the names of the schemes it needs together;
# () sends no credential (`security: []`, or none declared), and an empty alternative makes it optional.
SecurityRequirement = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Operation:
    key: str  # "GET /v1/sessions": stable identity across spec versions
    operation_id: str
    method: str
    path: str
    resource_path: tuple[str, ...]
    name: str
    summary: SpecText | None
    description: SpecText | None
    deprecated: bool
    path_params: tuple[Field, ...]
    query_params: tuple[Field, ...]
    header_params: tuple[Field, ...]
    cookie_params: tuple[Field, ...]
    body: Body | None
    result: Result
    idempotent: bool
    low_level_module: str  # e.g. "sessions.sessions_list" under <package>._api.api
    pointer: str
    pagination: Pagination | None = None
    waiters: tuple[Waiter, ...] = ()
    mcp_bridge: McpBridge | None = None
    idempotency_key: IdempotencyKey | None = (
        None  # x-chaser-idempotency-key: filled per call, makes retries safe
    )
    security: SecurityRequirement = ()
    security_is_default: bool = True  # the document's: the client's default headers carry it
    accept: str = "application/json"  # the Accept header: the success responses' media types

    @property
    def parameters(self) -> tuple[Field, ...]:
        return self.path_params + self.query_params + self.header_params + self.cookie_params

    @property
    def body_fields(self) -> tuple[Field, ...]:
        return self.body.fields if self.body else ()

    @property
    def keyword_fields(self) -> tuple[Field, ...]:
        """Everything after the positional path parameters, in signature order."""
        return self.body_fields + self.query_params + self.header_params + self.cookie_params

    @property
    def qualified_name(self) -> str:
        return ".".join((*self.resource_path, self.name))

    @property
    def is_streaming(self) -> bool:
        return self.result.kind == "sse"

    @property
    def is_binary(self) -> bool:
        return self.result.kind == "bytes"

    @property
    def has_file_fields(self) -> bool:
        return any(f.is_file for f in self.body_fields)

    @property
    def passthrough_body(self) -> bool:
        return self.body is not None and not self.body.flattened

    @property
    def path_text(self) -> SpecText:
        return SpecText(self.path)

    @property
    def wire_rules(self) -> tuple[WireRule, ...]:
        return tuple(f.wire for f in self.parameters if f.wire is not None)

    @property
    def wire_encoded(self) -> bool:
        """Whether the method encodes its request through chaser_core._wire (by the spec's rules)
        rather than taking the low-level layer's encoding, which only fits scalars and lists of
        them in their location's default style."""
        form = self.body is not None and (self.body.kind == "form" or bool(self.body.form_rules))
        return form or any(rule.needs_runtime for rule in self.wire_rules)


@dataclass
class Resource:
    path: tuple[str, ...]
    operations: list[Operation] = field(default_factory=list)
    children: list[Resource] = field(default_factory=list)
    helper: str | None = None  # mixin class in templates/runtime/_helpers.py
    helper_methods: tuple[str, ...] = ()
    # "API" instead when a model of the spec already has the name `<Path>Resource` (APIs.guru's
    # walletobjects has a JwtResource model next to the `jwt` resource).
    class_suffix: str = "Resource"

    @property
    def attr(self) -> str:
        return self.path[-1]

    @property
    def class_name(self) -> str:
        return class_name(self.path) + self.class_suffix

    @property
    def module(self) -> str:
        return self.path[0]

    @property
    def member_names(self) -> set[str]:
        names = {op.name for op in self.operations}
        names |= {child.attr for child in self.children}
        names |= {w.name for op in self.operations for w in op.waiters}
        names |= {f"{op.name}_url" for op in self.operations if op.is_streaming}
        names |= {f"{op.name}_to_file" for op in self.operations if op.is_binary}
        names |= set(self.helper_methods)
        return names

    def walk(self) -> list[Resource]:
        result = [self]
        for child in self.children:
            result.extend(child.walk())
        return result


@dataclass(frozen=True)
class Exclusion:
    key: str
    reason: str


@dataclass
class Api:
    title: SpecText
    version: SpecText
    description: SpecText | None
    base_url: str
    base_url_text: SpecText
    package: str
    operations: list[Operation]
    resources: list[Resource]  # top level, each with its children
    exclusions: list[Exclusion]
    # The normalized spec as a whole, which the package embeds for its validating mock.
    spec_document: JsonSchema = field(repr=False)
    # openapi-python-client's parse, rendered as the low-level layer (set by the pipeline).
    low_level_data: GeneratorData | None = field(default=None, repr=False)
    security_schemes: tuple[SecurityScheme, ...] = ()
    # What an operation without `security` of its own needs (the document's `security`).
    default_security: SecurityRequirement = ()

    def credentials(self) -> list[tuple[str, str, SecurityScheme, bool]]:
        """(argument, environment variable, scheme, always held) of each client credential; always
        held: every alternative of the default security needs it, so construction requires it."""
        found = []
        for scheme in self.security_schemes:
            for argument, env_var in zip(scheme.arguments, scheme.env_vars, strict=True):
                always = bool(self.default_security) and all(
                    any(argument in s.arguments for s in self.security_schemes if s.name in alternative)
                    for alternative in self.default_security
                )
                found.append((argument, env_var, scheme, always))
        return found

    def all_resources(self) -> list[Resource]:
        return [r for top in self.resources for r in top.walk()]

    @property
    def low_level_package(self) -> str:
        return f"{self.package}.{LOW_LEVEL_PACKAGE}"
