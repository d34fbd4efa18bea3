"""Stage 4, normalize: the reviewed exclusions, and what openapi-python-client cannot take as is.

- Operations listed in spec/exclusions.yaml are removed, each for its stated reason. An entry
  that matches no operation is stale and fails the run, so the list never lies.
- Every operation gets an operationId (from its method and path when upstream has none), and
  operationIds that would become the same Python name are made distinct. openapi-python-client
  names a module after the operationId; two equal names would silently overwrite one module.

Every change is returned as a note, so nothing happens to the spec without a record.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PipelineError, json_pointer
from .load import load_document
from .model import Exclusion, iter_operations, operation_key
from .names import ascii_identifier


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
    document: dict[str, Any], exclusions: list[Exclusion], *, source: str
) -> tuple[dict[str, Any], list[Note]]:
    result = copy.deepcopy(document)
    notes: list[Note] = []
    present = {operation_key(method, path): (path, method) for path, method, _ in iter_operations(result)}
    for exclusion in exclusions:
        if exclusion.key not in present:
            raise PipelineError(
                "normalize",
                f"the exclusion {exclusion.key!r} matches no operation in the spec",
                location="spec/exclusions.yaml",
                hint="upstream removed or renamed it: delete the entry",
            )
        path, method = present[exclusion.key]
        del result["paths"][path][method]
        notes.append(Note(json_pointer("paths", path, method), f"excluded: {exclusion.reason}"))

    seen: dict[str, str] = {}
    for path, method, operation in iter_operations(result):
        pointer = json_pointer("paths", path, method)
        original = operation.get("operationId")
        if not isinstance(original, str) or ascii_identifier(original, prefix="op") is None:
            derived = f"{method}_{path}"
            operation["operationId"] = derived
            notes.append(
                Note(
                    pointer,
                    f"operationId {original!r} unusable; derived {derived!r} from the method and path",
                )
            )
        base = ascii_identifier(operation["operationId"], prefix="op") or "operation"
        name, counter = base, 2
        while name in seen:
            name = f"{base}_{counter}"
            counter += 1
        if name != base:
            notes.append(
                Note(
                    pointer,
                    f"operationId {operation['operationId']!r} clashes with {seen[base]}; renamed {name!r}",
                )
            )
            operation["operationId"] = name
        seen[name] = pointer
    return result, notes
