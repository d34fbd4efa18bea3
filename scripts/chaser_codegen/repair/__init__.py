"""The repair stage: real specs made valid and generatable, with every change written down.

It runs between load and overlay. Each rule is one class of defect that real documents carry
and every tolerant reader accepts (a repeated `required` entry, `nullable` in a 3.1 document,
a `4xx` response key, a `title` on an operation...). A rule changes only what a reviewer can
confirm from the document itself, and records each change (rule, JSON pointer, before, after)
in the `RepairLog`, which the pipeline prints as a summary and writes as a report
(`spec/repairs.json` for the vendored spec).

What no rule repairs reaches the validate stage unchanged, and fails there as before. Repairs
that depend on what openapi-python-client can express run later, in `repair.lowlevel`, with the
same log.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

# The rule modules register their rules on import, in this order: structure first (later rules
# rely on string status codes and required path parameters), then schema keywords, then values
# (checked against the schemas as the earlier rules left them).
from . import schemas, structure, values  # noqa: F401
from .log import ABSENT, Repair, RepairLog, load_report
from .rule import RULES, Context, Rule
from .walk import walk

__all__ = ["ABSENT", "RULES", "Repair", "RepairLog", "RepairResult", "Rule", "load_report", "repair_document"]


@dataclass
class RepairResult:
    document: dict[str, Any]
    log: RepairLog
    # Media types openapi-python-client cannot read, each mapped to the one it should read them
    # as (always application/octet-stream: bytes). The wire type is unchanged.
    content_type_overrides: dict[str, str] = field(default_factory=dict)


def document_version(document: dict[str, Any]) -> str:
    version = document.get("openapi")
    return "3.1" if isinstance(version, str) and version.startswith("3.1") else "3.0"


def repair_document(document: dict[str, Any], *, source: str = "spec") -> RepairResult:
    """A repaired copy of `document` (the input is not changed) and the log of every repair.

    Only OpenAPI 3.0 and 3.1 documents are repaired: anything else is refused here, as the
    validate stage would (a Swagger 2.0 document gets the hint to convert it).
    """
    from ..validate import openapi_version

    openapi_version(document, source)
    repaired = copy.deepcopy(document)
    ctx = Context(repaired, document_version(repaired), RepairLog())
    nodes = walk(repaired)
    for current in RULES:
        if ctx.version not in current.versions:
            continue
        ctx.rule = current.name
        before = len(ctx.log)
        for node in nodes:
            if node.kind in current.kinds:
                current.apply(node, ctx)
        if current.restructures and len(ctx.log) != before:
            nodes = walk(repaired)
    return RepairResult(repaired, ctx.log)
