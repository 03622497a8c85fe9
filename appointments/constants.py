"""Statuses, channels and the legal vocabulary of appointments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    # A binding invitation (Einladung / Meldeaufforderung, §59 SGB II with §309 SGB III).
    INVITED = "invited", _("Invited")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


# Statuses that hold the counsellor's and the citizen's time: the exclusion
# constraints and the slot computation consider only these.
OCCUPYING_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.INVITED)

# The one table of allowed status changes: (from, action) -> to.
TRANSITIONS: dict[tuple[str, str], str] = {
    (AppointmentStatus.BOOKED, "cancel"): AppointmentStatus.CANCELLED,
    (AppointmentStatus.INVITED, "cancel"): AppointmentStatus.CANCELLED,
    (AppointmentStatus.BOOKED, "attended"): AppointmentStatus.ATTENDED,
    (AppointmentStatus.INVITED, "attended"): AppointmentStatus.ATTENDED,
    (AppointmentStatus.BOOKED, "no_show"): AppointmentStatus.NO_SHOW,
    (AppointmentStatus.INVITED, "no_show"): AppointmentStatus.NO_SHOW,
    # A counsellor may correct a mistaken mark.
    (AppointmentStatus.ATTENDED, "no_show"): AppointmentStatus.NO_SHOW,
    (AppointmentStatus.NO_SHOW, "attended"): AppointmentStatus.ATTENDED,
    (AppointmentStatus.BOOKED, "reschedule"): AppointmentStatus.BOOKED,
    (AppointmentStatus.INVITED, "reschedule"): AppointmentStatus.INVITED,
}


def allowed_actions(status: str) -> list[str]:
    return sorted(action for (source, action) in TRANSITIONS if source == status)


class InvitationPurpose(models.TextChoices):
    """The five purposes of a Meldeaufforderung, §309(2) SGB III."""

    CAREER_GUIDANCE = "career_guidance", _("Career guidance")
    PLACEMENT = "placement", _("Placement into work or training")
    INTEGRATION_MEASURES = "integration_measures", _("Preparing active integration measures")
    BENEFIT_DECISIONS = "benefit_decisions", _("Preparing decisions in the benefits procedure")
    ENTITLEMENT_CHECK = "entitlement_check", _("Checking the conditions of entitlement")


class InvitationResponse(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    CONFIRMED = "confirmed", _("Confirmed")
    CHANGE_REQUESTED = "change_requested", _("Another date requested")


class ExceptionKind(models.TextChoices):
    ABSENCE = "absence", _("Absence")
    EXTRA = "extra", _("Extra hours")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Change(models.TextChoices):
    """What ``appointments.signals.appointment_changed`` reports."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    UPDATED = "updated"


LANGUAGES = ("de", "en", "uk", "ru", "ar", "tr", "fa", "pl", "ro")
