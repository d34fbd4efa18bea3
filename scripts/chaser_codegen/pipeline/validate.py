"""The validate stage: the repaired and overlaid document must be valid OpenAPI 3.0 or 3.1, and
what is invalid in one place degrades there (validate_or_degrade)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import PipelineError, json_pointer
from ..refs import MISSING, lookup
from .repair.log import RepairLog

Path = tuple[str | int, ...]

MAX_REPORTED_ERRORS = 5


def openapi_version(spec: dict[str, Any], source: str) -> str:
    version = spec.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        hint = "Swagger 2.0 documents must be converted to OpenAPI 3 first" if "swagger" in spec else None
        raise PipelineError(
            "validate",
            f"unsupported OpenAPI version {version!r} (expected 3.0.x or 3.1.x)",
            location=f"{source} {json_pointer('openapi')}",
            hint=hint,
        )
    return version


def check_references(spec: dict[str, Any], source: str) -> None:
    """Every local $ref resolves, and no chain of bare $refs loops back on itself.

    openapi-spec-validator finds these too, but reports them without saying where.
    """
    problems = reference_problems(spec)
    if problems:
        where, message = problems[0]
        raise PipelineError("validate", message, location=f"{source} {json_pointer(*where)}")


def reference_problems(spec: dict[str, Any]) -> list[tuple[Path, str]]:
    """Each local $ref that points at nothing or loops, with where it is written."""
    problems: list[tuple[Path, str]] = []
    stack: list[tuple[Any, Path]] = [(spec, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                problem = _follow(spec, ref, json_pointer(*where))
                if problem is not None:
                    problems.append((where, problem))
            stack.extend((value, (*where, key)) for key, value in node.items() if not is_data(where, key))
        elif isinstance(node, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(node))
    return sorted(problems, key=lambda problem: [str(part) for part in problem[0]])


def is_data(where: Path, key: Any) -> bool:
    """Whether `key` of the object at `where` holds example data, where a "$ref" is no reference:
    `example`, and the `value` of an Example Object (`examples: {name: {value: ...}}`)."""
    return key == "example" or (key == "value" and len(where) >= 2 and where[-2] == "examples")


def _follow(spec: dict[str, Any], ref: str, written_at: str) -> str | None:
    """What is wrong with the reference written at `written_at`, reported only where the fault
    is: a reference to a reference that points at nothing is fine itself (the one it points at
    is reported), and a cycle is reported at the references that form it."""
    chain = [ref]
    node = lookup(spec, ref)
    if node is MISSING:
        return f"$ref {ref!r} points at nothing"
    while True:
        next_ref = node.get("$ref") if isinstance(node, dict) and len(node) == 1 else None
        if not isinstance(next_ref, str) or not next_ref.startswith("#"):
            return None
        if next_ref in chain:
            if written_at not in chain:
                return None  # it leads into a cycle; the cycle is reported where it is written
            loop = " -> ".join([*chain, next_ref])
            return f"$ref cycle with nothing in between: {loop}"
        chain.append(next_ref)
        node = lookup(spec, next_ref)
        if node is MISSING:
            return None  # the reference before it points at nothing, and is reported there


def check_structure(spec: dict[str, Any], source: str) -> None:
    """The quick checks later stages rely on: the version, paths, and every $ref resolving."""
    openapi_version(spec, source)
    if not isinstance(spec.get("paths"), dict):
        raise PipelineError(
            "validate", "the document has no paths object", location=f"{source} {json_pointer('paths')}"
        )
    check_references(spec, source)


def validate_spec(spec: dict[str, Any], source: str) -> None:
    """Raise a PipelineError listing the first few problems, each with its JSON pointer.

    The document is checked against the official OpenAPI JSON Schema of its version, and (3.1)
    every Schema Object against the OpenAPI 3.1 dialect of JSON Schema, both with jsonschema-rs:
    the same schemas openapi-spec-validator checks against, in a fraction of the time (a 1,400-
    schema spec: 0.1 s instead of 12). What those schemas cannot say, the pipeline checks itself:
    every $ref resolves (check_references), operationIds are unique and path parameters match
    their templates (the repair and normalize stages make them so, and record it).
    """
    check_structure(spec, source)
    problems = _problems(spec)
    if problems:
        lines = [
            f"{json_pointer(*where)}: {' '.join(message.split())[:300]}"
            for where, message in problems[:MAX_REPORTED_ERRORS]
        ]
        more = (
            f"\n    … and {len(problems) - MAX_REPORTED_ERRORS} more"
            if len(problems) > MAX_REPORTED_ERRORS
            else ""
        )
        raise PipelineError(
            "validate",
            "the document is not valid OpenAPI:\n    " + "\n    ".join(lines) + more,
            location=source,
        )


def validate_or_degrade(spec: dict[str, Any], source: str, log: RepairLog, *, strict: bool = False) -> None:
    """Validate; what is invalid in one place falls back there, and the rest is read.

    A problem inside a schema, a parameter, a response or a request body makes the smallest of
    those that contains it untyped (repair.fallback); a field of another object whose value
    OpenAPI does not allow is set aside as an x- extension; a reference that points at nothing
    is a schema that accepts anything. Each is recorded with its pointer and the validator's
    words. Only the document as a whole (no version, no paths) is refused, and with `strict`
    every problem is, as before.
    """
    from .repair.fallback import fall_back, set_field_aside, units_containing

    check_structure_whole(spec, source)
    done: set[Path] = set()
    for _ in range(MAX_DEGRADE_ROUNDS):
        problems = reference_problems(spec) + _problems(spec)
        if not problems or strict:
            break
        problems = _located(spec, problems)
        changed = False
        for where, message in problems:
            candidates = ([("field", where)] if not _in_typed_unit(where) else []) + [
                ("unit", unit) for unit in units_containing(spec, where)
            ]
            for kind, unit in candidates:
                if (kind, *unit) in done:
                    continue
                done.add((kind, *unit))
                applied = (
                    set_field_aside(spec, unit, log, message)
                    if kind == "field"
                    else fall_back(spec, unit, log, message)
                )
                if applied:
                    changed = True
                    break
        if not changed:
            break
    validate_spec(spec, source)


MAX_DEGRADE_ROUNDS = 6
# A problem reported at an object with more OpenAPI objects than this below it is not narrowed.
MAX_LOCATED_NODES = 5000


def _located(spec: dict[str, Any], problems: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Each problem at the innermost object that is at fault.

    The official schema says `oneOf: [Response, Reference]` for a response, so a bad keyword deep
    in a response's schema is reported at the response ("not valid under any of the given
    schemas"). Each OpenAPI object below that place is checked against its own definition,
    innermost first; the innermost invalid ones, with their own errors, are where the fault is.
    """
    from .repair.metaschema import definition_name
    from .repair.walk import walk

    nodes = walk(spec)
    version = openapi_version(spec, "spec")[:3]
    located: list[tuple[Path, str]] = []
    for where, message in problems:
        below = [node for node in nodes if node.path[: len(where)] == where and node.kind != "reference"]
        if len(below) > MAX_LOCATED_NODES:
            located.append((where, message))
            continue
        invalid: list[Path] = []
        found: list[tuple[Path, str]] = []
        for node in sorted(below, key=lambda node: -len(node.path)):
            name = definition_name(node.kind, version)
            if name is None or any(path[: len(node.path)] == node.path for path in invalid):
                continue
            if version == "3.0" and "$ref" in node.value:
                continue  # a Reference Object, not a Schema: the `Schema` definition refuses it
            errors = list(_definition_validator(version, name).iter_errors(node.value))
            if errors:
                invalid.append(node.path)
                found += [
                    (_document_path(spec, (*node.path, *error.instance_path)), error.message)
                    for error in errors
                ]
        located += found or [(where, message)]
    return located


def check_structure_whole(spec: dict[str, Any], source: str) -> None:
    """What refuses a document as a whole: no OpenAPI 3.0/3.1 version, or no paths object."""
    openapi_version(spec, source)
    if not isinstance(spec.get("paths"), dict):
        raise PipelineError(
            "validate", "the document has no paths object", location=f"{source} {json_pointer('paths')}"
        )


def _in_typed_unit(where: Path) -> bool:
    """Inside a schema, a parameter, a response or a request body (which fall back as a whole)."""
    if where[:2] in (("components", "schemas"), ("components", "parameters"), ("components", "responses")):
        return True
    return any(key in ("schema", "parameters", "responses", "requestBody") for key in where)


def _problems(spec: dict[str, Any]) -> list[tuple[Path, str]]:
    version = openapi_version(spec, "spec")
    problems = [
        (_document_path(spec, error.instance_path), error.message)
        for error in _document_validator(version[:3]).iter_errors(spec)
    ]
    if version.startswith("3.1."):
        problems += _schema_problems(spec)
    return problems


def _document_path(document: Any, parts: Any) -> Path:
    """A validator's instance path as the document's keys: `200` under `responses` is "200"."""
    path: list[str | int] = []
    node = document
    for part in parts:
        if isinstance(node, dict):
            key: str | int = part if part in node else str(part)
            path.append(key)
            node = node.get(key)
        else:
            path.append(part)
            node = (
                node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
            )
    return tuple(path)


def _schema_problems(spec: dict[str, Any]) -> list[tuple[Path, str]]:
    """Each 3.1 Schema Object against the dialect; a nested schema's problem is reported once,
    at the outermost schema that contains it (the dialect checks nested schemas itself)."""
    from .repair.walk import walk

    validator = _dialect_validator()
    problems: list[tuple[Path, str]] = []
    checked: list[tuple[str | int, ...]] = []
    for node in walk(spec):
        if node.kind != "schema" or any(node.path[: len(outer)] == outer for outer in checked[-1:]):
            continue
        checked.append(node.path)
        problems += [
            (_document_path(spec, (*node.path, *error.instance_path)), error.message)
            for error in validator.iter_errors(node.value)
        ]
    return problems


@cache
def _definition_validator(version: str, name: str) -> Any:
    """A validator for one definition of the official schema (`Schema`, `response`...)."""
    import jsonschema_rs

    from .repair.metaschema import official_schema

    schema = dict(official_schema(version))
    definitions = "$defs" if "$defs" in schema else "definitions"
    schema["$ref"] = f"#/{definitions}/{name}"
    for keyword in (
        "properties",
        "required",
        "patternProperties",
        "additionalProperties",
        "type",
        "unevaluatedProperties",
    ):
        schema.pop(keyword, None)
    return jsonschema_rs.validator_for(schema, validate_formats=False)


@cache
def _document_validator(version: str) -> Any:
    import jsonschema_rs

    from .repair.metaschema import official_schema

    return jsonschema_rs.validator_for(official_schema(version), validate_formats=False)


@cache
def _dialect_validator() -> Any:
    import jsonschema_rs
    from openapi_schema_validator._dialects import OAS31_BASE_DIALECT_METASCHEMA
    from openapi_schema_validator._specifications import REGISTRY as OPENAPI_SPECIFICATIONS

    # The dialect refers to the 2020-12 meta-schemas and to OpenAPI's vocabulary: hand them over
    # from openapi-schema-validator's registry, so that nothing is fetched.
    resources = [(uri, OPENAPI_SPECIFICATIONS[uri].contents) for uri in OPENAPI_SPECIFICATIONS]
    registry = jsonschema_rs.Registry(resources)
    return jsonschema_rs.validator_for(
        OAS31_BASE_DIALECT_METASCHEMA, registry=registry, validate_formats=False
    )
