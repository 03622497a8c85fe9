from datetime import UTC, date, datetime, timedelta

import pytest

from casework.deadlines import (
    Flag,
    add_months,
    inaction_clock,
    latest_lodging_day,
    lodged_before_for_flag,
)
from portal.clock import BERLIN


def clock(lodged_at, today):
    return inaction_clock(lodged_at=lodged_at, today=today, months=6, warning=2, critical=1)


def test_it_clamps_to_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_it_ends_the_period_on_the_day_with_the_lodging_days_number():
    c = clock(datetime(2026, 1, 15, 9, tzinfo=BERLIN), date(2026, 7, 15))
    assert c.deadline == date(2026, 7, 15)
    assert c.days_left == 0
    assert c.flag == Flag.CRITICAL
    assert clock(datetime(2026, 1, 15, 9, tzinfo=BERLIN), date(2026, 7, 16)).flag == Flag.EXPIRED


def test_it_takes_the_lodging_day_in_berlin_time():
    # 23:30 on 31 March in Berlin is 21:30 UTC: still March 31.
    c = clock(datetime(2026, 3, 31, 21, 30, tzinfo=UTC), date(2026, 4, 1))
    assert c.lodged_on == date(2026, 3, 31)
    assert c.deadline == date(2026, 9, 30)


@pytest.mark.parametrize(
    ("today", "flag"),
    [
        (date(2026, 3, 14), Flag.NONE),
        (date(2026, 3, 15), Flag.WARNING),
        (date(2026, 4, 14), Flag.WARNING),
        (date(2026, 4, 15), Flag.CRITICAL),
        (date(2026, 5, 15), Flag.CRITICAL),
        (date(2026, 5, 16), Flag.EXPIRED),
    ],
)
def test_it_flags_two_and_one_months_before_the_deadline(today, flag):
    assert clock(datetime(2025, 11, 15, 10, tzinfo=BERLIN), today).flag == flag


def test_it_finds_exactly_the_lodging_days_that_carry_a_flag():
    """The SQL filter (lodged_at < instant) must agree with the per-row clock on every day."""
    start = date(2025, 1, 1)
    lodging_days = [start + timedelta(days=n) for n in range(800)]
    for today in (date(2026, 2, 28), date(2026, 3, 1), date(2026, 8, 31), date(2026, 12, 31), date(2027, 2, 28)):
        for flag in (Flag.WARNING, Flag.CRITICAL, Flag.EXPIRED):
            cutoff = lodged_before_for_flag(flag=flag, today=today, months=6, warning=2, critical=1)
            for day in lodging_days:
                lodged_at = datetime(day.year, day.month, day.day, 12, tzinfo=BERLIN)
                expected = clock(lodged_at, today).flag in Flag.AT_LEAST[flag]
                assert (lodged_at < cutoff) is expected, (today, flag, day)


def test_it_finds_the_last_lodging_day_for_a_threshold():
    assert latest_lodging_day(today=date(2027, 2, 28), months=6) == date(2026, 8, 31)
    assert latest_lodging_day(today=date(2026, 7, 15), months=6) == date(2026, 1, 15)
