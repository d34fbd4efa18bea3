"""Which repairs of a spec are new: the part of `scripts/spec-diff` that reads repair reports.

The repair stage writes a report of every change it made to a spec so that the pipeline could
take it (`spec/repairs.json` for the vendored spec):

    {"repairs": [{"rule": str, "pointer": "#/json/pointer", "before": ..., "after": ...}],
     "summary": {rule: count}}

`before` is absent when the value did not exist, `after` when the repair removed it. A repair
is identified by its rule and its pointer. Comparing the report of an old spec with that of a
new one tells a reviewer which defects upstream introduced (new repairs) and which it fixed
(repairs no longer needed). A missing report means the spec needed no repair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The report's types and where reports live are the repair stage's; they are re-exported here
# for the commands that compare reports.
from ..pipeline.repair.log import ABSENT, Repair, load_report, report_beside

__all__ = ["ABSENT", "Repair", "RepairChanges", "compare", "load_report", "render_text", "report_beside"]


@dataclass(frozen=True)
class RepairChanges:
    new: list[Repair]
    gone: list[Repair]

    def as_dict(self) -> dict[str, Any]:
        return {"new": [r.to_json() for r in self.new], "gone": [r.to_json() for r in self.gone]}


def compare(old: list[Repair], new: list[Repair]) -> RepairChanges:
    old_keys = {repair.key for repair in old}
    new_keys = {repair.key for repair in new}
    return RepairChanges(
        new=[repair for repair in new if repair.key not in old_keys],
        gone=[repair for repair in old if repair.key not in new_keys],
    )


def render_text(changes: RepairChanges) -> list[str]:
    lines = []
    if changes.new:
        lines.append(f"New repairs ({len(changes.new)}): upstream defects the pipeline now fixes")
        lines.extend(f"  - {repair.describe()}" for repair in changes.new)
    if changes.gone:
        lines.append(f"Repairs no longer needed ({len(changes.gone)}): upstream fixed these")
        lines.extend(f"  - {repair.rule} at {repair.pointer}" for repair in changes.gone)
    return lines
