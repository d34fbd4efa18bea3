"""Load: read an OpenAPI or Overlay document from JSON or YAML, defensively.

The spec is untrusted input. Besides syntax errors, this stage refuses documents that are too
large, too deeply nested, that repeat a key, or that expand (through YAML aliases) into more
nodes than any real API description has, so that later stages never see them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import PipelineError

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
MAX_DEPTH = 128
MAX_NODES = 2_000_000


def load_document(path: Path, *, stage: str = "load") -> dict[str, Any]:
    """Parse `path` as JSON (by extension or leading brace) or YAML, and check its shape."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PipelineError(stage, f"cannot read the document: {exc.strerror}", location=str(path)) from exc
    if size > MAX_DOCUMENT_BYTES:
        raise PipelineError(
            stage,
            f"the document is {size / 1e6:.1f} MB; the limit is {MAX_DOCUMENT_BYTES / 1e6:.0f} MB",
            location=str(path),
            hint="an OpenAPI description this large is almost certainly not one; check the source",
        )
    raw = path.read_bytes()
    document: dict[str, Any] = parse_document(raw, source=str(path), stage=stage)
    return document


def parse_document(raw: bytes, *, source: str, stage: str = "load", top_level_object: bool = True) -> Any:
    """Parse bytes already in memory (fetch-spec uses this for downloaded documents). A file a
    multi-file spec refers to may hold any JSON value (`top_level_object=False`): a schema, or
    the text of a description."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise PipelineError(stage, f"the document is larger than {MAX_DOCUMENT_BYTES} bytes", location=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PipelineError(stage, f"not UTF-8 text (byte {exc.start})", location=source) from exc
    if text.lstrip().startswith("<"):
        raise PipelineError(stage, "this is an HTML or XML page, not an OpenAPI document", location=source)
    looks_like_json = source.endswith(".json") or text.lstrip().startswith("{")
    try:
        document = _parse_json(text, source, stage) if looks_like_json else _parse_yaml(text, source, stage)
    except RecursionError as exc:
        raise PipelineError(
            stage, f"nesting deeper than the parser can follow (limit {MAX_DEPTH})", location=source
        ) from exc
    if top_level_object and not isinstance(document, dict):
        kind = type(document).__name__
        raise PipelineError(stage, f"the top level is a {kind}, not an object", location=source)
    _check_shape(document, source, stage)
    return document


def _parse_json(text: str, source: str, stage: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise PipelineError(stage, f"duplicate key {key!r}", location=source)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise PipelineError(
            stage, f"invalid JSON: {exc.msg}", location=f"{source}:{exc.lineno}:{exc.colno}"
        ) from exc


# libyaml's parser when PyYAML was built with it (ten times faster on a spec split over hundreds
# of YAML files); the constructors and resolvers below are the same Python code either way.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps timestamps as strings and refuses duplicate keys.

    OpenAPI is JSON-compatible: YAML timestamps would become datetime objects that no later
    stage expects, and a repeated key would silently drop half a definition.
    """


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.1 (PyYAML) reads `1e-08` and `1e+09` as strings: its floats need a dot. OpenAPI documents
# are written against YAML 1.2 (and JSON), where both are numbers: a `minimum: 1e-08` is a number.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"),
)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if (isinstance(key, bool) or key is None) and isinstance(key_node, yaml.ScalarNode):
            # `true:` or `yes:` or `~:` as a key (an extension mapping booleans to descriptions):
            # OpenAPI keys are strings, and the string is what was written.
            key = key_node.value
        if isinstance(key, bool) or not isinstance(key, str | int | float):
            raise yaml.constructor.ConstructorError(
                None, None, f"unsupported key {key!r}", key_node.start_mark
            )
        # YAML reads `200:` as an int; OpenAPI keys are strings (status codes included).
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 resolves a bare `=` to its "value" type, which SafeLoader cannot construct; in YAML 1.2
# and in every OpenAPI document that writes it (an operator in an enum: `[=, "!=", <]`) it is text.
_StrictLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def _parse_yaml(text: str, source: str, stage: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise PipelineError(stage, f"invalid YAML: {exc.problem or exc.context}", location=where) from exc
    except yaml.YAMLError as exc:
        raise PipelineError(stage, f"invalid YAML: {exc}", location=source) from exc


def _check_shape(document: Any, source: str, stage: str) -> None:
    """Refuse documents nested too deeply or expanding (through YAML aliases) to too many nodes."""
    nodes = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise PipelineError(
                stage,
                f"the document expands to more than {MAX_NODES:,} nodes",
                location=source,
                hint="YAML anchors that reference each other repeatedly can do this (a 'billion laughs' document)",
            )
        if depth > MAX_DEPTH:
            raise PipelineError(stage, f"nesting deeper than {MAX_DEPTH} levels", location=source)
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
