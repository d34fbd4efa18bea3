"""The record of every change the repair stage made to a spec: what `spec/repairs.json` holds.

Each `Repair` names its rule, the JSON pointer of what it changed (in the document as the rule
saw it) and the value before and after. A value that did not exist before (a field the rule
added) or no longer exists after (a field it removed) is `ABSENT`, and left out of the JSON.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ...errors import PipelineError, json_pointer


class _Absent:
    """The value of a field that does not exist (distinct from JSON null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()

# A report lists at most this many characters of a before/after value; a repair that replaced a
# whole schema keeps its pointer and a prefix, which is enough to review it beside the spec.
MAX_VALUE_CHARS = 2000


@dataclass(frozen=True)
class Repair:
    rule: str
    pointer: str
    before: Any = ABSENT
    after: Any = ABSENT

    @property
    def key(self) -> tuple[str, str]:
        """What identifies a repair from one report to the next (values may differ in detail)."""
        return self.rule, self.pointer

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"rule": self.rule, "pointer": self.pointer}
        if self.before is not ABSENT:
            entry["before"] = _bounded(self.before)
        if self.after is not ABSENT:
            entry["after"] = _bounded(self.after)
        return entry

    def describe(self, limit: int = 80) -> str:
        """`rule` at `pointer`: before -> after, each value as short JSON."""
        return f"{self.rule} at {self.pointer}: {self.change(limit)}"

    def change(self, limit: int = 80) -> str:
        """before -> after, each value as short JSON."""
        before = "(absent)" if self.before is ABSENT else _short(self.before, limit)
        after = "(removed)" if self.after is ABSENT else _short(self.after, limit)
        return f"{before} -> {after}"


def _bounded(value: Any) -> Any:
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= MAX_VALUE_CHARS:
        return value
    return {"x-truncated": text[:MAX_VALUE_CHARS]}


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class RepairLog:
    """The repairs of one run, in the order they were made."""

    repairs: list[Repair] = field(default_factory=list)

    def record(self, rule: str, path: Iterable[str | int], before: Any = ABSENT, after: Any = ABSENT) -> None:
        # Copy mutable values: the rule goes on changing the document after recording.
        self.repairs.append(Repair(rule, json_pointer(*path), _snapshot(before), _snapshot(after)))

    def extend(self, other: RepairLog) -> None:
        self.repairs.extend(other.repairs)

    def __len__(self) -> int:
        return len(self.repairs)

    def summary(self) -> dict[str, int]:
        """Repairs per rule, most frequent first (ties by name, so the order is stable)."""
        counts = Counter(repair.rule for repair in self.repairs)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def summary_line(self) -> str:
        if not self.repairs:
            return "Repairs: none (the spec needed no changes)"
        rules = ", ".join(f"{rule} {count}" for rule, count in self.summary().items())
        return f"Repairs: {len(self.repairs)} ({rules})"

    def examples(self, per_rule: int) -> list[str]:
        """A few repairs of each rule, one line each, and how many more there are."""
        lines: list[str] = []
        for rule, count in self.summary().items():
            shown = [repair for repair in self.repairs if repair.rule == rule][:per_rule]
            lines.extend(f"  {repair.describe()}" for repair in shown)
            if count > len(shown):
                lines.append(f"  … and {count - len(shown)} more {rule}")
        return lines

    def groups(self) -> dict[str, dict[str, int]]:
        """Repairs per rule, then per place (the schema or the operation each is in), most
        frequent first: 1,050 title clashes read as the few schemas they come from."""
        grouped: dict[str, Counter[str]] = {}
        for repair in self.repairs:
            grouped.setdefault(repair.rule, Counter())[place_of(repair.pointer)] += 1
        return {
            rule: dict(sorted(places.items(), key=lambda item: (-item[1], item[0])))
            for rule, places in sorted(grouped.items(), key=lambda item: (-item[1].total(), item[0]))
        }

    def grouped_lines(self, per_rule: int = 3) -> list[str]:
        """One line per rule: how many repairs, in how many places, and the busiest places."""
        lines = []
        for rule, places in self.groups().items():
            total = sum(places.values())
            busiest = ", ".join(f"{place} ({count})" for place, count in list(places.items())[:per_rule])
            more = f", and {len(places) - per_rule} more" if len(places) > per_rule else ""
            noun = "place" if len(places) == 1 else "places"
            lines.append(f"  {rule}: {total} in {len(places)} {noun}: {busiest}{more}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "by_place": self.groups(),
            "repairs": [repair.to_json() for repair in self.repairs],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(self.dumps(), encoding="utf-8")
        temporary.replace(path)

    def refuse_if_strict(self, strict: bool, source: str) -> None:
        """--strict: any repair is an error, listing the first few with their locations."""
        if not strict or not self.repairs:
            return
        shown = "\n    ".join(repair.describe() for repair in self.repairs[:20])
        more = f"\n    … and {len(self.repairs) - 20} more" if len(self.repairs) > 20 else ""
        raise PipelineError(
            "repair",
            f"--strict: the spec needs {len(self.repairs)} repairs:\n    {shown}{more}",
            location=source,
            hint="fix the spec upstream (or with the overlay), or run without --strict",
        )


def place_of(pointer: str) -> str:
    """The schema or the operation a repair's pointer is in: `schema Foo`, `GET /v1/things`."""
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.removeprefix("#/").split("/")]
    if parts[:2] == ["components", "schemas"] and len(parts) > 2:
        return f"schema {parts[2]}"
    if parts[:1] == ["components"] and len(parts) > 2:
        return f"{parts[1]} {parts[2]}"
    if parts[:1] == ["paths"] and len(parts) > 2:
        return f"{parts[2].upper()} {parts[1]}"
    if parts[:1] == ["paths"] and len(parts) == 2:
        return f"path {parts[1]}"
    return "/".join(parts[:2]) or "document"


def _snapshot(value: Any) -> Any:
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def report_beside(spec: Path) -> Path:
    """Where the repair report of a spec file lives: `repairs.json` beside `openapi.json`,
    `<version>.repairs.json` beside a recorded release `<version>.json`."""
    if spec.name == "openapi.json":
        return spec.with_name("repairs.json")
    return spec.with_name(f"{spec.stem}.repairs.json")


def load_report(path: Path | None) -> list[Repair]:
    """The repairs a report lists; none when there is no report (the spec needed none)."""
    if path is None or not path.exists():
        return []
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError("repair-report", f"cannot read the repair report {path}: {exc}") from exc
    entries = report.get("repairs") if isinstance(report, dict) else None
    if not isinstance(entries, list):
        raise PipelineError("repair-report", f"{path} is not a repair report: no `repairs` list")
    repairs = []
    for index, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("rule"), str)
            and isinstance(entry.get("pointer"), str)
        ):
            raise PipelineError(
                "repair-report", f"{path}: repairs[{index}] needs a string `rule` and `pointer`"
            )
        repairs.append(
            Repair(entry["rule"], entry["pointer"], entry.get("before", ABSENT), entry.get("after", ABSENT))
        )
    return repairs
