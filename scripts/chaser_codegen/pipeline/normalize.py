"""Normalize: the reviewed exclusions, and names openapi-python-client cannot take as is.

- Operations listed in spec/exclusions.yaml are removed, each for its stated reason. An entry
  that matches no operation is stale and fails the run, so the list never lies.
- Every operation gets an operationId (from its method and path when upstream has none), and
  operationIds that would become the same Python name are made distinct. openapi-python-client
  names a module after the operationId; two equal names would silently overwrite one module.
- Model names are made distinct too: openapi-python-client names a model after its schema's
  `title`, or its component key, and refuses the whole run when two would share a name (two
  components titled "Error", keys "My-Model" and "MyModel"). A clashing title is dropped; keys
  that still clash are renamed, with every $ref to them rewritten.
- Names too long for a file name are shortened (a prefix and a stable hash).

An exclusion is returned as a note (it is our reviewed choice); every renaming is a repair,
recorded in the run's repair log like those of the repair stage.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PipelineError, json_pointer
from ..names import MODULE_IMPORT_NAMES, ascii_identifier
from .load import load_document
from .model import Exclusion, iter_operations, operation_key
from .opc_compat import ClassName
from .repair.log import ABSENT, RepairLog
from .repair.rule import named

MAX_NAME_LENGTH = 60

OPERATION_ID_DERIVED = named(
    "operation-id-derived",
    "an operation with no usable operationId gets one from its method and path "
    "(openapi-python-client names the endpoint module after it)",
)
OPERATION_ID_SHORTENED = named(
    "operation-id-shortened",
    "an operationId too long for a file name is cut, with a hash of the whole to stay unique",
)
OPERATION_ID_CLASH = named(
    "operation-id-clash",
    "two operationIds that become the same Python name would overwrite one module; the later "
    "one gets a numbered suffix",
)
MODEL_TITLE_CLASH = named(
    "model-title-clash",
    "two schemas whose titles make the same model name (or a title too long for a file name, or "
    "one of the names the generated modules use themselves): the title is dropped, and the model "
    "is named after where it sits",
)
MODEL_KEY_RENAMED = named(
    "model-key-renamed",
    "component keys that make the same model name (My-Model, MyModel), are too long, or are a name "
    "the generated modules use themselves (Client, Response, File: ResponseModel): the key is "
    "renamed, and every $ref to it rewritten",
)


@dataclass(frozen=True)
class Note:
    location: str
    change: str


def load_exclusions(path: Path | None) -> list[Exclusion]:
    if path is None or not path.exists():
        return []
    document = load_document(path, stage="exclusions")
    entries = document.get("exclusions")
    if not isinstance(entries, list):
        raise PipelineError("exclusions", "expected a list under `exclusions`", location=str(path))
    exclusions = []
    for index, entry in enumerate(entries):
        where = f"{path} exclusions[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("operation"), str):
            raise PipelineError("exclusions", "each entry needs `operation: METHOD /path`", location=where)
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise PipelineError("exclusions", "each entry needs a `reason`", location=where)
        method, _, op_path = entry["operation"].partition(" ")
        exclusions.append(Exclusion(operation_key(method.lower(), op_path.strip()), reason.strip()))
    return exclusions


def normalize(
    document: dict[str, Any], exclusions: list[Exclusion], *, source: str, log: RepairLog | None = None
) -> tuple[dict[str, Any], list[Note]]:
    result = copy.deepcopy(document)
    notes: list[Note] = []
    log = log if log is not None else RepairLog()
    _apply_exclusions(result, exclusions, notes)
    _distinct_operation_ids(result, log)
    _distinct_model_names(result, log)
    return result, notes


def _apply_exclusions(document: dict[str, Any], exclusions: list[Exclusion], notes: list[Note]) -> None:
    present = {operation_key(method, path): (path, method) for path, method, _ in iter_operations(document)}
    for exclusion in exclusions:
        if exclusion.key not in present:
            raise PipelineError(
                "normalize",
                f"the exclusion {exclusion.key!r} matches no operation in the spec",
                location="spec/exclusions.yaml",
                hint="upstream removed or renamed it: delete the entry",
            )
        path, method = present[exclusion.key]
        del document["paths"][path][method]
        notes.append(Note(json_pointer("paths", path, method), f"excluded: {exclusion.reason}"))


def _shorten(name: str) -> str:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: MAX_NAME_LENGTH - 9]}_{digest}"


def _distinct_operation_ids(document: dict[str, Any], log: RepairLog) -> None:
    seen: dict[str, str] = {}
    for path, method, operation in iter_operations(document):
        where = ("paths", path, method, "operationId")
        original = operation.get("operationId", ABSENT)
        if not isinstance(original, str) or ascii_identifier(original, prefix="op") is None:
            operation["operationId"] = f"{method}_{path}"
            log.record(OPERATION_ID_DERIVED, where, before=original, after=operation["operationId"])
        name = ascii_identifier(operation["operationId"], prefix="op") or "operation"
        if len(name) > MAX_NAME_LENGTH:
            before, name = operation["operationId"], _shorten(name)
            operation["operationId"] = name
            log.record(OPERATION_ID_SHORTENED, where, before=before, after=name)
        base, counter = name, 2
        while name in seen:
            name = f"{base}_{counter}"
            counter += 1
        if name != base:
            before = operation["operationId"]
            operation["operationId"] = name
            log.record(OPERATION_ID_CLASH, where, before=before, after=name)
        seen[name] = json_pointer("paths", path, method)


def _class_name(value: str) -> str:
    return str(ClassName(value, "")).lower()


def _distinct_model_names(document: dict[str, Any], log: RepairLog) -> None:
    schemas = (document.get("components") or {}).get("schemas")
    if not isinstance(schemas, dict):
        return
    renames: dict[str, str] = {}
    taken: dict[str, str] = {}
    for key in list(schemas):
        schema = schemas[key]
        pointer = json_pointer("components", "schemas", key)
        new_key = key
        if len(key) > MAX_NAME_LENGTH:
            new_key = _shorten(key)
        # openapi-python-client names a model after `title or key`: an empty title does not count.
        title = (schema.get("title") or None) if isinstance(schema, dict) else None
        if isinstance(title, str) and (
            len(title) > MAX_NAME_LENGTH
            or _class_name(title) in taken
            or _class_name(title) in MODULE_IMPORT_NAMES
        ):
            del schema["title"]
            log.record(MODEL_TITLE_CLASH, ("components", "schemas", key, "title"), before=title)
            title = None
        name = _class_name(title if isinstance(title, str) else new_key)
        if name in MODULE_IMPORT_NAMES:
            new_key = f"{new_key}Model"
            name = _class_name(new_key)
        counter = 2
        while name in taken:
            new_key = f"{key if len(key) <= MAX_NAME_LENGTH else _shorten(key)}{counter}"
            name = _class_name(new_key)
            counter += 1
        if new_key != key:
            renames[key] = new_key
            log.record(MODEL_KEY_RENAMED, ("components", "schemas", key), before=key, after=new_key)
        taken[name] = pointer
    # Inline schemas whose titles repeat or name a component: drop the title (their model is
    # then named after where it sits, which openapi-python-client keeps unique).
    inline_titles: dict[str, int] = {}
    for _, schema in _inline_schemas(document):
        title = schema.get("title")
        if isinstance(title, str):
            inline_titles[_class_name(title)] = inline_titles.get(_class_name(title), 0) + 1
    for where, schema in _inline_schemas(document):
        title = schema.get("title")
        if isinstance(title, str) and (
            inline_titles[_class_name(title)] > 1
            or _class_name(title) in taken
            or len(title) > MAX_NAME_LENGTH
        ):
            del schema["title"]
            log.record(MODEL_TITLE_CLASH, (*where, "title"), before=title)
    if renames:
        document["components"]["schemas"] = {renames.get(key, key): value for key, value in schemas.items()}
        _rewrite_refs(
            document,
            {f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in renames.items()},
        )


def _inline_schemas(document: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Object schemas that are not components themselves (parameters, bodies, properties...)."""
    components = (document.get("components") or {}).get("schemas") or {}
    roots: list[tuple[Any, tuple[str | int, ...]]] = [(document.get("paths") or {}, ("paths",))]
    roots += [(schema, ("components", "schemas", key)) for key, schema in components.items()]
    for root, prefix in roots:
        stack: list[tuple[Any, tuple[str | int, ...], bool]] = [(root, prefix, False)]
        while stack:
            node, where, nested = stack.pop()
            if isinstance(node, dict):
                if nested and "title" in node and ("properties" in node or node.get("type") == "object"):
                    yield where, node
                for key, value in node.items():
                    stack.append((value, (*where, key), True))
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    stack.append((value, (*where, index), True))


def _rewrite_refs(node: Any, mapping: dict[str, str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref in mapping:
                current["$ref"] = mapping[ref]
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
