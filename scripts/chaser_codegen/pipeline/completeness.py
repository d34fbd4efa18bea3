"""Nothing empties a spec without saying so.

Repairs and fallbacks change a document one place at a time, each recorded. What they must
never do together is make an operation disappear, or leave it without the parameters, body or
responses the spec gave it (a split spec whose operations were each a `$ref` nothing resolved
once came out as 525 operations with no responses, "repaired", and exit 0). This check compares
the document as it was read (bundled, before any repair) with what was generated, and fails the
run, naming each operation, when they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import PipelineError
from ..layout import HTTP_METHODS
from ..refs import resolve
from .model.operations import operation_key

# Header parameters OpenAPI itself says to ignore (the security scheme and the media types say
# what they carry); a repair that removes them removes nothing.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True)
class Parts:
    """What an operation has, counted: enough to tell that a stage took something away."""

    parameters: int
    body: bool
    responses: int
    unresolved: bool  # the operation is a $ref that nothing resolved


Snapshot = list[tuple[str, Parts]]


def snapshot(document: dict[str, Any]) -> Snapshot:
    """Every operation of the document, by its key (`GET /v1/things`), in document order."""
    found: Snapshot = []
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return found
    for template, item in paths.items():
        if not isinstance(item, dict) or str(template).startswith("x-"):
            continue
        shared = _parameter_count(document, item)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                parts = Parts(
                    parameters=shared + _parameter_count(document, operation),
                    body="requestBody" in operation,
                    responses=_response_count(operation),
                    unresolved=set(operation) == {"$ref"},
                )
                found.append((operation_key(method, str(template)), parts))
    return found


def check_complete(
    *,
    read: Snapshot,
    repaired: Snapshot,
    overlaid: Snapshot,
    final: Snapshot,
    generated: set[str],
    excluded: set[str],
    source: str,
) -> None:
    """Fail unless every operation read was generated (or excluded), with its parts.

    Two spans are compared: the repairs (from the document as read to the repaired one), and
    the stages after the overlay (from the overlaid document to the one the low-level layer was
    generated from). The overlay itself is ours and reviewed: what it removes (a header the client
    sends itself) is no loss. Operations are matched by position, as repairs may fix a path.
    """
    problems = _compare("the repairs", read, repaired, set())
    problems += _compare("the stages after the overlay", overlaid, final, excluded)
    not_generated = [key for key, _ in final if key not in generated]
    if not_generated:
        problems.append(f"{len(not_generated)} operations were not generated: {_keys(not_generated)}")
    if problems:
        raise PipelineError(
            "completeness",
            "the generated SDK does not have everything the spec says:\n    "
            + "\n    ".join(problems[:20])
            + (f"\n    … and {len(problems) - 20} more" if len(problems) > 20 else ""),
            location=source,
            hint="this is a bug in a repair or in the bundle stage: nothing may be dropped silently",
        )


def _compare(span: str, before: Snapshot, after: Snapshot, excluded: set[str]) -> list[str]:
    before = [(key, parts) for key, parts in before if key not in excluded]
    problems: list[str] = []
    if len(before) != len(after):
        missing = sorted({key for key, _ in before} - {key for key, _ in after})
        problems.append(
            f"{span} took the spec from {len(before)} operations to {len(after)}"
            + (f" (missing: {_keys(missing)})" if missing else "")
        )
        return problems
    for (key, was), (_, now) in zip(before, after, strict=True):
        lost = []
        if was.unresolved or now.unresolved:
            lost.append("definition (it is a $ref that was never resolved)")
        if was.parameters and not now.parameters:
            lost.append("parameters")
        if was.body and not now.body:
            lost.append("request body")
        if was.responses and not now.responses:
            lost.append("responses")
        if lost:
            problems.append(f"{key} lost its {' and its '.join(lost)} in {span}")
    return problems


def _parameter_count(document: dict[str, Any], owner: dict[str, Any]) -> int:
    parameters = owner.get("parameters")
    if not isinstance(parameters, list):
        return 0
    count = 0
    for parameter in parameters:
        parameter = resolve(document, parameter)
        ignored = (
            isinstance(parameter, dict)
            and parameter.get("in") == "header"
            and str(parameter.get("name", "")).lower() in _IGNORED_HEADERS
        )
        count += not ignored
    return count


def _response_count(operation: dict[str, Any]) -> int:
    responses = operation.get("responses")
    return (
        sum(1 for code in responses if not str(code).startswith("x-")) if isinstance(responses, dict) else 0
    )


def _keys(keys: list[str]) -> str:
    shown = ", ".join(keys[:10])
    return shown + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
