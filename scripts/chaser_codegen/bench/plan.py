"""What every benchmark row gets: the plan of rounds, a work directory, the log, the details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Plan:
    """Rounds per benchmark (--quick halves the work or more)."""

    regen_chaser: int = 5
    regen_real: int = 3
    chained: int = 2
    synthetic: dict[int, int] = field(default_factory=lambda: {100: 3, 300: 3, 1000: 2})
    check: int = 7
    imports: int = 30
    per_call_rounds: int = 15
    per_call_calls: int = 200
    pagination_items: tuple[int, int] = (10_000, 100_000)
    fanout_rounds: dict[int, int] = field(default_factory=lambda: {1_000: 5, 10_000: 3})

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            regen_chaser=2,
            regen_real=1,
            chained=1,
            synthetic={100: 1, 300: 1, 1000: 1},
            check=3,
            imports=10,
            per_call_rounds=5,
            per_call_calls=100,
            fanout_rounds={1_000: 2, 10_000: 1},
        )


class Context:
    def __init__(self, plan: Plan, workdir: Path, log: Callable[[str], None]) -> None:
        self.plan = plan
        self.workdir = workdir
        self.log = log
        # (tool, N) -> (seconds samples, stage timings per sample), shared by the synthetic
        # comparison and the scaling fit, so N=300 is generated once per round.
        self.synthetic: dict[tuple[str, int], tuple[list[float], list[dict[str, float]]]] = {}
        self.info: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        return self.workdir / name
