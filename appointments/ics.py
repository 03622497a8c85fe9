"""The appointment as an iCalendar file (RFC 5545), built with ``icalendar``.

- UID is stable (the appointment's public id), SEQUENCE is its ``version``,
  so a calendar replaces the entry on every change.
- Times are given in Europe/Berlin with a VTIMEZONE taken from the zone
  database, so calendar apps show the wall time the citizen booked, on both
  sides of a DST change.
- A cancelled appointment is sent with METHOD:CANCEL and STATUS:CANCELLED.
- No social data: the type's public name, the time, the place, a link. The copy
  attached to e-mails (``neutral=True``) has a neutral title and no place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from appointments import conf
from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment
from portal.clock import BERLIN, BERLIN_NAME, berlin_localtime

PRODID = "-//Jobcenter digital//Appointments//DE"


def ics_uid(appointment: Appointment) -> str:
    return f"{appointment.public_id}@jobcenter-digital"


def appointment_url(appointment: Appointment) -> str:
    return f"{conf.public_base_url()}/appointments/{appointment.public_id}/"


def place_text(appointment: Appointment) -> str:
    from django.utils.translation import gettext as _

    if appointment.channel == Channel.VIDEO:
        return _("Video consultation: %(url)s") % {"url": conf.video_join_url(appointment.public_id)}
    if appointment.channel == Channel.PHONE:
        return _("By phone: your counsellor calls you.")
    location = appointment.location
    if location is None:
        return _("Jobcenter")
    return f"{location.name}, {location.street}, {location.postcode} {location.city}"


def neutral_title(appointment: Appointment) -> str:
    """The title of a calendar file sent by e-mail: "Termin" and the Jobcenter, no topic."""
    from django.utils.translation import gettext as _

    return _("Appointment – %(jobcenter)s") % {"jobcenter": appointment.appointment_type.jobcenter.name}


def appointment_ics(appointment: Appointment, *, neutral: bool = False) -> bytes:
    """``neutral``: the copy that goes by e-mail (portal/mail.py): a neutral title
    (``neutral_title``, in the active language), no place; the download in the
    portal keeps the type's name and the place."""
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", ics_uid(appointment))
    event.add("sequence", appointment.version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", berlin_localtime(appointment.start))
    event.add("dtend", berlin_localtime(appointment.end))
    event.add("summary", neutral_title(appointment) if neutral else appointment.appointment_type.public_name)
    if not neutral:
        event.add("location", place_text(appointment))
    event.add("url", appointment_url(appointment))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    # A VTIMEZONE covering the years around the appointment (not every rule since 1970).
    year = appointment.start.year
    calendar.add_component(vtimezone(BERLIN, tzid=BERLIN_NAME, first=date(year - 1, 1, 1), last=date(year + 2, 1, 1)))
    calendar.add_component(event)
    return calendar.to_ical()


def vtimezone(zone: ZoneInfo, *, tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``zone`` from ``first`` to ``last``, from the zone database.

    Each observance starts at the local time *before* its change, the time
    ``TZOFFSETFROM`` is in (RFC 5545 §3.6.5): Berlin's summer time at 02:00
    (+0100 -> +0200), winter time at 03:00 (+0200 -> +0100). icalendar's own
    ``Timezone.from_tzinfo`` (7.3) writes the spring change as 03:00 with
    +0100, an hour late, so the onsets are computed here from the UTC
    instants of the changes and the offset before each.
    """
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    initial = start.utcoffset()
    observances: dict[tuple, list[datetime]] = {}
    # The observance in force at ``first`` (a change before it is not in the file).
    observances[(initial, initial, start.tzname(), bool(start.dst()))] = [start.replace(tzinfo=None)]
    end = datetime.combine(last, datetime.min.time(), tzinfo=zone)
    for instant in _changes(zone, start.astimezone(UTC), end.astimezone(UTC)):
        before, after = (instant - timedelta(seconds=1)).astimezone(zone), instant.astimezone(zone)
        onset = (instant + before.utcoffset()).replace(tzinfo=None)
        key = (before.utcoffset(), after.utcoffset(), after.tzname(), bool(after.dst()))
        observances.setdefault(key, []).append(onset)
    component = Timezone()
    component.add("tzid", tzid)
    for (offset_from, offset_to, name, is_dst), onsets in observances.items():
        observance = TimezoneDaylight() if is_dst else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        if onsets[1:]:
            observance.add("rdate", onsets[1:])
        observance.add("tzname", name)
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        component.add_component(observance)
    return component


def _changes(zone: ZoneInfo, start: datetime, end: datetime):
    """The UTC instants in ``[start, end)`` at which ``zone``'s offset changes
    (a day at a time, then to the second; zones change at most once a day)."""
    day = timedelta(days=1)
    moment = start
    while moment < end:
        following = moment + day
        if moment.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            low, high = moment, following  # the offset at low differs from the one at high
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=(high - low) // timedelta(seconds=1) // 2)
                if middle.astimezone(zone).utcoffset() == moment.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            yield high
        moment = following
