from datetime import UTC, datetime, timedelta

import pytest

from casework.stats import duration_summary, percentile


def test_it_interpolates_percentiles_like_percentile_cont():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([1, 2, 3, 4], 0.9) == pytest.approx(3.7)
    assert percentile([5], 0.9) == 5
    assert percentile([10, 1, 7], 0.5) == 7
    assert percentile([], 0.5) is None


def test_it_refuses_a_quantile_outside_zero_and_one():
    with pytest.raises(ValueError):
        percentile([1], 1.5)


def test_it_summarises_days_from_lodging_to_decision():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    pairs = [(start, start + timedelta(days=d)) for d in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]
    assert duration_summary(pairs) == {"count": 10, "median_days": 55.0, "p90_days": 91.0}
    assert duration_summary([]) == {"count": 0, "median_days": None, "p90_days": None}
