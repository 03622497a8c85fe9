"""E-mails of appointments. Each says only that something new is waiting (a
booking, an invitation, a new time, a cancellation) or that something is due
soon, with a link to the appointment's page (portal/mail.py): no type, no time,
no place, no name (Sozialgeheimnis). The calendar file goes along only where the
citizen chose it (``User.email_calendar_attachment``), with a neutral title; the
full one is in the portal (``GET /api/v1/appointments/<id>/ics/``)."""

from __future__ import annotations

from django.utils import translation

from appointments import conf
from appointments.constants import Channel
from appointments.ics import appointment_ics, appointment_url
from appointments.models import Appointment
from portal.mail import Mail, Notice, mail_language, notice_mail

__all__ = ["Mail", "change_mail", "reminder_mail"]

ICS_FILENAME = "termin.ics"


def _mail(appointment: Appointment, *, notice: Notice, link: str, attachments=None) -> Mail:
    citizen = appointment.citizen
    return notice_mail(
        to=citizen.email,
        language=mail_language(citizen),
        link=link,
        jobcenter_name=appointment.appointment_type.jobcenter.name,
        notice=notice,
        attachments=attachments,
    )


def _calendar_file(appointment: Appointment) -> list[tuple[str, str, str]]:
    """The neutral calendar file, if the citizen asked for one in their settings."""
    citizen = appointment.citizen
    if not getattr(citizen, "email_calendar_attachment", False):
        return []
    with translation.override(mail_language(citizen)):
        ics = appointment_ics(appointment, neutral=True).decode()
    return [(ICS_FILENAME, ics, "text/calendar")]


def change_mail(appointment: Appointment) -> Mail:
    """A booking, invitation, new time or cancellation: something new is waiting."""
    return _mail(
        appointment,
        notice=Notice.NEWS,
        link=appointment_url(appointment),
        attachments=_calendar_file(appointment),
    )


def reminder_mail(appointment: Appointment, *, kind: str) -> Mail:
    """The reminder a day before, or shortly before a video appointment (with the join link)."""
    if kind == "video" and appointment.channel == Channel.VIDEO:
        return _mail(appointment, notice=Notice.VIDEO_SOON, link=conf.video_join_url(appointment.public_id))
    return _mail(appointment, notice=Notice.REMINDER, link=appointment_url(appointment))
