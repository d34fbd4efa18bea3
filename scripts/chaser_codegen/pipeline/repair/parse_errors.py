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
from dataclasses import dataclass, field
from typing import Any

from ...errors import PipelineError, json_pointer
from ...layout import HTTP_METHODS
from ...refs import MISSING, component_ref, lookup, resolve
from ..opc_compat import GeneratorData, GeneratorError
from .composition import merge_in_place
from .fallback import fall_back, units_containing
from .log import ABSENT, RepairLog
from .naming import context_name, hoist_name, taken_names, unique_name
from .rule import named

# Each round repairs the root causes it sees (or falls back one unit larger); the echoes of a
# repaired cause are gone in the next. Real specs need three at most; the rest is margin for the
# fallback net's escalation.
MAX_ROUNDS = 16

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


class DocumentRejected(Exception):
    """openapi-python-client refused the whole document (its pydantic model of OpenAPI did not
    accept it); `errors` are pydantic's, each with the location of one fault."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors


class ParserCrashed(Exception):
    """openapi-python-client raised instead of reporting an error."""


@dataclass
class _Rounds:
    """What the loop has already done, so that a fault that persists escalates to a larger unit."""

    fallen_back: set[Path] = field(default_factory=set)


def parse_until_clean(
    document: dict[str, Any], log: RepairLog, parse: Callable[[dict[str, Any]], GeneratorData], *, source: str
) -> GeneratorData:
    """Parse, repair what the parse reports, and parse again until nothing is reported.

    What no exact repair covers falls back at the smallest unit that contains it (repair.fallback),
    and at a larger one each time the fault persists; a document the parser refuses whole, or
    crashes on, is narrowed down to the units at fault the same way. Only what cannot be located
    at all stops the run.
    """
    rounds = _Rounds()
    problems: list[Problem] = []
    unlocated = ""
    for _ in range(MAX_ROUNDS):
        try:
            data = parse(document)
        except DocumentRejected as rejected:
            if _fall_back_rejected(document, rejected.errors, log, rounds):
                continue
            unlocated = "; ".join(_pydantic_message(error) for error in rejected.errors[:5])
            break
        except ParserCrashed as crashed:
            if _isolate_crash(document, parse, log, rounds, crashed):
                continue
            unlocated = f"openapi-python-client crashed: {crashed}"
            break
        problems = list(_problems(data, document))
        if not problems:
            return data
        if not _repair_round(document, problems, log, rounds):
            break
    details = unlocated or "\n    ".join(problem.describe() for problem in problems[:20])
    raise PipelineError(
        "low-level",
        "openapi-python-client cannot generate part of the spec, and no repair or fallback applies:\n    "
        + details,
        location=source,
        hint="add a repair rule for this construct (scripts/chaser_codegen/pipeline/repair/), or change it with the overlay",
    )


def _fall_back_rejected(
    document: dict[str, Any], errors: list[dict[str, Any]], log: RepairLog, rounds: _Rounds
) -> bool:
    """Each fault pydantic located falls back at the smallest unit that contains it."""
    changed = False
    for error in errors:
        where = _document_path(document, error.get("loc") or ())
        changed |= _fall_back_at(document, where, log, rounds, _pydantic_message(error))
    return changed


def _document_path(document: dict[str, Any], loc: tuple[Any, ...] | list[Any]) -> Path:
    """The path in the document of a pydantic error location, whose extra parts (the names of
    the union member it tried, such as `Reference` or `Schema`) are not in the document."""
    node: Any = document
    path: list[str | int] = []
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
            path.append(part)
    return tuple(path)


def _pydantic_message(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc") or ())
    return f"{where}: {error.get('msg', '')}"


def _isolate_crash(
    document: dict[str, Any],
    parse: Callable[[dict[str, Any]], GeneratorData],
    log: RepairLog,
    rounds: _Rounds,
    crashed: ParserCrashed,
) -> bool:
    """Find the one schema or operation the parser crashes on, by bisection, and make it untyped.

    Each probe parses a copy in which some units are neutral (a schema that accepts anything,
    an operation with no body and an untyped answer): the smallest prefix of units whose
    neutralising stops the crash ends at the culprit. It takes about log2(units) parses.
    """
    units = _crash_units(document)
    if not units or _crashes(document, units, parse):
        return False  # not the fault of any one unit
    low, high = 0, len(units)  # crashes with units[:low] neutral; not with units[:high]
    while high - low > 1:
        middle = (low + high) // 2
        if _crashes(document, units[:middle], parse):
            low = middle
        else:
            high = middle
    culprit = units[high - 1]
    return _fall_back_at(document, culprit, log, rounds, f"openapi-python-client crashed on it: {crashed}")


def _crash_units(document: dict[str, Any]) -> list[Path]:
    units: list[Path] = []
    schemas = (document.get("components") or {}).get("schemas") or {}
    units.extend(("components", "schemas", name) for name in schemas)
    for template, item in (document.get("paths") or {}).items():
        if isinstance(item, dict):
            units.extend(
                ("paths", template, method) for method in HTTP_METHODS if isinstance(item.get(method), dict)
            )
    return units


def _crashes(
    document: dict[str, Any], neutral: list[Path], parse: Callable[[dict[str, Any]], GeneratorData]
) -> bool:
    probe = dict(document)
    probe["paths"] = {
        key: dict(item) if isinstance(item, dict) else item
        for key, item in (document.get("paths") or {}).items()
    }
    if "components" in document:
        probe["components"] = dict(document["components"])
        probe["components"]["schemas"] = dict(probe["components"].get("schemas") or {})
    for unit in neutral:
        if unit[0] == "components":
            probe["components"]["schemas"][unit[2]] = {}
        else:
            probe["paths"][unit[1]][unit[2]] = _neutral_operation(
                probe["paths"][unit[1]][unit[2]], str(unit[1])
            )
    try:
        parse(probe)
    except ParserCrashed:
        return True
    except (DocumentRejected, PipelineError):
        return False
    return False


def _neutral_operation(operation: dict[str, Any], template: str) -> dict[str, Any]:
    names = re.findall(r"{([^}/]+)}", template)
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in names
    ]
    neutral: dict[str, Any] = {"parameters": parameters, "responses": {"200": {"description": ""}}}
    if "operationId" in operation:
        neutral["operationId"] = operation["operationId"]
    return neutral


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


def _repair_round(document: dict[str, Any], problems: list[Problem], log: RepairLog, rounds: _Rounds) -> bool:
    """Repair the root causes among `problems`; True when the document changed.

    A problem is an echo of another, and waits for the next round, when it only reports a
    reference to a model that failed (`is_cascade`), or when what it is about refers to a
    component that fails itself: that component is the root, and once it is repaired (or has
    fallen back) the echo is usually gone, with its own types intact.
    """
    taken_titles = taken_names(document)
    changed = False
    roots = [problem for problem in problems if not problem.is_cascade]
    failing = {str(problem.scope[2]) for problem in roots if _is_component(problem.scope)}
    independent = [problem for problem in roots if not _refers_to_any(document, problem, failing)]
    for problem in independent or roots:
        changed |= _repair(document, problem, log, taken_titles, rounds)
    if changed:
        return True  # the echoes may be gone once their roots are repaired: parse again first
    # Only echoes are left (a model that refers to itself through a union reports "could not find
    # reference" too): the ones that refer to no other failing component fall back first. When
    # every one does (models that refer to each other in a cycle), one fallback per cycle breaks
    # it: the others are retried in the next round, and most then parse with their types.
    failing = _failing_components(problems)
    deepest = [problem for problem in problems if not _refers_to_any(document, problem, failing)]
    for problem in deepest or _one_per_cycle(document, problems):
        changed |= _fallback(document, problem, log, rounds)
    return changed


_REMOVED = re.compile(r"/components/schemas/([^\s/…]+)")


def _failing_components(problems: list[Problem]) -> set[str]:
    """The components the parse failed on, and those it removed because they refer to one
    ("Failure to process schema has resulted in the removal of: /components/schemas/A ...")."""
    failing = {str(problem.scope[2]) for problem in problems if _is_component(problem.scope)}
    for problem in problems:
        _, found, removed = problem.text.partition("removal of:")
        if found:
            failing.update(_REMOVED.findall(removed))
    return failing


def _one_per_cycle(document: dict[str, Any], problems: list[Problem]) -> list[Problem]:
    """Problems none of which refers to the component of another (one member of each cycle)."""
    picked: list[Problem] = []
    components: set[str] = set()
    for problem in problems:
        own = {str(problem.scope[2])} if _is_component(problem.scope) else set()
        if _refers_to_any(document, problem, components) or any(
            _refers_to_any(document, other, own) for other in picked
        ):
            continue
        picked.append(problem)
        components |= own
    return picked or problems[:1]


def _refers_to_any(document: dict[str, Any], problem: Problem, components: set[str]) -> bool:
    """Whether the schema `problem` is about refers (directly) to one of `components` other than itself."""
    where = problem.where or problem.scope
    own = problem.scope[2] if _is_component(problem.scope) else None
    node = lookup(document, json_pointer(*where))
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.removeprefix("#/components/schemas/").replace("~1", "/").replace("~0", "~")
                if name != own and name in components:
                    return True
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


def _repair(
    document: dict[str, Any], problem: Problem, log: RepairLog, taken: set[str], rounds: _Rounds
) -> bool:
    """The exact repair for the kind of error `problem` is, or the fallback when there is none."""
    text = problem.text
    # A schema's own error (a merge failure) carries no schema: it is about the component.
    where = problem.where or (problem.scope if _is_component(problem.scope) else None)
    if where is None or not _is_schema_path(where) or lookup(document, json_pointer(*where)) is MISSING:
        return _fallback(document, problem, log, rounds)
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
        return _merge(document, where, log) or _fallback(document, problem, log, rounds)
    return _fallback(document, problem, log, rounds)


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


def _fallback(document: dict[str, Any], problem: Problem, log: RepairLog, rounds: _Rounds) -> bool:
    """The last resort for one error: the smallest unit that contains it, and not yet untyped,
    becomes untyped (repair.fallback)."""
    where = problem.where
    if where is None and len(problem.scope) == 3 and problem.scope[0] == "paths":
        # 0.29.1 names a response it cannot parse only by status code, in the message.
        status = re.search(r"Cannot parse response for status code (\d\w\w|default)\b", problem.text)
        operation = lookup(document, json_pointer(*problem.scope))
        if status and isinstance(operation, dict):
            codes = {str(code): code for code in operation.get("responses") or {}}
            if status.group(1) in codes:
                where = (*problem.scope, "responses", codes[status.group(1)])
        elif (
            isinstance(operation, dict)
            and "requestBody" in operation
            and "response" not in problem.text.lower()
        ):
            where = (*problem.scope, "requestBody")
    return _fall_back_at(document, where or problem.scope, log, rounds, problem.describe())


def _fall_back_at(document: dict[str, Any], path: Path, log: RepairLog, rounds: _Rounds, why: str) -> bool:
    for unit in units_containing(document, path):
        if unit in rounds.fallen_back:
            continue
        rounds.fallen_back.add(unit)
        if fall_back(document, unit, log, why):
            return True
    return False


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
