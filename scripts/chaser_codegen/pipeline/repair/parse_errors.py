"""Repairs driven by openapi-python-client's own verdict: what is valid OpenAPI, but that the
low-level generator cannot express as it stands.

The parse runs; every error it reports (which it would turn into a warning and a dropped model
or endpoint) is traced back to the place in the document it came from, and a rule for its kind
rewrites that place: a second inline model with a taken name gets a title of its own, an inline
model the generator cannot order is moved into components, an allOf whose parts it cannot merge
is merged here. Only when no exact rewrite exists does a fallback make that one schema `Any`
(a response, a body, a property): the operation is still generated, typed as far as it can be,
with the raw response at hand, and the fallback is in the report like every other repair.

The parse then runs again on the repaired document, until it is clean. Errors that are only the
echo of another (a reference to a model that failed) are left for the next round, when the model
they point at exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ...errors import PipelineError, json_pointer
from ...layout import HTTP_METHODS
from ...refs import MISSING, component_ref, lookup, resolve
from ..opc_compat import GeneratorData, GeneratorError
from .composition import merge_in_place
from .log import ABSENT, RepairLog
from .naming import context_name, hoist_name, taken_names, unique_name
from .rule import named

MAX_ROUNDS = 8

_SCHEMA_HEADER = re.compile(r"Unable to (?:parse|process) schema /components/schemas/(.+?):?$")
_DUPLICATE_MODEL = re.compile(r'Attempted to generate duplicate models with name "([^"]+)"')
_CASCADE = "Could not find reference in parsed models or enums"
_MERGE_FAILURES = (
    "can't be merged with",
    "incompatible lists of values",
    "can't combine enum",
    "can't combine literal enum",
    "can't merge list properties",
    "Cannot take allOf a non-object",
)
_UNORDERED_ALLOF = "in allOf was not processed"

Path = tuple[str | int, ...]

DUPLICATE_MODEL_NAME = named(
    "duplicate-model-name",
    "two schemas would become models of one name (openapi-python-client: 'Attempted to generate "
    "duplicate models'); the later one gets a title of its own, which names its model",
)
HOIST_INLINE_SCHEMA = named(
    "hoist-inline-schema",
    "an inline schema the generator cannot build where it stands (an allOf inside a union, "
    "parsed before the models it extends) moves into components/schemas and is referred to",
)
SCHEMA_FALLBACK_ANY = named(
    "schema-fallback-any",
    "a schema the generator cannot express by any rule accepts any value (an object, if it was "
    "one), so that nothing that uses it is dropped",
)
RESPONSE_FALLBACK_ANY = named(
    "response-fallback-any",
    "a response the generator cannot type is parsed as Any (the raw response stays at hand), "
    "instead of the operation losing it",
)
BODY_FALLBACK_ANY = named(
    "body-fallback-any",
    "a request body the generator cannot type is taken as any JSON value (or any form object), "
    "instead of the operation being dropped",
)
PARAMETER_FALLBACK_STRING = named(
    "parameter-fallback-string",
    "a parameter the generator cannot type is sent as the string the caller gives, the form "
    "every parameter has on the wire",
)
ALTERNATIVE_ENCODING_DROPPED = named(
    "alternative-encoding-dropped",
    "a request body media type that only re-encodes another's schema (application/xml beside "
    "application/json) is dropped: the SDK sends the one that can carry it (JSON; multipart for "
    "a schema with files, which JSON cannot carry)",
)
UNSUPPORTED_CONTENT_TYPE = named(
    "unsupported-content-type",
    "a media type the generator cannot read (application/sdp, image/png, text/plain bodies) is "
    "sent and returned as bytes; the Content-Type on the wire is unchanged",
)


@dataclass
class Problem:
    """One error of the low-level parse, and where in the document it points."""

    error: GeneratorError
    scope: Path  # the component or the operation the error was reported for
    where: Path | None = None  # the exact schema, response, body or parameter, when found

    @property
    def root_cause(self) -> GeneratorError:
        """The innermost error (a union's failing member's own error: the union-member-cause patch
        of opc_compat keeps it)."""
        error = self.error
        while getattr(error, "cause", None) is not None:
            error = error.cause  # type: ignore[attr-defined]
        return error

    @property
    def text(self) -> str:
        texts = [f"{self.error.header or ''} {self.error.detail or ''}"]
        if self.root_cause is not self.error:
            texts.append(f"because: {self.root_cause.detail or ''}")
        return " ".join(texts)

    @property
    def is_cascade(self) -> bool:
        return _CASCADE in self.text and not _DUPLICATE_MODEL.search(self.text)

    def describe(self) -> str:
        # openapi-python-client formats some names as "<...UntrustedString object at 0x...>".
        text = re.sub(r"<[\w.]*UntrustedString object at 0x[0-9a-f]+>", "…", " ".join(self.text.split()))
        return f"{json_pointer(*(self.where or self.scope))}: {text[:300]}"


def parse_until_clean(
    document: dict[str, Any], log: RepairLog, parse: Callable[[dict[str, Any]], GeneratorData], *, source: str
) -> GeneratorData:
    """Parse, repair what the parse reports, and parse again until nothing is reported."""
    problems: list[Problem] = []
    for _ in range(MAX_ROUNDS):
        data = parse(document)
        problems = list(_problems(data, document))
        if not problems:
            return data
        if not _repair_round(document, problems, log):
            break
    raise PipelineError(
        "low-level",
        "openapi-python-client cannot generate part of the spec, and no repair applies:\n    "
        + "\n    ".join(problem.describe() for problem in problems[:20]),
        location=source,
        hint="add a repair rule for this construct (scripts/chaser_codegen/pipeline/repair/), or change it with the overlay",
    )


# -- finding where each error comes from -------------------------------------------------------


def _problems(data: GeneratorData, document: dict[str, Any]) -> Iterator[Problem]:
    for error in data.errors:
        header = (error.header or "").strip()
        match = _SCHEMA_HEADER.search(header)
        if match:
            scope: Path = ("components", "schemas", match.group(1))
        else:
            scope = ("components",)
        yield _problem(document, error, scope)
    for collection in data.endpoint_collections_by_tag.values():
        for error in collection.parse_errors:
            operation = _operation_of(document, error.header or "")
            yield _problem(document, error, operation or ("paths",))


def _problem(document: dict[str, Any], error: GeneratorError, scope: Path) -> Problem:
    problem = Problem(error, scope)
    # The innermost error that carries its schema says best where the fault is.
    for candidate in (problem.root_cause, error):
        where = _locate(document, scope, getattr(candidate, "data", None))
        if where is not None:
            problem.where = where
            break
    return problem


def _operation_of(document: dict[str, Any], header: str) -> Path | None:
    match = re.match(r"WARNING parsing (\w+) ", header)
    if not match:
        return None
    method = match.group(1).lower()
    rest = header[match.end() :]
    best: str | None = None
    for template in document.get("paths") or {}:
        if (
            isinstance(template, str)
            and rest.startswith(f"{template} within ")
            and (best is None or len(template) > len(best))
        ):
            best = template
    return ("paths", best, method) if best is not None and method in HTTP_METHODS else None


def _locate(document: dict[str, Any], scope: Path, data: Any) -> Path | None:
    """The path, under `scope`, of the object openapi-python-client's error carries."""
    if data is None or not hasattr(data, "model_dump"):
        return None
    target = data.model_dump(mode="json", by_alias=True, exclude_unset=True)
    # Look where the error was reported, then (a schema the reporter reached through a $ref,
    # or a model named after a title rather than a component) through every component.
    for where in (scope, ("components",)):
        root = lookup(document, json_pointer(*where))
        if root is MISSING:
            continue
        for path, node in _subtree(root, where):
            if node == target:
                return path
        model_class = type(data)
        for path, node in _subtree(root, where):
            if isinstance(node, dict):
                try:
                    if model_class.model_validate(node) == data:
                        return path
                except Exception:
                    continue
        # openapi-python-client splits a nullable schema (or a list of types) into one copy per
        # type, with its type, default and nullable changed: compare without those.
        loose = _without_type(target)
        for path, node in _subtree(root, where):
            if isinstance(node, dict) and _without_type(node) == loose:
                return path
    return None


def _without_type(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key not in ("type", "default", "nullable")}


def _subtree(root: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    stack: list[tuple[Path, Any]] = [(path, root)]
    while stack:
        where, node = stack.pop()
        yield where, node
        if isinstance(node, dict):
            stack.extend(((*where, key), value) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*where, index), value) for index, value in reversed(list(enumerate(node))))


# -- repairing ----------------------------------------------------------------------------------


def _repair_round(document: dict[str, Any], problems: list[Problem], log: RepairLog) -> bool:
    """Repair the root causes among `problems`; True when the document changed."""
    taken_titles = taken_names(document)
    changed = False
    roots = [problem for problem in problems if not problem.is_cascade]
    for problem in roots:
        changed |= _repair(document, problem, log, taken_titles)
    if changed:
        return True  # the echoes may be gone once their roots are repaired: parse again first
    for problem in problems:
        changed |= _fallback(document, problem, log)
    return changed


def _repair(document: dict[str, Any], problem: Problem, log: RepairLog, taken: set[str]) -> bool:
    """The exact repair for the kind of error `problem` is, or the fallback when there is none."""
    text = problem.text
    # A schema's own error (a merge failure) carries no schema: it is about the component.
    where = problem.where or (problem.scope if _is_component(problem.scope) else None)
    if where is None or not _is_schema_path(where) or lookup(document, json_pointer(*where)) is MISSING:
        return _fallback(document, problem, log)
    if _DUPLICATE_MODEL.search(text) or _UNORDERED_ALLOF in text:
        # A second model of a taken name: openapi-python-client builds a model nested in a union
        # member twice (so it collides with itself), or two inline schemas derive one name.
        # An inline model it cannot order (an allOf of a model not processed yet) is the same
        # story. As a component of its own, each is built once, in order, under its own name.
        if _is_component(where):
            return _retitle(document, where, log, taken)
        # The parse stops at the first union member that fails: its siblings built the same way
        # would fail in the next rounds, one per round, so they move together.
        member = _enclosing_union_member(where)
        targets = (
            [where] if member is None or _UNORDERED_ALLOF not in text else _union_members(document, member)
        )
        return any([_hoist(document, target, log, taken) for target in targets])
    if any(marker in text for marker in _MERGE_FAILURES):
        return _merge(document, where, log) or _fallback(document, problem, log)
    return _fallback(document, problem, log)


def _is_schema_path(where: Path) -> bool:
    return where[:2] == ("components", "schemas") or "schema" in where


def _is_component(where: Path) -> bool:
    return len(where) == 3 and where[:2] == ("components", "schemas")


def _union_members(document: dict[str, Any], member: Path) -> list[Path]:
    members = lookup(document, json_pointer(*member[:-1]))
    if not isinstance(members, list):
        return [member]
    siblings = [(*member[:-1], index) for index in range(len(members))]
    return [sibling for sibling in siblings if _builds_a_model(document, sibling)]


def _retitle(document: dict[str, Any], where: Path, log: RepairLog, taken: set[str]) -> bool:
    schema = lookup(document, json_pointer(*where))
    if not isinstance(schema, dict):
        return False
    title = unique_name(context_name(where) or "Model", taken)
    before = schema.get("title")
    schema["title"] = title
    log.record(
        DUPLICATE_MODEL_NAME, (*where, "title"), before=before if before is not None else ABSENT, after=title
    )
    return True


def _enclosing_union_member(where: Path) -> Path | None:
    for index in range(len(where) - 2, 2, -1):
        if where[index] in ("anyOf", "oneOf") and isinstance(where[index + 1], int):
            return where[: index + 2]
    return None


def _builds_a_model(document: dict[str, Any], where: Path) -> bool:
    schema = lookup(document, json_pointer(*where))
    return isinstance(schema, dict) and "$ref" not in schema and ("allOf" in schema or "properties" in schema)


def _hoist(document: dict[str, Any], where: Path, log: RepairLog, taken: set[str]) -> bool:
    """Move an inline schema into components/schemas and refer to it."""
    parent = lookup(document, json_pointer(*where[:-1]))
    schema = lookup(document, json_pointer(*where))
    if not isinstance(schema, dict) or "$ref" in schema or not isinstance(parent, dict | list):
        return False
    name = hoist_name(schema, where, taken)
    document.setdefault("components", {}).setdefault("schemas", {})[name] = schema
    ref = {"$ref": component_ref("schemas", name)}
    parent[where[-1]] = ref  # type: ignore[index]
    log.record(
        HOIST_INLINE_SCHEMA, where, before={"inline schema": schema.get("title") or "(untitled)"}, after=ref
    )
    return True


def _merge(document: dict[str, Any], where: Path, log: RepairLog) -> bool:
    """Merge the allOf at (or nearest above) `where` into one schema, the way allOf means it."""
    for depth in range(len(where), 2, -1):
        path = where[:depth]
        schema = lookup(document, json_pointer(*path))
        is_allof = isinstance(schema, dict) and isinstance(schema.get("allOf"), list)
        if is_allof and merge_in_place(schema, path, log, lambda value: resolve(document, value)):
            return True
    return False


def _fallback(document: dict[str, Any], problem: Problem, log: RepairLog) -> bool:
    """The last resort for one error: the schema it is about accepts any value."""
    target = problem.where or problem.scope
    node = lookup(document, json_pointer(*target))
    if problem.scope[:1] == ("paths",) and len(problem.scope) == 3:
        return _operation_fallback(document, problem, log)
    if isinstance(node, dict) and node:
        before = dict(node)
        object_like = node.get("type") == "object" or "properties" in node or "allOf" in node
        node.clear()
        if object_like:
            node["type"] = "object"
        if "description" in before:
            node["description"] = before["description"]
        log.record(SCHEMA_FALLBACK_ANY, target, before=before, after=dict(node))
        return True
    return False


def _operation_fallback(document: dict[str, Any], problem: Problem, log: RepairLog) -> bool:
    """An operation the generator still cannot express: make the part it fails on untyped."""
    operation = lookup(document, json_pointer(*problem.scope))
    if not isinstance(operation, dict):
        return False
    text = problem.text
    if "Cannot parse response for status code" in text:
        # The code is in the message only as an object's repr in 0.29.1: take it from where the
        # error's response sits.
        where = problem.where
        if (
            where is not None
            and len(where) > len(problem.scope) + 1
            and where[len(problem.scope)] == "responses"
        ):
            return _response_fallback(
                document, problem.scope, operation, str(where[len(problem.scope) + 1]), log
            )
        status = re.search(r"Cannot parse response for status code (\d\w\w|default)\b", text)
        if status:
            return _response_fallback(document, problem.scope, operation, status.group(1), log)
        return False
    if problem.where is not None and problem.where[len(problem.scope) : len(problem.scope) + 1] == (
        "parameters",
    ):
        return _parameter_fallback(document, problem.where, log)
    if "requestBody" in operation:
        return _body_fallback(document, problem.scope, operation, log)
    return False


def _response_fallback(
    document: dict[str, Any], scope: Path, operation: dict[str, Any], code: str, log: RepairLog
) -> bool:
    responses = operation.get("responses") or {}
    key = next((k for k in responses if str(k) == code), None)
    if key is None:
        return False
    response = resolve(document, responses[key])
    if not isinstance(response, dict):
        return False
    media_types = response.get("content") or {"application/json": {}}
    content: dict[str, Any] = {media: {"schema": {}} for media in media_types}
    replacement = {"description": response.get("description") or "", "content": content}
    before = responses[key]
    responses[key] = replacement
    log.record(RESPONSE_FALLBACK_ANY, (*scope, "responses", key), before=before, after=replacement)
    return True


def _body_fallback(document: dict[str, Any], scope: Path, operation: dict[str, Any], log: RepairLog) -> bool:
    body = resolve(document, operation["requestBody"])
    if not isinstance(body, dict):
        return False
    content: dict[str, Any] = {}
    for media in body.get("content") or {}:
        form = media.startswith(("multipart/", "application/x-www-form-urlencoded"))
        content[media] = {"schema": {"type": "object"} if form else {}}
    replacement = {**{k: v for k, v in body.items() if k != "content"}, "content": content}
    before = operation["requestBody"]
    operation["requestBody"] = replacement
    log.record(BODY_FALLBACK_ANY, (*scope, "requestBody"), before=before, after=replacement)
    return True


def _parameter_fallback(document: dict[str, Any], where: Path, log: RepairLog) -> bool:
    holder = lookup(document, json_pointer(*where[:-1]))
    parameter = resolve(document, lookup(document, json_pointer(*where)))
    if not isinstance(holder, list) or not isinstance(parameter, dict):
        return False
    replacement = {k: v for k, v in parameter.items() if k not in ("schema", "content")}
    replacement["schema"] = {"type": "string"}
    before = holder[where[-1]]  # type: ignore[index]
    holder[where[-1]] = replacement  # type: ignore[index]
    log.record(PARAMETER_FALLBACK_STRING, where, before=before, after=replacement)
    return True


# -- content types ------------------------------------------------------------------------------

OCTET_STREAM = "application/octet-stream"


def content_type_overrides(document: dict[str, Any], log: RepairLog) -> dict[str, str]:
    """Make every request body and response readable by openapi-python-client.

    - A response with at least one readable media type is read as that one (the generator takes
      the first it can read); one with none is read as bytes.
    - A request body media type the generator cannot read is sent as bytes, unless it only
      re-encodes the schema of a JSON alternative in the same body (application/xml next to
      application/json, which converted Swagger specs are full of): then the SDK sends JSON,
      and the alternative is dropped from the document.
    - Two readable request media types with one schema become one model, and the generated code
      can only ever send the first: the one that can carry the schema is kept (multipart when
      the schema has binary properties, which JSON cannot carry; else JSON).

    Returns the generator's content-type overrides (media type -> application/octet-stream);
    the Content-Type on the wire stays what the spec says.
    """
    from ..opc_compat import make_config
    from .walk import walk

    config = make_config(_unused_path())
    overrides: dict[str, str] = {}
    for node in walk(document):
        if node.kind not in ("request-body", "response") or not isinstance(node.value.get("content"), dict):
            continue
        content: dict[str, Any] = node.value["content"]
        request = node.kind == "request-body"
        if request:
            _one_media_type_per_schema(document, node.path, content, log)
        unreadable = [media for media in content if not _readable(str(media), config, request=request)]
        if not unreadable or (not request and len(unreadable) < len(content)):
            continue
        json_schemas = [
            media_type.get("schema")
            for media, media_type in content.items()
            if isinstance(media_type, dict) and _is_json(str(media))
        ]
        for media in unreadable:
            where = (*node.path, "content", media)
            schema = content[media].get("schema") if isinstance(content[media], dict) else None
            if request and schema is not None and schema in json_schemas:
                log.record(ALTERNATIVE_ENCODING_DROPPED, where, before=content.pop(media))
                continue
            overrides[str(media)] = OCTET_STREAM
            log.record(
                UNSUPPORTED_CONTENT_TYPE, where, before=media, after=f"{media} (sent and read as bytes)"
            )
    return overrides


def _one_media_type_per_schema(
    document: dict[str, Any], where: Path, content: dict[str, Any], log: RepairLog
) -> None:
    by_schema: dict[str, list[str]] = {}
    for media, media_type in content.items():
        schema = media_type.get("schema") if isinstance(media_type, dict) else None
        if schema is not None:
            by_schema.setdefault(json.dumps(schema, sort_keys=True), []).append(str(media))
    for medias in by_schema.values():
        if len(medias) < 2:
            continue
        binary = _has_binary(document, content[medias[0]]["schema"], depth=0)
        preferred = (
            [m for m in medias if m.startswith("multipart/")]
            if binary
            else [m for m in medias if _is_json(m)]
        )
        keep = (preferred or medias)[0]
        for media in medias:
            if media != keep:
                log.record(
                    ALTERNATIVE_ENCODING_DROPPED, (*where, "content", media), before=content.pop(media)
                )


def _has_binary(document: dict[str, Any], schema: Any, *, depth: int) -> bool:
    """Whether a body schema has a file in it: a `format: binary` string, in a property, an
    array's items or a union's members (a few levels deep; models inside are not files)."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > 3:
        return False
    if schema.get("format") == "binary":
        return True
    parts = [
        *(schema.get("properties") or {}).values(),
        schema.get("items"),
        *(schema.get("oneOf") or []),
        *(schema.get("anyOf") or []),
    ]
    return any(_has_binary(document, part, depth=depth + 1) for part in parts if part is not None)


def _is_json(media: str) -> bool:
    parsed = media.split(";")[0].strip().lower()
    return parsed == "application/json" or parsed.endswith("+json")


def _readable(media: str, config: Any, *, request: bool) -> bool:
    from ..opc_compat import get_content_type

    parsed = get_content_type(media, config)
    if parsed is None:
        return False
    if parsed in ("application/json", OCTET_STREAM) or parsed.endswith("+json"):
        return True
    if request:
        return parsed in ("multipart/form-data", "application/x-www-form-urlencoded")
    return parsed.startswith("text/")


def _unused_path() -> Any:
    from pathlib import Path

    return Path("unused")
