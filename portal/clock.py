"""The Jobcenter's calendar: Berlin wall-clock dates from stored UTC moments.

Every rule that speaks of "today", "a day" or "a month" (the month an
application takes effect from (§37 SGB II), the §88 SGG clock, deadlines of
document requests, the days of the slot list, a room's opening hours) takes
its dates here, so that 23:30 on 31 March in Berlin is March everywhere. Times
are stored in UTC; nothing does naive arithmetic on local times.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN_NAME = "Europe/Berlin"
BERLIN = ZoneInfo(BERLIN_NAME)


def berlin_date(moment: dt.datetime) -> dt.date:
    """The Berlin calendar date of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(BERLIN).date()


def berlin_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Berlin (``now`` defaults to ``timezone.now()``)."""
    return berlin_date(now or timezone.now())


def berlin_localtime(moment: dt.datetime) -> dt.datetime:
    """An aware moment as Berlin wall-clock time (for display and formatting)."""
    return moment.astimezone(BERLIN)


def berlin_month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def berlin_datetime(day: dt.date, at: dt.time = dt.time(0)) -> dt.datetime:
    """A Berlin date and wall-clock time as an aware datetime (``at`` defaults to midnight).

    ``zoneinfo`` resolves the hour that does not exist in spring and the hour
    that exists twice in autumn with ``fold=0``; our rules only use midnight
    and office hours, which are never inside a change.
    """
    return dt.datetime.combine(day, at, tzinfo=BERLIN)


def berlin_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open range ``[start, end)`` of a Berlin day, 23 or 25 hours on change days."""
    return berlin_datetime(day), berlin_datetime(day + dt.timedelta(days=1))
