"""The statistics of the benchmarks: quantiles, the spread of samples, paired ratios, a
power-law fit, and the interleaving of a baseline with its candidate."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be between 0 and 1")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return quantile(values, 0.5)


@dataclass(frozen=True)
class Spread:
    """The median of some samples and how far they spread."""

    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(
            median=median(values),
            minimum=min(values),
            maximum=max(values),
            q1=quantile(values, 0.25),
            q3=quantile(values, 0.75),
            n=len(values),
        )

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1


def paired_ratios(baseline: Sequence[float], candidate: Sequence[float]) -> list[float]:
    """candidate / baseline, round by round (each pair ran back to back)."""
    if len(baseline) != len(candidate):
        raise ValueError("the baseline and the candidate need the same number of rounds")
    return [c / b for b, c in zip(baseline, candidate, strict=True)]


@dataclass(frozen=True)
class PowerFit:
    """time = coefficient * size ** exponent, fitted by least squares on log(time) vs log(size)."""

    exponent: float
    coefficient: float
    r_squared: float

    def predict(self, size: float) -> float:
        return self.coefficient * math.pow(size, self.exponent)


def fit_power_law(sizes: Sequence[float], times: Sequence[float]) -> PowerFit:
    if len(sizes) != len(times) or len(sizes) < 2:
        raise ValueError("need at least two (size, time) points")
    if min(sizes) <= 0 or min(times) <= 0:
        raise ValueError("sizes and times must be positive")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("need at least two different sizes")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    ss_total = sum((y - mean_y) ** 2 for y in ys)
    ss_residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    r_squared = 1.0 - ss_residual / ss_total if ss_total > 0 else 1.0
    return PowerFit(exponent=slope, coefficient=math.exp(intercept), r_squared=r_squared)


def growth_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """The slope of log(time) against log(size): 1 is linear, 2 quadratic."""
    return fit_power_law(sizes, times).exponent


Measure = Callable[[], float]


def interleave(
    baseline: Measure, candidate: Measure, *, rounds: int, warmup: int = 0
) -> tuple[list[float], list[float]]:
    """Run both `rounds` times, alternating which goes first; each call returns its seconds."""
    for _ in range(warmup):
        baseline()
        candidate()
    base: list[float] = []
    cand: list[float] = []
    for index in range(rounds):
        if index % 2 == 0:
            base.append(baseline())
            cand.append(candidate())
        else:
            cand.append(candidate())
            base.append(baseline())
    return base, cand
