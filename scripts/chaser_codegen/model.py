"""Stage 5, model: the one intermediate model every surface is rendered from.

`build_api` walks the normalized spec once, operation by operation, and pairs each operation
with the endpoint openapi-python-client parsed for it. Names and Python types come from that
parse (so the wrappers call the low-level layer with exactly its own names and types); SDK
choices come from the overlay's x- extensions. Templates only ever see the dataclasses below:
plain data, spec text wrapped in `SpecText`, no openapi-python-client objects.
"""

from __future__ import annotations

import ast
import builtins
import json
import keyword
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties.any import AnyProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.const import ConstProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.enum_property import EnumProperty
from openapi_python_client.parser.properties.file import FileProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.literal_enum_property import LiteralEnumProperty
from openapi_python_client.parser.properties.model_property import ModelProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.parser.properties.uuid import UuidProperty

from .errors import PipelineError, json_pointer
from .escaping import SpecText, spec_text
from .idempotency import IdempotencyKey, idempotency_key_of
from .lowlevel import LOW_LEVEL_PACKAGE
from .names import (
    RESERVED_MEMBER_NAMES,
    ascii_identifier,
    is_safe_identifier,
    kebab,
    pascal,
    qualify_builtins,
    shadowed_builtins,
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Argument names the generated methods use themselves (per-call options, locals, helpers called
# in the method body); a spec parameter with one of these names gets a trailing underscore.
RESERVED_ARGUMENT_NAMES = frozenset(
    {
        # per-call options and the waiter's own arguments
        "extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "destination", "interval",
        # names the generated method bodies use (resources/*.py and _cli/commands/*.py)
        "self", "body", "cast", "to_file", "pick_variant", "as_model", "as_optional_model", "as_variant", "wait", "async_wait",
        "sync_paginate", "open_stream", "async_open_stream", "builtins", "os", "IO", "Any", "Mapping",
        "cli_state", "kwargs", "client", "resource", "page", "stream", "result",
    }
)  # fmt: skip
IDEMPOTENT_METHODS = frozenset({"get", "head", "put", "delete", "options", "trace"})
DEFAULT_RESOURCE = "default"

ResultKind = Literal["json", "text", "bytes", "sse", "none"]
FieldLocation = Literal["path", "query", "header", "cookie", "body"]


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
    schema: dict[str, Any]
    imports: frozenset[str]
    is_file: bool = False
    max_bytes: int | None = None
    deprecated: bool = False
    arg_name: str = ""  # the wrapper's argument name; differs from python_name only to avoid a clash
    model_class: str | None = None  # a model argument, which also accepts a plain dict
    variant_classes: tuple[str, ...] = ()  # a union-of-models argument, which also accepts a dict
    binary_variant: bool = False  # a body of several content types, one of them binary
    has_files: bool = False  # uploads inside a list or a union (list[File], File | list[File])
    # How the CLI reads it: string, integer, number, boolean, choice, list (of cli_item), json, file.
    cli_kind: str = "json"
    cli_item: str = "string"
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.arg_name:
            object.__setattr__(self, "arg_name", self.python_name)

    @property
    def renamed_on_the_wire(self) -> bool:
        return self.wire_name.raw != self.python_name

    @property
    def cli_name(self) -> str:
        return kebab(self.arg_name.rstrip("_"))

    @property
    def cli_help(self) -> SpecText:
        if self.description:
            return self.description
        if self.cli_kind == "json":
            return SpecText(f"JSON value, or @file.json, for {self.wire_name.raw}")
        return SpecText(f"{self.location} parameter {self.wire_name.raw}")

    @property
    def cli_keyword(self) -> bool:
        """Whether the CLI passes it to the client method (else as raw JSON via extra_body)."""
        return (
            self.required
            or self.cli_kind != "json"
            or self.model_class is not None
            or self.annotation.split(" |")[0] == "Any"
        )

    @property
    def value_expr(self) -> str:
        """The expression that passes this argument on to the low-level layer."""
        if self.model_class is not None:
            convert = "as_model" if self.required else "as_optional_model"
            return f"{convert}({self.model_class}, {self.arg_name})"
        if self.has_files:
            return f"uploads({self.arg_name}, field={self.arg_name!r}, limit={self.max_bytes!r})"
        if self.binary_variant or (
            self.variant_classes and self.location == "body" and self.python_name == "body"
        ):
            return f"as_body({_tuple_display(self.variant_classes)}, {self.arg_name}, binary={self.binary_variant})"
        if self.variant_classes:
            return f"as_variant({_tuple_display(self.variant_classes)}, {self.arg_name})"
        if not self.is_file:
            return self.arg_name
        convert = f"to_file({self.arg_name}, field={self.arg_name!r}, limit={self.max_bytes!r})"
        if self.required:
            return convert
        return f"UNSET if isinstance({self.arg_name}, Unset) else {convert}"

    @property
    def signature_default(self) -> str | None:
        if self.default is not None:
            return self.default
        return None if self.required else "UNSET"


def _tuple_display(names: tuple[str, ...]) -> str:
    """A tuple of names without a trailing comma (ruff would split it one per line), except the
    one a one-element tuple needs."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"  # () when empty


@dataclass(frozen=True)
class Body:
    content_type: str
    kind: Literal["json", "multipart", "form", "binary"]
    annotation: str  # the low-level `body` argument's type
    required: bool
    # Flattened: one keyword argument per property, and the model classes to build the body from.
    fields: tuple[Field, ...] = ()
    variants: tuple[str, ...] = ()  # body model class names (one, or several for a union)
    variant_fields: tuple[tuple[str, ...], ...] = ()  # python names of each variant's properties
    imports: frozenset[str] = frozenset()

    @property
    def flattened(self) -> bool:
        return bool(self.variants)


@dataclass(frozen=True)
class Result:
    kind: ResultKind
    annotation: str  # the method's return type
    parser: str  # Python expression building the runtime parser (chaser_core._parsing)
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

    @property
    def describe(self) -> str:
        if self.success:
            return " or ".join(_identifier_text(s) for s in self.success)
        return "no longer " + " or ".join(_identifier_text(s) for s in self.pending)

    @property
    def describe_failure(self) -> str:
        return " or ".join(_identifier_text(s) for s in self.failure) or "a failure state"


# The commands x-mcp-bridge adds to the operation's command group (`chaser-core mcp serve`).
MCP_BRIDGE_COMMANDS = ("serve", "install", "doctor")


@dataclass(frozen=True)
class McpBridge:
    """x-mcp-bridge: a JSON-RPC MCP endpoint that a local stdio bridge relays agents to."""

    methods: tuple[SpecText, ...]  # the JSON-RPC methods the spec documents for `method`
    # Those the bridge may resend after a failure that may have reached the API.
    retry_safe: tuple[SpecText, ...]
    auth_scheme: SpecText  # the http bearer security scheme the SDK's API key satisfies


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
    raw_schema: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    idempotency_key: IdempotencyKey | None = None  # x-idempotency-key: filled per call, makes retries safe

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
    def const(self) -> str:
        """Module-level constant prefix for this operation's parser, pagination and waiters."""
        return "_" + "_".join((*self.resource_path, self.name)).upper()

    @property
    def ll_alias(self) -> str:
        return "_" + "_".join((*self.resource_path, self.name)) + "_api"

    @property
    def path_text(self) -> SpecText:
        return SpecText(self.path)

    @property
    def returns_text(self) -> str:
        kind = self.result.kind
        if kind == "none":
            return "None."
        if kind == "bytes":
            return "The body as bytes (see also " + self.name + "_to_file)."
        if kind == "text":
            return "The body as text."
        return f"{self.result.annotation}."

    @property
    def cli_name(self) -> str:
        return kebab(self.name)

    @property
    def cli_options(self) -> list[tuple[Field, str]]:
        """(field, option name) of every keyword field; names the command uses itself get a prefix."""
        reserved = {"format", "help"}
        reserved |= {"data"} if self.body else set()
        reserved |= {"all"} if self.pagination else set()
        reserved |= {"wait", "wait-timeout", "wait-interval"} if self.waiters else set()
        reserved |= {"output"} if self.is_binary else set()
        options = []
        for f in self.keyword_fields:
            name = f.cli_name
            if name in reserved:
                name = f"{f.location}-{name}"
            options.append((f, name))
        return options

    @property
    def cli_function(self) -> str:
        return f"_cmd{self.const.lower()}"

    @property
    def cli_short_help(self) -> SpecText:
        return self.summary or SpecText(f"{self.method.upper()} {self.path}")

    @property
    def cli_help(self) -> SpecText:
        parts = [p.raw for p in (self.summary, self.description) if p]
        return SpecText("\n\n".join(parts) or self.method.upper())

    @property
    def http_line(self) -> SpecText:
        return SpecText(f"{self.method.upper()} {self.path}")

    @property
    def passthrough_body(self) -> bool:
        return self.body is not None and not self.body.flattened

    @property
    def python_example(self) -> SpecText:
        return SpecText(self._python_example())

    @property
    def cli_example(self) -> SpecText:
        return SpecText(self._cli_example())

    @property
    def doc_return(self) -> str:
        if self.pagination:
            return f"SyncPage[{self.pagination.item_annotation}, {self.pagination.page_annotation}]"
        if self.is_streaming:
            return "Stream[ServerSentEvent]"
        return self.result.annotation

    def _python_example(self) -> str:
        """A call as a user writes it: path arguments, then the required keyword arguments."""
        args = [f'"{f.arg_name}_value"' for f in self.path_params]
        args += [
            f"{f.arg_name}={_example_literal(f)}"
            for f in self.keyword_fields
            if f.required and f.default is None
        ]
        call = f"client.{'.'.join(self.resource_path)}.{self.name}({', '.join(args)})"
        if self.pagination:
            return f"for item in {call}:\n    print(item)"
        if self.is_streaming:
            return f"with {call} as events:\n    for event in events:\n        print(event.event, event.data)"
        if self.result.kind == "none":
            return call
        return f"result = {call}"

    def _cli_example(self) -> str:
        words = ["chaser-core", *(kebab(segment) for segment in self.resource_path), self.cli_name]
        words += [f.arg_name.rstrip("_").upper() for f in self.path_params]
        for f, option in self.cli_options:
            if f.required and f.default is None:
                value = "@./local-file" if f.is_file else _shell_quote(_example_text(f))
                words.append(f"--{option} {value}")
        if self.pagination:
            words.append("--all")
        if self.is_binary:
            words.append("-o out.bin")
        return " ".join(words)

    @property
    def cli_path(self) -> tuple[str, ...]:
        """The command group of the operation: `chaser-core <cli_path...> <cli_name>`."""
        return tuple(kebab(segment) for segment in self.resource_path)

    @property
    def waiter_subject(self) -> str:
        return ", ".join("{" + f.arg_name + "!r}" for f in self.path_params)


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
        return pascal(list(self.path)) + self.class_suffix

    @property
    def module(self) -> str:
        return self.path[0]

    @property
    def cli_name(self) -> str:
        return kebab(self.attr)

    @property
    def docstring(self) -> str:
        names = ", ".join(op.name for op in self.operations) or "no operations of its own"
        return f"client.{'.'.join(self.path)}: {names}."

    @property
    def cli_help(self) -> str:
        commands = [op.cli_name for op in self.operations] + [child.cli_name for child in self.children]
        if any(op.mcp_bridge for op in self.operations):
            commands += MCP_BRIDGE_COMMANDS
        return "Commands: " + ", ".join(commands) + "."

    @property
    def cli_function(self) -> str:
        return "_group_" + "_".join(self.path)

    @property
    def anchor(self) -> str:
        return "client" + "".join(self.path)

    @property
    def parent_cli_function(self) -> str:
        return "_group_" + "_".join(self.path[:-1])

    @property
    def member_names(self) -> set[str]:
        names = {op.name for op in self.operations}
        names |= {child.attr for child in self.children}
        names |= {w.name for op in self.operations for w in op.waiters}
        names |= {f"{op.name}_url" for op in self.operations if op.is_streaming}
        names |= {f"{op.name}_to_file" for op in self.operations if op.is_binary}
        names |= set(self.helper_methods)
        return names

    @property
    def shadowed(self) -> frozenset[str]:
        return shadowed_builtins(self.member_names)

    def annotate(self, annotation: str) -> str:
        """An annotation as written inside this resource's class body."""
        return qualify_builtins(annotation, self.shadowed)

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
    document: dict[str, Any] = field(repr=False)
    # openapi-python-client's parse, rendered as the low-level layer (set by the pipeline).
    low_level_data: Any = field(default=None, repr=False)

    def all_resources(self) -> list[Resource]:
        return [r for top in self.resources for r in top.walk()]

    @property
    def low_level_package(self) -> str:
        return f"{self.package}.{LOW_LEVEL_PACKAGE}"


# --------------------------------------------------------------------------------------------
# Building the model
# --------------------------------------------------------------------------------------------


def iter_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append((path, method, operation))
    return found


def operation_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


class _Builder:
    def __init__(self, document: dict[str, Any], data: GeneratorData, package: str, source: str) -> None:
        self.document = document
        self.data = data
        self.package = package
        self.source = source
        self.low_level = f"{package}.{LOW_LEVEL_PACKAGE}"
        # The processed models (with their properties filled in); a model reached through a union
        # or a reference may be an unprocessed copy, so look models up here by class name.
        self.models: dict[str, ModelProperty] = {m.class_info.name: m for m in data.models}
        self.endpoints: dict[tuple[str, str], tuple[str, Endpoint]] = {}
        for tag, collection in data.endpoint_collections_by_tag.items():
            for endpoint in collection.endpoints:
                path = endpoint.path.get_untrusted_value()
                wire_names = tuple(_text(p.name) for p in endpoint.path_parameters)
                self.endpoints[(endpoint.method.lower(), _path_shape(path, wire_names))] = (
                    str(tag),
                    endpoint,
                )

    def model(self, prop: ModelProperty) -> ModelProperty:
        return self.models.get(prop.class_info.name, prop)

    def error(self, message: str, *pointer: str | int, hint: str | None = None) -> PipelineError:
        return PipelineError("model", message, location=f"{self.source} {json_pointer(*pointer)}", hint=hint)

    # -- imports and annotations ----------------------------------------------------------------

    def imports_of(self, prop: PropertyProtocol) -> frozenset[str]:
        prefix = f"{self.low_level}."
        lines = set(prop.get_imports(prefix=prefix))
        lazy = getattr(prop, "get_lazy_imports", None)
        if lazy is not None:
            lines |= set(lazy(prefix=prefix))
        return frozenset(lines)

    def annotation_of(self, prop: PropertyProtocol, *, no_optional: bool = False) -> str:
        return prop.get_type_string(no_optional=no_optional).as_unembedded_code()

    # -- parsers --------------------------------------------------------------------------------

    def parser_of(self, prop: PropertyProtocol, pointer: tuple[str | int, ...]) -> str:
        """A Python expression for the runtime parser of a JSON value of this property's type."""
        if isinstance(prop, ModelProperty):
            return f"_p.model({prop.class_info.name})"
        if isinstance(prop, EnumProperty):
            return f"_p.enum({prop.class_info.name})"
        if isinstance(prop, ListProperty):
            return f"_p.list_of({self.parser_of(prop.inner_property, pointer)})"
        if isinstance(prop, UnionProperty):
            inner = ", ".join(self.parser_of(p, pointer) for p in prop.inner_properties)
            return f"_p.one_of({inner})"
        if isinstance(prop, LiteralEnumProperty):
            return "_p.any_()"
        if isinstance(prop, NoneProperty):
            return "_p.null()"
        if isinstance(prop, DateTimeProperty):
            return "_p.datetime_()"
        if isinstance(prop, DateProperty):
            return "_p.date_()"
        if isinstance(prop, UuidProperty):
            return "_p.uuid_()"
        if isinstance(prop, BooleanProperty):
            return "_p.scalar(bool)"
        if isinstance(prop, IntProperty):
            return "_p.scalar(int)"
        if isinstance(prop, FloatProperty):
            return "_p.scalar(float)"
        if isinstance(prop, StringProperty):
            return "_p.scalar(str)"
        if isinstance(prop, AnyProperty | ConstProperty):
            return "_p.any_()"
        raise self.error(f"no runtime parser for a {type(prop).__name__} response", *pointer)

    # -- fields ---------------------------------------------------------------------------------

    def field_from(
        self,
        prop: PropertyProtocol,
        location: FieldLocation,
        schema: dict[str, Any],
        *,
        description: Any = None,
        deprecated: bool = False,
    ) -> Field:
        value = getattr(prop, "default", None)
        if value is None and isinstance(prop, ConstProperty):
            value = prop.value  # a const has one possible value: make it the default
        # openapi-python-client has already turned the spec's default into safe Python code.
        default = value.python_code.as_unembedded_code() if value is not None else None
        is_file = isinstance(prop, FileProperty)
        annotation = self.annotation_of(prop)
        has_files = not is_file and _holds_files(prop)
        if is_file:
            # Uploads accept bytes, text, a path or a file object (chaser_core._files.FileInput).
            annotation = "FileInput" if prop.required else "FileInput | Unset"
        elif has_files:
            # Several uploads (list[File]) or one or several (File | list[File]): the same inputs.
            annotation = re.sub(r"\bFile\b", "FileInput", annotation)
        imports = self.imports_of(prop)
        model_class = None
        if isinstance(prop, ModelProperty) and location == "body":
            # A nested object argument: the model, or the same object as a plain dict.
            model_class = prop.class_info.name
            annotation = f"{model_class} | Mapping[str, Any]" + ("" if prop.required else " | Unset")
            imports = imports | {"from collections.abc import Mapping", "from typing import Any"}
        max_bytes = schema.get("x-max-bytes") if isinstance(schema, dict) else None
        cli_kind, cli_item, choices = _cli_shape(prop)
        return Field(
            wire_name=SpecText(
                prop.name.get_untrusted_value()
                if hasattr(prop.name, "get_untrusted_value")
                else str(prop.name)
            ),
            python_name=str(prop.python_name),
            location=location,
            annotation=annotation,
            required=bool(prop.required),
            default=default,
            description=spec_text(
                description if description is not None else _text(getattr(prop, "description", None))
            ),
            schema=schema if isinstance(schema, dict) else {},
            imports=imports,
            is_file=is_file,
            has_files=has_files,
            max_bytes=max_bytes if isinstance(max_bytes, int) and not isinstance(max_bytes, bool) else None,
            deprecated=deprecated,
            model_class=model_class,
            cli_kind=cli_kind,
            cli_item=cli_item,
            choices=choices,
        )

    def parameter_fields(
        self, props: list[Any], location: FieldLocation, operation: dict[str, Any], path_item: dict[str, Any]
    ) -> tuple[Field, ...]:
        declared = {}
        for raw in list(path_item.get("parameters") or []) + list(operation.get("parameters") or []):
            resolved = self.resolve(raw)
            if isinstance(resolved, dict) and resolved.get("in") == location:
                declared[resolved.get("name")] = resolved
        fields = []
        for prop in props:
            wire = (
                prop.name.get_untrusted_value()
                if hasattr(prop.name, "get_untrusted_value")
                else str(prop.name)
            )
            raw = declared.get(wire, {})
            fields.append(
                self.field_from(
                    prop,
                    location,
                    self.resolve(raw.get("schema") or {}),
                    description=raw.get("description"),
                    deprecated=bool(raw.get("deprecated")),
                )
            )
        return tuple(fields)

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """Follow local $refs (a bounded number of hops: cycles were rejected by validation)."""
        while isinstance(value, dict) and isinstance(value.get("$ref"), str) and depth < 32:
            ref = value["$ref"]
            if not ref.startswith("#/"):
                return value
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    return value
                target = target[part]
            value = target
            depth += 1
        return value

    # -- bodies ---------------------------------------------------------------------------------

    def body_of(
        self, endpoint: Endpoint, operation: dict[str, Any], pointer: tuple[str, ...], taken: set[str]
    ) -> Body | None:
        if not endpoint.bodies:
            return None
        if len(endpoint.bodies) > 1:
            # Several content types: pass the body through as the low-level union.
            annotation = " | ".join(self.annotation_of(b.prop, no_optional=True) for b in endpoint.bodies)
            required = all(b.prop.required for b in endpoint.bodies)
            return Body(
                content_type=_text(endpoint.bodies[0].content_type),
                kind=_body_kind(endpoint.bodies[0].body_type.value),
                annotation=annotation,
                required=required,
                fields=(self._passthrough_body_field(endpoint, annotation, required),),
            )
        body = endpoint.bodies[0]
        content_type = _text(body.content_type)
        kind = _body_kind(body.body_type.value)
        prop = body.prop
        annotation = self.annotation_of(prop, no_optional=True)
        request_body = self.resolve(operation.get("requestBody") or {})
        media = (request_body.get("content") or {}).get(content_type) or {}
        schema = self.resolve(media.get("schema") or {})

        variants: list[ModelProperty] = []
        if isinstance(prop, ModelProperty):
            variants = [self.model(prop)]
        elif isinstance(prop, UnionProperty) and all(
            isinstance(p, ModelProperty) for p in prop.inner_properties
        ):
            variants = [self.model(p) for p in prop.inner_properties if isinstance(p, ModelProperty)]

        flattened = (
            self._flatten(variants, schema, taken)
            if variants and kind in ("json", "multipart", "form")
            else None
        )
        if flattened is None:
            return Body(
                content_type=content_type,
                kind=kind,
                annotation=annotation,
                required=bool(prop.required),
                fields=(self._passthrough_body_field(endpoint, annotation, bool(prop.required)),),
            )
        fields, variant_fields = flattened
        return Body(
            content_type=content_type,
            kind=kind,
            annotation=annotation,
            required=bool(prop.required),
            fields=fields,
            variants=tuple(v.class_info.name for v in variants),
            variant_fields=variant_fields,
            imports=self.imports_of(prop),
        )

    def _passthrough_body_field(self, endpoint: Endpoint, annotation: str, required: bool) -> Field:
        imports: set[str] = set()
        for b in endpoint.bodies:
            imports |= self.imports_of(b.prop)
        props = [b.prop for b in endpoint.bodies]
        is_file = len(props) == 1 and isinstance(props[0], FileProperty)
        model_class = None
        variant_classes: tuple[str, ...] = ()
        binary_variant = False
        if is_file:
            # A raw binary body: bytes, text, a path or a file object, like any upload.
            annotation = "FileInput"
        elif len(props) == 1 and isinstance(props[0], ModelProperty):
            model_class = props[0].class_info.name
            annotation = f"{annotation} | Mapping[str, Any]"
        elif (
            len(props) == 1
            and isinstance(props[0], UnionProperty)
            and all(isinstance(p, ModelProperty) for p in props[0].inner_properties)
        ):
            # Its properties could not be flattened (a name clashes with a parameter): take the
            # union, or a plain dict that the first matching variant reads.
            variant_classes = tuple(
                p.class_info.name for p in props[0].inner_properties if isinstance(p, ModelProperty)
            )
            annotation = f"{annotation} | Mapping[str, Any]"
        elif len(props) > 1:
            # Several content types: a model of one of them, a dict the first model that takes it
            # reads, or the bytes of the binary one.
            variant_classes = tuple(p.class_info.name for p in props if isinstance(p, ModelProperty))
            binary_variant = any(isinstance(p, FileProperty) for p in props)
            annotation = " | ".join(
                [self.annotation_of(p, no_optional=True) for p in props if not isinstance(p, FileProperty)]
                + (["Mapping[str, Any]"] if variant_classes else [])
                + (["FileInput"] if binary_variant else [])
            )
        if model_class or variant_classes:
            imports |= {"from collections.abc import Mapping", "from typing import Any"}
        return Field(
            wire_name=SpecText("body"),
            python_name="body",
            location="body",
            annotation=annotation if required else f"{annotation} | Unset",
            required=required,
            default=None,
            description=SpecText("The request body."),
            schema={},
            imports=frozenset(imports),
            is_file=is_file,
            cli_kind="file" if is_file else "json",
            model_class=model_class,
            variant_classes=variant_classes,
            binary_variant=binary_variant,
        )

    def _flatten(
        self, variants: list[ModelProperty], schema: dict[str, Any], taken: set[str]
    ) -> tuple[tuple[Field, ...], tuple[tuple[str, ...], ...]] | None:
        """One keyword argument per body property, or None when the properties do not fit.

        Properties of union variants merge by name; a name with different types in two
        variants, or one that collides with a parameter, keeps the body as a single argument.
        """
        by_name: dict[str, Field] = {}
        variant_fields = []
        schemas = _variant_schemas(schema, self.resolve)
        for index, variant in enumerate(variants):
            required_names = {str(p.python_name) for p in variant.required_properties or []}
            names = []
            variant_schema = schemas[index] if index < len(schemas) else {}
            for prop in list(variant.required_properties or []) + list(variant.optional_properties or []):
                name = str(prop.python_name)
                wire = (
                    prop.name.get_untrusted_value()
                    if hasattr(prop.name, "get_untrusted_value")
                    else str(prop.name)
                )
                prop_schema = self.resolve((variant_schema.get("properties") or {}).get(wire, {}))
                candidate = self.field_from(
                    prop,
                    "body",
                    prop_schema,
                    deprecated=bool(isinstance(prop_schema, dict) and prop_schema.get("deprecated")),
                )
                if len(variants) > 1 and name in required_names:
                    # Required in one variant only: optional in the merged signature.
                    candidate = _as_optional(candidate)
                names.append(name)
                existing = by_name.get(name)
                if existing is None:
                    by_name[name] = candidate
                elif existing.annotation.replace(" | Unset", "") != candidate.annotation.replace(
                    " | Unset", ""
                ):
                    return None
            variant_fields.append(tuple(names))
        if set(by_name) & taken or set(by_name) & {
            "self",
            "extra_headers",
            "extra_query",
            "extra_body",
            "timeout",
        }:
            return None
        return tuple(by_name.values()), tuple(variant_fields)

    # -- results --------------------------------------------------------------------------------

    def result_of(self, endpoint: Endpoint, operation: dict[str, Any], pointer: tuple[str, ...]) -> Result:
        responses = operation.get("responses") or {}
        success = [r for r in endpoint.responses.patterns if _is_success(r.status_code)]
        chosen = None
        raw_response: Any = None
        if success:
            chosen = success[0]
            raw_response = _raw_response_for(responses, chosen.status_code)
        elif endpoint.responses.default is not None:
            chosen = endpoint.responses.default
            raw_response = responses.get("default")
        raw_response = self.resolve(raw_response or {})
        content = raw_response.get("content") or {}
        content_type = next(iter(content), None)
        if chosen is None or content_type is None:
            return Result("none", "None", "_p.none_()", frozenset(), None, None)
        prop = chosen.prop
        media = content_type.split(";")[0].strip().lower()
        if media == "text/event-stream":
            return Result("sse", "ServerSentEvent", "_p.none_()", frozenset(), content_type, None)
        if isinstance(prop, FileProperty) or (not _is_json(media) and not media.startswith("text/")):
            return Result("bytes", "bytes", "_p.bytes_()", frozenset(), content_type, None)
        if not _is_json(media):
            return Result("text", "str", "_p.text()", frozenset(), content_type, None)

        unwrap = operation.get("x-unwrap")
        if unwrap is not None:
            return self._unwrapped(prop, unwrap, content_type, pointer)
        annotation = self.annotation_of(prop, no_optional=True)
        if isinstance(prop, AnyProperty):
            annotation = "Any"
        parser = self.parser_of(prop, pointer)
        return Result(
            "json",
            annotation,
            parser,
            self.imports_of(prop) | {"from typing import Any"},
            content_type,
            prop.class_info.name if isinstance(prop, ModelProperty) else None,
            precise=_is_precise(parser),
        )

    def _unwrapped(self, prop: Any, unwrap: Any, content_type: str, pointer: tuple[str, ...]) -> Result:
        if not isinstance(prop, ModelProperty) or not isinstance(unwrap, str):
            raise self.error("x-unwrap needs an object response and a property name", *pointer, "x-unwrap")
        prop = self.model(prop)
        for inner in prop.required_properties or []:
            wire = (
                inner.name.get_untrusted_value()
                if hasattr(inner.name, "get_untrusted_value")
                else str(inner.name)
            )
            if wire == unwrap:
                annotation = self.annotation_of(inner, no_optional=True)
                inner_parser = self.parser_of(prop, pointer)
                parser = f"_p.field({inner_parser}, lambda body: body.{inner.python_name})"
                return Result(
                    "json",
                    annotation,
                    parser,
                    self.imports_of(inner) | self.imports_of(prop),
                    content_type,
                    None,
                    unwrap=str(inner.python_name),
                    precise=_is_precise(inner_parser) and _is_precise_type(inner),
                )
        raise self.error(
            f"x-unwrap names {unwrap!r}, which is not a required property of the response",
            *pointer,
            "x-unwrap",
            hint="the response shape changed upstream: update or remove the x-unwrap action in spec/overlay.yaml",
        )

    # -- pagination and waiters -----------------------------------------------------------------

    def pagination_of(
        self,
        operation: dict[str, Any],
        endpoint: Endpoint,
        result: Result,
        query: tuple[Field, ...],
        pointer: tuple[str, ...],
    ) -> Pagination | None:
        spec = operation.get("x-pagination")
        if spec is None:
            return None
        where = (*pointer, "x-pagination")
        if not isinstance(spec, dict) or spec.get("style") not in ("offset", "cursor"):
            raise self.error("x-pagination needs style: offset or cursor", *where)
        if result.model_class is None or result.unwrap:
            raise self.error("a paginated operation must return an object (its page)", *where)
        found = _success_model(endpoint)
        if found is None:
            raise self.error("a paginated operation must return an object (its page)", *where)
        page = self.model(found)
        props = {
            (p.name.get_untrusted_value() if hasattr(p.name, "get_untrusted_value") else str(p.name)): p
            for p in (page.required_properties or []) + (page.optional_properties or [])
        }
        items_name = str(spec.get("items"))
        items = props.get(items_name)
        if not isinstance(items, ListProperty):
            raise self.error(
                f"x-pagination items {items_name!r} is not an array property of {page.class_info.name}",
                *where,
                hint="the page shape changed upstream: update the x-pagination action in spec/overlay.yaml",
            )
        query_wire = {f.wire_name.raw: f for f in query}

        def param(key: str) -> str | None:
            name = spec.get(key)
            if name is None:
                return None
            if name not in query_wire:
                raise self.error(
                    f"x-pagination {key} {name!r} is not a query parameter of the operation", *where
                )
            return str(name)

        def attr(key: str) -> str | None:
            name = spec.get(key)
            if name is None:
                return None
            if name not in props:
                raise self.error(
                    f"x-pagination {key} {name!r} is not a property of {page.class_info.name}", *where
                )
            return str(props[name].python_name)

        cursor_attr = None
        if spec["style"] == "cursor":
            inner = items.inner_property
            if isinstance(inner, ModelProperty):
                inner = self.model(inner)
            cursor_field = spec.get("cursor_field")
            inner_props = (
                {
                    (
                        p.name.get_untrusted_value()
                        if hasattr(p.name, "get_untrusted_value")
                        else str(p.name)
                    ): p
                    for p in ((inner.required_properties or []) + (inner.optional_properties or []))
                }
                if isinstance(inner, ModelProperty)
                else {}
            )
            if cursor_field not in inner_props:
                raise self.error(
                    f"x-pagination cursor_field {cursor_field!r} is not a property of the items", *where
                )
            cursor_attr = str(inner_props[cursor_field].python_name)
        return Pagination(
            imports=self.imports_of(items.inner_property),
            style=spec["style"],
            items_attr=str(items.python_name),
            item_annotation=self.annotation_of(items.inner_property, no_optional=True),
            page_annotation=result.annotation,
            limit_param=param("limit_param"),
            offset_param=param("offset_param") if spec["style"] == "offset" else None,
            cursor_param=param("cursor_param") if spec["style"] == "cursor" else None,
            cursor_attr=cursor_attr,
            total_attr=attr("total"),
            has_more_attr=attr("has_more"),
        )

    def waiters_of(
        self, operation: dict[str, Any], endpoint: Endpoint, resource: str, pointer: tuple[str, ...]
    ) -> tuple[Waiter, ...]:
        specs = operation.get("x-waiters")
        if specs is None:
            return ()
        waiters = []
        for index, spec in enumerate(specs if isinstance(specs, list) else [specs]):
            where: tuple[str | int, ...] = (*pointer, "x-waiters", index)
            name = spec.get("name") if isinstance(spec, dict) else None
            if not isinstance(name, str) or not is_safe_identifier(name):
                raise self.error("a waiter needs a name that is a Python identifier", *where)
            label = f"waiter {resource}.{name}"
            found = _success_model(endpoint)
            if found is None:
                raise self.error(f"{label} polls an operation that no longer returns an object", *where)
            model = self.model(found)
            props = {
                (p.name.get_untrusted_value() if hasattr(p.name, "get_untrusted_value") else str(p.name)): p
                for p in (model.required_properties or []) + (model.optional_properties or [])
            }
            field_name = spec.get("field")
            prop = props.get(field_name)
            if prop is None:
                raise self.error(
                    f"{label} relies on the field {field_name!r}, which {model.class_info.name} no longer has",
                    *where,
                    hint="upstream renamed or removed the status field: update the waiter in spec/overlay.yaml",
                )
            states = {
                key: tuple(str(v) for v in spec.get(key) or ()) for key in ("success", "failure", "pending")
            }
            if not states["success"] and not states["pending"]:
                raise self.error(f"{label} needs success or pending states", *where)
            enum_values = _enum_values(prop)
            if enum_values is not None:
                unknown = [v for values in states.values() for v in values if v not in enum_values]
                if unknown:
                    raise self.error(
                        f"{label} waits on states the {field_name!r} enum no longer has: {', '.join(unknown)}",
                        *where,
                    )
            waiters.append(
                Waiter(name, str(prop.python_name), states["success"], states["failure"], states["pending"])
            )
        return tuple(waiters)

    # -- the MCP bridge -------------------------------------------------------------------------

    def mcp_bridge_of(
        self, operation: dict[str, Any], method: str, pointer: tuple[str, ...]
    ) -> McpBridge | None:
        spec = operation.get("x-mcp-bridge")
        if spec is None:
            return None
        where = (*pointer, "x-mcp-bridge")
        retry_safe = spec.get("retry-safe", []) if isinstance(spec, dict) else None
        if not isinstance(retry_safe, list) or not all(isinstance(m, str) for m in retry_safe):
            raise self.error("x-mcp-bridge needs retry-safe: a list of JSON-RPC method names", *where)
        if method != "post":
            raise self.error("an MCP endpoint takes JSON-RPC messages by POST (Streamable HTTP)", *where)
        body = self.resolve(operation.get("requestBody") or {})
        schema = self.resolve(((body.get("content") or {}).get("application/json") or {}).get("schema") or {})
        method_schema = self.resolve((schema.get("properties") or {}).get("method"))
        if not isinstance(method_schema, dict):
            raise self.error(
                "x-mcp-bridge marks an operation whose JSON body has no `method`: not a JSON-RPC endpoint",
                *where,
                hint="the request body changed upstream: update or remove the x-mcp-bridge action in spec/overlay.yaml",
            )
        documented = method_schema.get("x-documented-values") or method_schema.get("enum") or []
        methods = [str(m) for m in documented if isinstance(m, str)]
        unknown = [m for m in retry_safe if m not in methods]
        if unknown:
            raise self.error(
                f"x-mcp-bridge resends {', '.join(unknown)}, which the operation no longer documents",
                *where,
                hint="upstream dropped a JSON-RPC method: update retry-safe in spec/overlay.yaml",
            )
        scheme = self._bearer_scheme(operation)
        if scheme is None:
            raise self.error(
                "the MCP bridge sends the SDK's API key as a bearer token, but the operation's security "
                "has no http bearer scheme",
                *where,
            )
        return McpBridge(
            methods=tuple(SpecText(m) for m in methods),
            retry_safe=tuple(SpecText(m) for m in retry_safe),
            auth_scheme=SpecText(scheme),
        )

    def _bearer_scheme(self, operation: dict[str, Any]) -> str | None:
        requirements = operation.get("security", self.document.get("security")) or []
        schemes = (self.document.get("components") or {}).get("securitySchemes") or {}
        for requirement in requirements if isinstance(requirements, list) else []:
            for name in requirement if isinstance(requirement, dict) else {}:
                scheme = self.resolve(schemes.get(name))
                if (
                    isinstance(scheme, dict)
                    and scheme.get("type") == "http"
                    and str(scheme.get("scheme", "")).lower() == "bearer"
                ):
                    return str(name)
        return None

    # -- operations -----------------------------------------------------------------------------

    def operation(self, path: str, method: str, operation: dict[str, Any]) -> Operation:
        pointer = ("paths", path, method)
        placeholders = tuple(dict.fromkeys(re.findall(r"{([^}]*)}", path)))  # a repeat is one parameter
        found = self.endpoints.get((method, _path_shape(path, placeholders)))
        if found is None:
            raise self.error(
                f"openapi-python-client produced no endpoint for {operation_key(method, path)}",
                *pointer,
                hint="list the operation in spec/exclusions.yaml with a reason, or fix it with the overlay",
            )
        tag, endpoint = found
        tags = operation.get("tags") or [DEFAULT_RESOURCE]
        resource_path = []
        for segment in str(tags[0]).split("."):
            name = ascii_identifier(segment, prefix="r")
            if name is None or name in RESERVED_MEMBER_NAMES:
                raise self.error(f"the tag {tags[0]!r} gives no usable resource name", *pointer, "tags")
            resource_path.append(name)
        raw_name = operation.get("x-sdk-name") or str(endpoint.name)
        name = ascii_identifier(str(raw_name), prefix="op")
        if name is None or name.startswith("_") or name in RESERVED_MEMBER_NAMES:
            raise self.error(f"{raw_name!r} is not usable as a method name", *pointer, "x-sdk-name")
        path_item = self.document["paths"][path]
        path_params = self.parameter_fields(endpoint.path_parameters, "path", operation, path_item)
        query_params = self.parameter_fields(endpoint.query_parameters, "query", operation, path_item)
        header_params = self.parameter_fields(endpoint.header_parameters, "header", operation, path_item)
        cookie_params = self.parameter_fields(endpoint.cookie_parameters, "cookie", operation, path_item)
        taken = {f.python_name for f in path_params + query_params + header_params + cookie_params}
        body = self.body_of(endpoint, operation, pointer, taken)
        path_params, query_params, header_params, cookie_params = (
            _renamed(fields) for fields in (path_params, query_params, header_params, cookie_params)
        )
        if body is not None and body.flattened:
            body = replace(body, fields=_renamed(body.fields))
        result = self.result_of(endpoint, operation, pointer)
        key = idempotency_key_of(operation, body, header_params, self.error, pointer)
        idempotent = method in IDEMPOTENT_METHODS or operation.get("x-idempotent") is True or key is not None
        return Operation(
            key=operation_key(method, path),
            operation_id=str(endpoint.name),
            method=method,
            path=path,
            resource_path=tuple(resource_path),
            name=name,
            summary=spec_text(operation.get("summary")),
            description=spec_text(operation.get("description")),
            deprecated=bool(operation.get("deprecated")),
            path_params=path_params,
            query_params=query_params,
            header_params=header_params,
            cookie_params=cookie_params,
            body=body,
            result=result,
            idempotent=idempotent,
            low_level_module=f"{tag}.{endpoint.name}",
            pointer=json_pointer(*pointer),
            pagination=self.pagination_of(operation, endpoint, result, query_params, pointer),
            waiters=self.waiters_of(operation, endpoint, ".".join(resource_path), pointer),
            mcp_bridge=self.mcp_bridge_of(operation, method, pointer),
            raw_schema=operation,
            idempotency_key=key,
        )


def build_api(
    document: dict[str, Any],
    data: GeneratorData,
    *,
    package: str,
    source: str,
    exclusions: list[Exclusion],
    helpers_module: Path | None,
) -> Api:
    builder = _Builder(document, data, package, source)
    operations = [builder.operation(path, method, op) for path, method, op in iter_operations(document)]
    resources = _group(operations, source)
    _avoid_model_names(resources, data)
    helpers = _read_helpers(helpers_module) if helpers_module else {}
    _attach_helpers(document.get("x-sdk-helpers"), resources, helpers, source)
    _check_member_collisions(resources, source)
    _check_mcp_bridges(operations, resources, source)
    info = document.get("info") or {}
    servers = document.get("servers") or []
    base_url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")):
        base_url = "http://localhost"
    return Api(
        title=SpecText(str(info.get("title") or "API")),
        version=SpecText(str(info.get("version") or "0")),
        description=spec_text(info.get("description")),
        base_url=base_url,
        base_url_text=SpecText(base_url),
        package=package,
        operations=operations,
        resources=resources,
        exclusions=exclusions,
        document=document,
    )


def _group(operations: list[Operation], source: str) -> list[Resource]:
    by_path: dict[tuple[str, ...], Resource] = {}
    top: list[Resource] = []

    def resource(path: tuple[str, ...]) -> Resource:
        if path in by_path:
            return by_path[path]
        node = Resource(path)
        by_path[path] = node
        if len(path) == 1:
            top.append(node)
        else:
            resource(path[:-1]).children.append(node)
        return node

    seen: dict[str, Operation] = {}
    for op in operations:
        qualified = op.qualified_name
        if qualified in seen:
            raise PipelineError(
                "model",
                f"{seen[qualified].key} and {op.key} are both named {qualified}",
                location=f"{source} {op.pointer}",
                hint="give one of them another x-sdk-name in spec/overlay.yaml",
            )
        seen[qualified] = op
        resource(op.resource_path).operations.append(op)
    return top


def _avoid_model_names(resources: list[Resource], data: GeneratorData) -> None:
    """Resource classes must not share a name with a model the resource module imports."""
    models = {str(m.class_info.name) for m in data.models} | {str(e.class_info.name) for e in data.enums}
    for resource in (r for top in resources for r in top.walk()):
        for suffix in ("Resource", "API", "Operations"):
            resource.class_suffix = suffix
            base = resource.class_name
            if not {base, f"Async{base}", f"{base}WithRawResponse", f"Async{base}WithRawResponse"} & models:
                break


def _check_member_collisions(resources: list[Resource], source: str) -> None:
    for top in resources:
        for res in top.walk():
            names: dict[str, str] = {}
            members = [(op.name, op.key) for op in res.operations]
            members += [(child.attr, f"resource {'.'.join(child.path)}") for child in res.children]
            for op in res.operations:
                members += [(w.name, f"waiter on {op.key}") for w in op.waiters]
                if op.is_streaming:
                    members.append((f"{op.name}_url", f"URL helper of {op.key}"))
                if op.is_binary:
                    members.append((f"{op.name}_to_file", f"file download of {op.key}"))
            members += [(m, f"helper {res.helper}") for m in res.helper_methods]
            for name, what in members:
                if name in names:
                    raise PipelineError(
                        "model",
                        f"{'.'.join(res.path)}.{name} would be both {names[name]} and {what}",
                        location=source,
                        hint="rename one of them with x-sdk-name in spec/overlay.yaml",
                    )
                names[name] = what


def _check_mcp_bridges(operations: list[Operation], resources: list[Resource], source: str) -> None:
    """One bridge per API, and its commands must not shadow the commands of its group."""
    bridged = [op for op in operations if op.mcp_bridge is not None]
    if len(bridged) > 1:
        raise PipelineError(
            "model",
            f"x-mcp-bridge marks {bridged[0].key} and {bridged[1].key}; one bridge serves one endpoint",
            location=f"{source} {bridged[1].pointer}",
        )
    by_path = {r.path: r for top in resources for r in top.walk()}
    for op in bridged:
        group = by_path[op.resource_path]
        taken = {o.cli_name for o in group.operations} | {child.cli_name for child in group.children}
        clash = sorted(taken & set(MCP_BRIDGE_COMMANDS))
        if clash:
            raise PipelineError(
                "model",
                f"the bridge's `{' '.join(op.cli_path)} {clash[0]}` would shadow a command of the same name",
                location=f"{source} {op.pointer}",
                hint="rename that operation with x-sdk-name in spec/overlay.yaml",
            )


def _read_helpers(module: Path) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Helper mixins: class name -> (class, methods it defines, methods it requires).

    Read with `ast`, not imported: the pipeline must not execute runtime code.
    """
    tree = ast.parse(module.read_text(encoding="utf-8"))
    helpers = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        defined = tuple(
            item.name
            for item in node.body
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_")
        )
        requires: tuple[str, ...] = ()
        for item in node.body:
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__requires__" for t in item.targets
            ):
                requires = tuple(ast.literal_eval(item.value))
        helpers[node.name] = (node.name, defined, requires)
    return helpers


def _attach_helpers(declared: Any, resources: list[Resource], helpers: dict[str, Any], source: str) -> None:
    if declared is None:
        return
    if not isinstance(declared, dict):
        raise PipelineError(
            "model",
            "x-sdk-helpers must map resources to helper classes",
            location=f"{source} #/x-sdk-helpers",
        )
    by_path = {".".join(r.path): r for top in resources for r in top.walk()}
    for resource_name, class_name in declared.items():
        where = f"{source} {json_pointer('x-sdk-helpers', resource_name)}"
        resource = by_path.get(resource_name)
        if resource is None:
            raise PipelineError(
                "model",
                f"helper {class_name} is bound to the resource {resource_name!r}, which the spec no longer has",
                location=where,
            )
        if class_name not in helpers or f"Async{class_name}" not in helpers:
            raise PipelineError(
                "model",
                f"helper classes {class_name} and Async{class_name} must exist in _helpers.py",
                location=where,
            )
        _, defined, requires = helpers[class_name]
        have = {op.name for op in resource.operations}
        missing = [name for name in requires if name not in have]
        if missing:
            raise PipelineError(
                "model",
                f"helper {class_name} relies on {resource_name}.{', '.join(missing)}, which the spec no longer has",
                location=where,
                hint="the helper's __requires__ lists the generated methods it calls: update the helper or the overlay",
            )
        resource.helper = class_name
        resource.helper_methods = defined


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


_CLI_SCALARS: dict[type, str] = {
    StringProperty: "string",
    DateTimeProperty: "string",
    DateProperty: "string",
    UuidProperty: "string",
    IntProperty: "integer",
    FloatProperty: "number",
    BooleanProperty: "boolean",
}


def _cli_shape(prop: Any) -> tuple[str, str, tuple[str, ...]]:
    """(kind, item kind, choices) of a CLI option for this property."""
    if isinstance(prop, UnionProperty):
        # A nullable scalar (`string | null`) is its scalar on the command line.
        inner = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
        if len(inner) == 1:
            return _cli_shape(inner[0])
        return ("json", "string", ())
    if isinstance(prop, FileProperty):
        return ("file", "string", ())
    if isinstance(prop, LiteralEnumProperty):
        values = tuple(str(v) for v in sorted(prop.values, key=str))
        return (
            ("choice", "string", values)
            if all(isinstance(v, str) for v in prop.values)
            else ("json", "string", ())
        )
    for kind, name in _CLI_SCALARS.items():
        if isinstance(prop, kind):
            return (name, "string", ())
    if isinstance(prop, ListProperty):
        item, _, _ = _cli_shape(prop.inner_property)
        if item in ("string", "integer", "number", "boolean"):
            return ("list", item, ())
    return ("json", "string", ())


def _example_value(field: Field) -> Any:
    schema = field.schema if isinstance(field.schema, dict) else {}
    if field.choices:
        return field.choices[0]
    if "const" in schema:
        return schema["const"]
    return {
        "string": "text",
        "integer": 1,
        "number": 1.5,
        "boolean": True,
        "list": ["text"] if field.cli_item == "string" else [1],
        "file": b"...",
        "choice": "text",
    }.get(field.cli_kind, {})


def _example_literal(field: Field) -> str:
    if field.is_file:
        return 'Path("local-file")'
    return repr(_example_value(field))


def _example_text(field: Field) -> str:
    value = _example_value(field)
    return value if isinstance(value, str) else json.dumps(value)


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_.:/@-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def _path_shape(path: str, wire_names: tuple[str, ...]) -> str:
    """A path with its placeholders blanked, then the wire names of its parameters in order.

    openapi-python-client renames placeholders after their Python names ({from} -> {from_}),
    so the names are compared as the spec wrote them; OpenAPI forbids two paths that differ
    only in those names, but real specs have them (/v2/{name} next to /v2/{parent}).
    """
    return re.sub(r"{[^}]*}", "{}", path) + "\0" + "\0".join(wire_names)


def _is_precise(parser: str) -> bool:
    """Whether a parser expression's static type is exact (one_of and any_ give Any)."""
    return "_p.one_of(" not in parser and "_p.any_(" not in parser


def _is_precise_type(prop: Any) -> bool:
    return not isinstance(prop, AnyProperty | UnionProperty | ConstProperty | LiteralEnumProperty)


def _identifier_text(value: str) -> str:
    """Overlay state names shown in docstrings: keep only characters that are inert there."""
    return "".join(c for c in value if c.isalnum() or c in "_-") or "?"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "get_untrusted_value"):
        return str(value.get_untrusted_value())
    return str(value)


def _body_kind(body_type: str) -> Literal["json", "multipart", "form", "binary"]:
    return {"json": "json", "files": "multipart", "data": "form"}.get(body_type, "binary")  # type: ignore[return-value]


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def _is_success(status_code: Any) -> bool:
    low: int = status_code.range[0]
    return 200 <= low <= 299


def _raw_response_for(responses: dict[str, Any], status_code: Any) -> Any:
    low, high = status_code.range
    for key, value in responses.items():
        key_text = str(key).upper()
        if key_text == f"{str(low)[0]}XX" and low != high:
            return value
        if key_text.isdigit() and int(key_text) == low == high:
            return value
    return None


def _success_model(endpoint: Endpoint) -> ModelProperty | None:
    for response in endpoint.responses.patterns:
        if _is_success(response.status_code) and isinstance(response.prop, ModelProperty):
            return response.prop
    return None


def _enum_values(prop: Any) -> set[str] | None:
    if isinstance(prop, EnumProperty):
        return {str(v) for v in prop.values.values()}
    if isinstance(prop, LiteralEnumProperty):
        return {str(v) for v in prop.values}
    if isinstance(prop, UnionProperty):
        for inner in prop.inner_properties:
            values = _enum_values(inner)
            if values is not None:
                return values
    return None


def _holds_files(prop: Any) -> bool:
    """A list of uploads, or a union with uploads among its members."""
    if isinstance(prop, FileProperty):
        return True
    if isinstance(prop, ListProperty):
        return _holds_files(prop.inner_property)
    if isinstance(prop, UnionProperty):
        return any(_holds_files(inner) for inner in prop.inner_properties)
    return False


def _as_optional(field_: Field) -> Field:
    annotation = (
        field_.annotation if field_.annotation.endswith("| Unset") else f"{field_.annotation} | Unset"
    )
    return replace(field_, annotation=annotation, required=False, default=None)


def _argument_name(python_name: str) -> str:
    """The wrapper's name for an argument.

    openapi-python-client appends "_" to names that shadow a builtin (input_, all_); a
    parameter may shadow a builtin harmlessly, so the wrappers use the spec's name (input=,
    all=), as the official SDK does. Keywords keep the underscore (from_), and so do names the
    generated method body uses itself.
    """
    name = python_name
    if name.endswith("_") and not keyword.iskeyword(name[:-1]) and hasattr(builtins, name[:-1]):
        name = name[:-1]
    if name in RESERVED_ARGUMENT_NAMES:
        name = f"{name}_"
    return name


def _renamed(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    return tuple(replace(f, arg_name=_argument_name(f.python_name)) for f in fields)


def _variant_schemas(schema: dict[str, Any], resolve: Any) -> list[dict[str, Any]]:
    if isinstance(schema, dict) and ("oneOf" in schema or "anyOf" in schema):
        return [resolve(s) for s in schema.get("oneOf") or schema.get("anyOf") or []]
    return [schema]
