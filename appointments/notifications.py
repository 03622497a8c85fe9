"""E-mail texts of appointments. No social data (Sozialgeheimnis): the type's
public name, the time, the place and a link, never a name or a case detail."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.translation import gettext as _

from appointments import conf
from appointments.constants import AppointmentStatus, Channel
from appointments.ics import appointment_ics, appointment_url, place_text
from appointments.models import Appointment
from portal.clock import berlin_localtime


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    body: str
    attachments: list[tuple[str, str, str]]


def _when(appointment: Appointment) -> str:
    local = berlin_localtime(appointment.start)
    return formats.date_format(local, "DATETIME_FORMAT") + " " + local.strftime("(%Z)")


def _language(appointment: Appointment) -> str:
    return getattr(appointment.citizen, "preferred_language", None) or "de"


def change_mail(appointment: Appointment) -> Mail:
    """Confirmation of a booking, invitation, new time or cancellation, with the .ics."""
    with translation.override(_language(appointment)):
        context = {
            "type": appointment.appointment_type.public_name,
            "when": _when(appointment),
            "place": place_text(appointment),
            "url": appointment_url(appointment),
        }
        if appointment.status == AppointmentStatus.CANCELLED:
            subject = _("Appointment cancelled: %(when)s") % context
            body = (
                _(
                    'Your appointment "%(type)s" on %(when)s has been cancelled.\n\n'
                    "You can book a new appointment at any time: %(url)s\n"
                )
                % context
            )
        elif appointment.is_invitation:
            subject = _("Invitation to an appointment at the Jobcenter: %(when)s") % context
            body = (
                _(
                    "You are invited to an appointment at the Jobcenter.\n\n"
                    "What: %(type)s\nWhen: %(when)s\nWhere: %(place)s\n\n"
                    "This invitation is binding. Please read it, including the notice of legal "
                    "consequences, in the portal and confirm it or ask for another date: %(url)s\n"
                )
                % context
            )
        else:
            subject = _("Your appointment: %(when)s") % context
            body = (
                _(
                    "Your appointment is booked.\n\n"
                    "What: %(type)s\nWhen: %(when)s\nWhere: %(place)s\n\n"
                    "Details, changes and cancellation: %(url)s\n"
                    "The attached calendar file adds the appointment to your calendar.\n"
                )
                % context
            )
    ics = appointment_ics(appointment).decode()
    return Mail([appointment.citizen.email], subject, body, [("termin.ics", ics, "text/calendar")])


def reminder_mail(appointment: Appointment, *, kind: str) -> Mail:
    """The reminder a day before, or 15 minutes before a video appointment (with the join link)."""
    with translation.override(_language(appointment)):
        context = {
            "type": appointment.appointment_type.public_name,
            "when": _when(appointment),
            "place": place_text(appointment),
            "url": appointment_url(appointment),
            "join": conf.video_join_url(appointment.public_id),
        }
        if kind == "video" and appointment.channel == Channel.VIDEO:
            subject = _("Your video consultation starts soon")
            body = (
                _(
                    'Your video consultation "%(type)s" starts at %(when)s.\n\n'
                    "Join here: %(join)s\n\n"
                    "Please use a current browser and allow camera and microphone.\n"
                )
                % context
            )
        else:
            subject = _("Reminder: your appointment on %(when)s") % context
            body = (
                _(
                    "This is a reminder of your appointment.\n\n"
                    "What: %(type)s\nWhen: %(when)s\nWhere: %(place)s\n\n"
                    "Details: %(url)s\n"
                )
                % context
            )
    return Mail([appointment.citizen.email], subject, body, [])
