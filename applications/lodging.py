"""The date rules of lodging an application (§37 SGB II), on Berlin wall-clock dates.

An application takes effect from the first day of the month in which it was
lodged; the moment of receipt counts, so 23:30 on 31 March in Berlin is still
March even though it is 21:30 or 22:30 UTC. The Berlin calendar itself is
``portal.clock``.
"""

from __future__ import annotations

import datetime as dt

from applications.conf import app_settings
from portal.clock import berlin_date, berlin_month_start


def effective_from(lodged_at: dt.datetime) -> dt.date:
    """First day of the Berlin month in which the application was lodged."""
    return berlin_month_start(berlin_date(lodged_at))


def complete_by(lodged_at: dt.datetime) -> dt.date:
    """Deadline for completing a lodged application (a setting, default 4 weeks)."""
    return berlin_date(lodged_at) + app_settings.COMPLETE_WITHIN


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
