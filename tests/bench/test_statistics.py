"""The benchmark's statistics and parsing helpers, on fixed inputs (no timing here)."""

from __future__ import annotations

import math

import pytest
from chaser_codegen.bench import bench, client, plan, regen, report, stats


def test_median_of_odd_and_even_counts():
    assert stats.median([3.0, 1.0, 2.0]) == 2.0
    assert stats.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert stats.median([7.0]) == 7.0


def test_quantiles_interpolate_linearly():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert stats.quantile(values, 0.0) == 1.0
    assert stats.quantile(values, 1.0) == 5.0
    assert stats.quantile(values, 0.25) == 2.0
    assert stats.quantile([1.0, 2.0, 3.0, 4.0], 0.25) == pytest.approx(1.75)
    with pytest.raises(ValueError):
        stats.quantile([], 0.5)
    with pytest.raises(ValueError):
        stats.quantile([1.0], 1.5)


def test_spread_reports_median_extremes_and_iqr():
    spread = stats.Spread.of([10.0, 1.0, 4.0, 7.0, 2.0])
    assert (spread.median, spread.minimum, spread.maximum, spread.n) == (4.0, 1.0, 10.0, 5)
    assert (spread.q1, spread.q3) == (2.0, 7.0)
    assert spread.iqr == 5.0


def test_paired_ratios_divide_round_by_round():
    assert stats.paired_ratios([1.0, 2.0, 4.0], [1.5, 2.0, 2.0]) == [1.5, 1.0, 0.5]
    with pytest.raises(ValueError):
        stats.paired_ratios([1.0], [1.0, 2.0])


@pytest.mark.parametrize("exponent", [0.5, 1.0, 1.5, 2.0])
def test_growth_exponent_recovers_a_power_law(exponent):
    sizes = [100.0, 300.0, 1000.0]
    times = [0.01 * n**exponent for n in sizes]
    fit = stats.fit_power_law(sizes, times)
    assert fit.exponent == pytest.approx(exponent)
    assert fit.coefficient == pytest.approx(0.01)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.predict(2000) == pytest.approx(0.01 * 2000**exponent)
    assert stats.growth_exponent(sizes, times) == pytest.approx(exponent)


def test_growth_exponent_of_linear_cost_plus_a_constant_is_below_one():
    sizes = [100.0, 300.0, 1000.0]
    fit = stats.fit_power_law(sizes, [2.0 + 0.01 * n for n in sizes])
    assert 0.5 < fit.exponent < 1.0
    assert fit.r_squared < 1.0


def test_growth_exponent_least_squares_on_noisy_points():
    # log-log points (0, 0), (1, 1.2), (2, 1.8): slope 0.9 by least squares
    sizes = [1.0, math.e, math.e**2]
    times = [1.0, math.exp(1.2), math.exp(1.8)]
    assert stats.growth_exponent(sizes, times) == pytest.approx(0.9)


def test_growth_exponent_needs_two_distinct_positive_sizes():
    for sizes, times in (([100.0], [1.0]), ([100.0, 100.0], [1.0, 2.0]), ([0.0, 1.0], [1.0, 2.0])):
        with pytest.raises(ValueError):
            stats.fit_power_law(sizes, times)


def test_interleave_alternates_which_side_goes_first():
    calls: list[str] = []

    def side(name: str, seconds: float):
        def run() -> float:
            calls.append(name)
            return seconds

        return run

    base, cand = stats.interleave(side("a", 1.0), side("b", 2.0), rounds=4, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b", "b", "a"]
    assert base == [1.0] * 4 and cand == [2.0] * 4


def test_ratio_row_passes_at_or_under_its_target():
    row = report.ratio_row("x", "what", [1.0, 1.0, 1.0], [1.2, 1.5, 1.3], 1.3, "")
    assert row.value == pytest.approx(1.3)
    assert row.passed is True
    assert row.spread is not None and row.spread.maximum == pytest.approx(1.5)
    assert report.ratio_row("x", "what", [1.0], [1.4], 1.3, "").passed is False
    assert report.ratio_row("x", "what", [1.0], [9.0], None, "").passed is None


def test_table_lists_every_row_with_target_and_verdict():
    rows = [
        report.ratio_row("fast", "", [1.0, 1.0], [1.1, 1.2], 1.5, "ok"),
        report.ratio_row("slow", "", [1.0, 1.0], [2.0, 2.2], 1.5, "too slow"),
        report.Row("info", "", "exp", 1.02, None),
    ]
    table = report.format_table(rows).splitlines()
    assert table[0].split()[:2] == ["benchmark", "measured"]
    assert "PASS" in table[2] and "1.15x" in table[2] and "<= 1.50x" in table[2]
    assert "FAIL" in table[3] and "too slow" in table[3]
    assert table[4].split()[:3] == ["info", "1.02", "info"]


def test_stage_timings_are_read_from_the_generate_summary():
    stdout = (
        "note: something\n"
        "Generated 72 operations in 21 resources into /tmp/x in 2.35 s (load 4 ms, overlay 12 ms, "
        "low-level parse 147 ms, verify 515 ms)\n"
    )
    assert regen.parse_stage_timings(stdout) == {
        "load": 0.004,
        "overlay": 0.012,
        "low-level parse": 0.147,
        "verify": 0.515,
    }
    assert regen.parse_stage_timings("nothing printed") == {}


def test_importtime_lines_are_parsed():
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       650 |      10161 |           httpx._models\n"
        "import time:      2206 |      11484 | chaser_core\n"
        "something else\n"
    )
    assert client.parse_importtime(stderr) == [("httpx._models", 650, 10161), ("chaser_core", 2206, 11484)]


def test_only_accepts_known_names_in_canonical_order():
    assert bench._selected(["scaling,regen-synthetic"]) == ["regen-synthetic", "scaling"]
    assert bench._selected(None) == list(bench.BENCHMARKS)
    with pytest.raises(SystemExit):
        bench._selected(["nope"])


def test_scaling_rows_fit_the_recorded_samples(tmp_path):
    ctx = plan.Context(plan.Plan.quick(), tmp_path, log=lambda message: None)
    for n in regen.SCALING_SIZES:
        # ours: linear plus a constant; bare: quadratic
        ctx.synthetic[("ours", n)] = ([1.0 + 0.05 * n], [{"validate": 0.02 * n, "verify": 1e-5 * n * n}])
        ctx.synthetic[("bare", n)] = ([1e-4 * n * n], [])
    ours, bare = regen.bench_scaling(ctx)
    assert ours.name == "scaling" and ours.target == 1.1
    assert 0.8 < ours.value < 1.0 and ours.passed
    assert bare.value == pytest.approx(2.0) and bare.passed is None
    stages = ctx.info["scaling"]["ours_stage_exponents"]
    assert stages["validate"] == pytest.approx(1.0)
    assert stages["verify"] == pytest.approx(2.0)
    point = ctx.info["scaling"]["points"][0]
    assert point["operations"] == 100 and point["ours_per_operation"] == pytest.approx(6.0 / 100)
    assert "Scaling" in report.format_details(ctx.info)


def test_stage_summary_names_the_biggest_stages_and_the_rest():
    stages = [
        {"validate": 0.6, "verify": 0.4, "load": 0.01},
        {"validate": 0.8, "verify": 0.4, "load": 0.01},
        {},
    ]
    summary = regen._stage_summary(stages, wall=1.51, top=2)
    assert summary == "; stages: validate 0.70, verify 0.40, outside stages 0.40"
    assert regen._stage_summary([{}], wall=1.0) == ""
