"""The appointment as an iCalendar file (RFC 5545), built with ``icalendar``.

- UID is stable (the appointment's public id), SEQUENCE is its ``version``,
  so a calendar replaces the entry on every change.
- Times are given in Europe/Berlin with a VTIMEZONE, so calendar apps show
  the wall time the citizen booked, on both sides of a DST change.
- A cancelled appointment is sent with METHOD:CANCEL and STATUS:CANCELLED.
- No social data: the type's public name, the time, the place, a link. The copy
  attached to e-mails (``neutral=True``) has a neutral title and no place.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from icalendar import Calendar, Event

from appointments import conf
from appointments.availability import zone
from appointments.constants import BERLIN, AppointmentStatus, Channel
from appointments.models import Appointment

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
    berlin = zone(BERLIN)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", ics_uid(appointment))
    event.add("sequence", appointment.version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start.astimezone(berlin))
    event.add("dtend", appointment.end.astimezone(berlin))
    event.add("summary", neutral_title(appointment) if neutral else appointment.appointment_type.public_name)
    if not neutral:
        event.add("location", place_text(appointment))
    event.add("url", appointment_url(appointment))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    # A VTIMEZONE covering the year around the appointment (not every rule since 1970).
    year = appointment.start.year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return calendar.to_ical()
