"""Figures on processing time ("schnelle Leistungsgewährung") as pure functions.

Percentiles interpolate linearly between the closest ranks, like
PostgreSQL's ``percentile_cont`` and numpy's default: the median of
[1, 2, 3, 4] is 2.5, its 90th percentile 3.7.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-quantile (0 <= q <= 1) of ``values``; None for no values."""
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def duration_summary(pairs: Iterable[tuple[datetime, datetime]]) -> dict:
    """``{"count", "median_days", "p90_days"}`` of (lodged_at, decided_at) pairs, days to one decimal."""
    days = [days_between(start, end) for start, end in pairs]
    median = percentile(days, 0.5)
    p90 = percentile(days, 0.9)
    return {
        "count": len(days),
        "median_days": None if median is None else round(median, 1),
        "p90_days": None if p90 is None else round(p90, 1),
    }
