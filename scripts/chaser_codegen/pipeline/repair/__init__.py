"""The repair stage: real specs made valid and generatable, with every change written down.

It runs between load and overlay. Each rule is one class of defect that real documents carry
and every tolerant reader accepts (a repeated `required` entry, `nullable` in a 3.1 document,
a `4xx` response key, a `title` on an operation...). A rule changes only what a reviewer can
confirm from the document itself, and records each change (rule, JSON pointer, before, after)
in the `RepairLog`, which the pipeline prints as a summary and writes as a report
(`spec/repairs.json` for the vendored spec).

What no rule repairs reaches the validate stage unchanged, and fails there as before. Repairs
that depend on what openapi-python-client can express run later, in `repair.parse_errors`, with the
same log.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

# The rule modules register their rules on import, and run in that order: paths and references;
# parameters (before unknown fields are set aside: Swagger 2.0 leftovers carry a schema's
# keywords on the parameter); OpenAPI objects (string status codes, valid fields); schema
# keywords; what schemas combine; and last the values, checked against the schemas as the earlier rules left them.
from . import references, parameters, structure, schemas, composition, values  # noqa: F401  # isort: skip
from .log import ABSENT, Repair, RepairLog, load_report, report_beside
from .rule import RULES, Context, Rule, named
from .walk import Node, walk

__all__ = [
    "ABSENT",
    "RULES",
    "Repair",
    "RepairLog",
    "RepairResult",
    "Rule",
    "load_report",
    "repair_document",
    "report_beside",
]


@dataclass
class RepairResult:
    document: dict[str, Any]
    log: RepairLog
    # Media types openapi-python-client cannot read, each mapped to the one it should read them
    # as (always application/octet-stream: bytes). The wire type is unchanged.
    content_type_overrides: dict[str, str] = field(default_factory=dict)


RULE_FAILED = named(
    "repair-rule-failed",
    "a repair rule raised an error on this object (a construct it was not written for): the object "
    "is left as it was, for the validate stage and the fallback net, and the error is reported",
)
OPENAPI_VERSION = named(
    "openapi-version",
    "an `openapi` field that says 3.0 or 3.1 but is no full version (`3.1`, `3.0`, `3.1.x-junk`) "
    "is read as the version it names: 3.0.3 or 3.1.0",
)


def _openapi_version(document: dict[str, Any], log: RepairLog) -> None:
    value = document.get("openapi")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # YAML reads `openapi: 3.0` as a number
    if not isinstance(value, str) or re.fullmatch(r"3\.[01]\.\d+(-[\w.]+)?", value):
        return
    match = re.match(r"3\.([01])(?:\D|$)", value)
    if match:
        fixed = "3.1.0" if match.group(1) == "1" else "3.0.3"
        log.record(OPENAPI_VERSION, ("openapi",), before=document["openapi"], after=fixed)
        document["openapi"] = fixed


def document_version(document: dict[str, Any]) -> str:
    version = document.get("openapi")
    return "3.1" if isinstance(version, str) and version.startswith("3.1") else "3.0"


def repair_document(document: dict[str, Any], *, source: str = "spec") -> RepairResult:
    """A repaired copy of `document` (the input is not changed) and the log of every repair.

    Only OpenAPI 3.0 and 3.1 documents are repaired: anything else is refused here, as the
    validate stage would (a Swagger 2.0 document gets the hint to convert it).
    """
    from ..validate import openapi_version

    repaired = copy.deepcopy(document)
    log = RepairLog()
    _openapi_version(repaired, log)
    openapi_version(repaired, source)
    ctx = Context(repaired, document_version(repaired), log)
    nodes = walk(repaired)
    # The nodes each set of kinds selects, in document order: most rules look at one kind of
    # the document's hundred thousand objects (OpenAI's spec), so select them once per walk.
    selected: dict[frozenset[str], list[Node]] = {}
    for current in RULES:
        if ctx.version not in current.versions:
            continue
        ctx.rule = current.name
        before = len(ctx.log)
        kinds = frozenset(current.kinds)
        if kinds not in selected:
            selected[kinds] = [node for node in nodes if node.kind in kinds]
        for node in selected[kinds]:
            try:
                current.apply(node, ctx)
            except Exception as exc:
                # A rule of ours that fails on a construct nobody wrote it for must not sink the
                # spec: the node stays as it was (the validate stage and the fallback net see it),
                # and the failure is in the report, where --strict refuses it.
                log.record(RULE_FAILED, node.path, before=f"{current.name}: {type(exc).__name__}: {exc}")
        if current.restructures and len(ctx.log) != before:
            nodes = walk(repaired)
            selected.clear()
    return RepairResult(repaired, ctx.log)
