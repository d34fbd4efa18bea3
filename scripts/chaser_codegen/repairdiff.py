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

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PipelineError

ABSENT: Any = object()  # `before`/`after` left out of the report: the value did not exist


@dataclass(frozen=True)
class Repair:
    rule: str
    pointer: str
    before: Any = ABSENT
    after: Any = ABSENT

    @property
    def key(self) -> tuple[str, str]:
        return self.rule, self.pointer

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"rule": self.rule, "pointer": self.pointer}
        if self.before is not ABSENT:
            entry["before"] = self.before
        if self.after is not ABSENT:
            entry["after"] = self.after
        return entry

    def describe(self, limit: int = 80) -> str:
        """`rule` at `pointer`: before -> after, each value as short JSON."""
        before = "(absent)" if self.before is ABSENT else _short(self.before, limit)
        after = "(removed)" if self.after is ABSENT else _short(self.after, limit)
        return f"{self.rule} at {self.pointer}: {before} -> {after}"


@dataclass(frozen=True)
class RepairChanges:
    new: list[Repair]
    gone: list[Repair]

    def as_dict(self) -> dict[str, Any]:
        return {"new": [r.as_dict() for r in self.new], "gone": [r.as_dict() for r in self.gone]}


def load_report(path: Path | None) -> list[Repair]:
    """The repairs a report lists; none when there is no report."""
    if path is None or not path.exists():
        return []
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError("spec-diff", f"cannot read the repair report {path}: {exc}") from exc
    entries = report.get("repairs") if isinstance(report, dict) else None
    if not isinstance(entries, list):
        raise PipelineError("spec-diff", f"{path} is not a repair report: no `repairs` list")
    repairs = []
    for index, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("rule"), str)
            and isinstance(entry.get("pointer"), str)
        ):
            raise PipelineError("spec-diff", f"{path}: repairs[{index}] needs a string `rule` and `pointer`")
        repairs.append(
            Repair(entry["rule"], entry["pointer"], entry.get("before", ABSENT), entry.get("after", ABSENT))
        )
    return repairs


def compare(old: list[Repair], new: list[Repair]) -> RepairChanges:
    old_keys = {repair.key for repair in old}
    new_keys = {repair.key for repair in new}
    return RepairChanges(
        new=[repair for repair in new if repair.key not in old_keys],
        gone=[repair for repair in old if repair.key not in new_keys],
    )


def report_beside(spec: Path) -> Path:
    """Where the repair report of a spec file lives: `repairs.json` beside `openapi.json`,
    `<version>.repairs.json` beside a recorded release `<version>.json`."""
    if spec.name == "openapi.json":
        return spec.with_name("repairs.json")
    return spec.with_name(f"{spec.stem}.repairs.json")


def render_text(changes: RepairChanges) -> list[str]:
    lines = []
    if changes.new:
        lines.append(f"New repairs ({len(changes.new)}): upstream defects the pipeline now fixes")
        lines.extend(f"  - {repair.describe()}" for repair in changes.new)
    if changes.gone:
        lines.append(f"Repairs no longer needed ({len(changes.gone)}): upstream fixed these")
        lines.extend(f"  - {repair.rule} at {repair.pointer}" for repair in changes.gone)
    return lines


def _short(value: Any, limit: int) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
