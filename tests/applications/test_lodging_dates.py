"""§37 SGB II: the month of lodging counts, on the Berlin calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from applications.lodging import age_on, complete_by, effective_from

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


@pytest.mark.parametrize(
    ("lodged_at", "expected"),
    [
        # 23:30 on 31 March in Berlin (summer time, UTC+2) is 21:30 UTC: still March.
        (dt.datetime(2026, 3, 31, 21, 30, tzinfo=UTC), dt.date(2026, 3, 1)),
        # 00:30 on 1 April in Berlin is 22:30 UTC on 31 March: already April.
        (dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), dt.date(2026, 4, 1)),
        # Winter time (UTC+1): 00:30 on 1 February in Berlin is 23:30 UTC on 31 January.
        (dt.datetime(2026, 1, 31, 23, 30, tzinfo=UTC), dt.date(2026, 2, 1)),
        (dt.datetime(2026, 1, 31, 22, 59, tzinfo=UTC), dt.date(2026, 1, 1)),
        # New Year's Eve: 23:59 Berlin is 22:59 UTC.
        (dt.datetime(2026, 12, 31, 22, 59, tzinfo=UTC), dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 31, 23, 0, tzinfo=UTC), dt.date(2027, 1, 1)),
    ],
)
def test_it_takes_the_month_from_the_berlin_calendar(lodged_at, expected):
    assert effective_from(lodged_at) == expected


def test_it_counts_the_last_evening_of_march_for_march_in_berlin_time():
    lodged = dt.datetime(2026, 3, 31, 23, 30, tzinfo=BERLIN)
    assert lodged.utcoffset() == dt.timedelta(hours=2)
    assert effective_from(lodged) == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("utc_time", "berlin_day"),
    [
        # Spring forward, 29 March 2026: 01:59 CET is followed by 03:00 CEST.
        (dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC), dt.date(2026, 3, 29)),
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), dt.date(2026, 3, 29)),
        # Fall back, 25 October 2026: 02:30 happens twice.
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        # The last hour of October after the switch (UTC+1): 23:30 Berlin = 22:30 UTC.
        (dt.datetime(2026, 10, 31, 22, 30, tzinfo=UTC), dt.date(2026, 10, 31)),
        (dt.datetime(2026, 10, 31, 23, 0, tzinfo=UTC), dt.date(2026, 11, 1)),
    ],
)
def test_it_handles_the_daylight_saving_nights(utc_time, berlin_day):
    assert effective_from(utc_time) == berlin_day.replace(day=1)
    assert complete_by(utc_time) == berlin_day + dt.timedelta(days=28)


def test_it_sets_the_completion_deadline_from_a_setting(settings):
    settings.APPLICATION_COMPLETE_WITHIN_DAYS = 14
    assert complete_by(dt.datetime(2026, 3, 31, 21, 30, tzinfo=UTC)) == dt.date(2026, 4, 14)


def test_it_refuses_a_naive_time():
    with pytest.raises(ValueError):
        effective_from(dt.datetime(2026, 3, 31, 23, 30))


def test_it_counts_age_in_whole_years():
    assert age_on(dt.date(2011, 4, 1), dt.date(2026, 3, 31)) == 14
    assert age_on(dt.date(2011, 4, 1), dt.date(2026, 4, 1)) == 15
