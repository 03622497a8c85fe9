"""The §88 SGG clock (Untätigkeitsklage) as plain date arithmetic.

An application that is not decided within six months of lodging lets the
citizen sue for inaction. The period ends on the day of the sixth month that
has the lodging day's number (§64 SGG with §188 BGB); when that month is
shorter, on its last day (31 August -> 28/29 February). Dates are taken in
Europe/Berlin, where the Jobcenter works (``portal.clock``).

The queue flags a case from ``months - 2`` and ``months - 1`` months after
lodging (``warning`` and ``critical``) and marks it ``expired`` from the day
after the deadline.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.clock import berlin_date, berlin_datetime


class Flag:
    NONE = "none"
    WARNING = "warning"
    CRITICAL = "critical"
    EXPIRED = "expired"

    ALL = (NONE, WARNING, CRITICAL, EXPIRED)
    # Flags at or beyond a level, for the queue filter ``deadline=warning``.
    AT_LEAST = {
        WARNING: (WARNING, CRITICAL, EXPIRED),
        CRITICAL: (CRITICAL, EXPIRED),
        EXPIRED: (EXPIRED,),
    }


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (may be negative), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class InactionClock:
    lodged_on: date
    deadline: date  # last day before a claim for inaction is admissible
    days_left: int  # 0 on the last day, negative once expired
    flag: str


def inaction_clock(*, lodged_at: datetime, today: date, months: int, warning: int, critical: int) -> InactionClock:
    lodged_on = berlin_date(lodged_at)
    deadline = add_months(lodged_on, months)
    if today > deadline:
        flag = Flag.EXPIRED
    elif today >= add_months(lodged_on, months - critical):
        flag = Flag.CRITICAL
    elif today >= add_months(lodged_on, months - warning):
        flag = Flag.WARNING
    else:
        flag = Flag.NONE
    return InactionClock(lodged_on=lodged_on, deadline=deadline, days_left=(deadline - today).days, flag=flag)


def latest_lodging_day(*, today: date, months: int) -> date:
    """The last lodging day ``d`` with ``add_months(d, months) <= today``.

    ``add_months`` never decreases, so the lodging days that reach a threshold
    by ``today`` are exactly those up to this day: the queue filters on it in SQL.
    """
    day = add_months(today, -months)
    while add_months(day + timedelta(days=1), months) <= today:
        day += timedelta(days=1)
    while add_months(day, months) > today:
        day -= timedelta(days=1)
    return day


def lodged_before_for_flag(*, flag: str, today: date, months: int, warning: int, critical: int) -> datetime:
    """Applications lodged before this instant carry ``flag`` or a stronger one today."""
    if flag == Flag.EXPIRED:
        last = latest_lodging_day(today=today - timedelta(days=1), months=months)
    elif flag == Flag.CRITICAL:
        last = latest_lodging_day(today=today, months=months - critical)
    elif flag == Flag.WARNING:
        last = latest_lodging_day(today=today, months=months - warning)
    else:
        raise ValueError(flag)
    return berlin_datetime(last + timedelta(days=1))
