"""The arithmetic of the table: ratios, targets, what is printed for an unmeasured row."""

import math

from bench.figures import Figure, Target, format_value, not_measured, ratio
from bench.ws import percentile


def test_it_meets_a_ratio_target_only_within_the_bound():
    within = Figure("slots", "p50", 6.0, "ms", ratio=ratio(6.0, 2.0), targets=[Target("<=", 3)])
    beyond = Figure("slots", "p50", 6.2, "ms", ratio=ratio(6.2, 2.0), targets=[Target("<=", 3)])
    assert within.ratio == 3.0 and within.met is True
    assert beyond.met is False
    assert "NOT MET" in beyond.line()


def test_it_fails_a_figure_when_any_of_its_targets_fails():
    figure = Figure("signal", "p99", 9.0, "ms", ratio=2.0, targets=[Target("<=", 3), Target("<=", 5, on="value")])
    assert figure.met is False


def test_it_leaves_the_verdict_open_without_a_baseline():
    figure = Figure("book", "bookings/s", 120.0, ratio=ratio(120.0, None), targets=[Target(">=", 0.35)])
    assert figure.ratio is None
    assert figure.met is None


def test_it_says_why_a_row_was_not_measured():
    figure = not_measured("claim", "32 staff calling claim-next", "feature not merged yet (no casework)")
    assert not figure.measured
    assert figure.line().endswith("not measured: feature not merged yet (no casework)")


def test_it_takes_the_nearest_rank_percentile():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_it_formats_counts_without_decimals():
    assert format_value(1.0, "count") == "1"
    assert format_value(1234.5, "req/s") == "1,234 req/s"
