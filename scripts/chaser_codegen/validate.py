"""Stage 3, validate: the overlaid document must be valid OpenAPI 3.0 or 3.1.

openapi-spec-validator checks the document against the OpenAPI meta-schema and the rules the
meta-schema cannot express (unique operationIds, declared path parameters, resolvable $refs).
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from .errors import PipelineError, json_pointer

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
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(spec, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                _follow(spec, ref, where, source)
            stack.extend((value, (*where, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(node))


_MISSING = object()


def _target(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref[2:].split("/") if ref.startswith("#/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _follow(spec: dict[str, Any], ref: str, where: tuple[str | int, ...], source: str) -> None:
    chain = [ref]
    node = _target(spec, ref)
    while True:
        if node is _MISSING:
            raise PipelineError(
                "validate",
                f"$ref {chain[-1]!r} points at nothing",
                location=f"{source} {json_pointer(*where)}",
            )
        next_ref = node.get("$ref") if isinstance(node, dict) and len(node) == 1 else None
        if not isinstance(next_ref, str) or not next_ref.startswith("#"):
            return
        if next_ref in chain:
            loop = " -> ".join([*chain, next_ref])
            raise PipelineError(
                "validate",
                f"$ref cycle with nothing in between: {loop}",
                location=f"{source} {json_pointer(*where)}",
            )
        chain.append(next_ref)
        node = _target(spec, next_ref)


def check_structure(spec: dict[str, Any], source: str) -> None:
    """The quick checks later stages rely on: the version, paths, and every $ref resolving."""
    openapi_version(spec, source)
    if not isinstance(spec.get("paths"), dict):
        raise PipelineError(
            "validate", "the document has no paths object", location=f"{source} {json_pointer('paths')}"
        )
    check_references(spec, source)


def validate_spec(spec: dict[str, Any], source: str) -> None:
    """Raise a PipelineError listing the first few problems, each with its JSON pointer."""
    check_structure(spec, source)
    version = openapi_version(spec, source)

    # Imported here: the validator is the slowest import of the pipeline and --check rarely needs it.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1.") else OpenAPIV30SpecValidator
    errors: list[Any] = []
    iterator = validator_class(spec).iter_errors()
    try:
        errors.extend(islice(iterator, MAX_REPORTED_ERRORS))
    except RecursionError as exc:
        raise PipelineError("validate", "a $ref cycle the validator cannot follow", location=source) from exc
    except Exception as exc:
        # The validator's semantic checks can crash on a document its schema check already
        # rejected (or on an unresolvable $ref); report what it found before it crashed.
        if not errors:
            raise PipelineError(
                "validate",
                f"the document is not valid OpenAPI (the validator stopped on {type(exc).__name__}: {exc})",
                location=source,
            ) from exc
    if errors:
        lines = []
        for error in errors:
            path = getattr(error, "absolute_path", None) or getattr(error, "path", None) or ()
            pointer = json_pointer(*path) if path else "#"
            message = str(getattr(error, "message", error)).splitlines()[0]
            lines.append(f"{pointer}: {message[:300]}")
        raise PipelineError(
            "validate",
            "the document is not valid OpenAPI:\n    " + "\n    ".join(lines),
            location=source,
        )
