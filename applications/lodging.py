"""The date rules of lodging an application (§37 SGB II), on Berlin wall-clock dates.

An application takes effect from the first day of the month in which it was
lodged; the moment of receipt counts, so 23:30 on 31 March in Berlin is still
March even though it is 21:30 or 22:30 UTC. Times are stored in UTC and turned
into a Berlin date only here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from applications.conf import app_settings

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_date(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(BERLIN).date()


def effective_from(lodged_at: dt.datetime) -> dt.date:
    """First day of the Berlin month in which the application was lodged."""
    return berlin_date(lodged_at).replace(day=1)


def complete_by(lodged_at: dt.datetime) -> dt.date:
    """Deadline for completing a lodged application (a setting, default 4 weeks)."""
    return berlin_date(lodged_at) + app_settings.COMPLETE_WITHIN


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
