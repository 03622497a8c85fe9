"""Background work: the confirmation e-mail and the reminders, each exactly once.

Each e-mail has a sent-marker on the appointment. The worker claims it with a
compare-and-swap ``UPDATE ... WHERE marker <> value`` and enqueues the e-mail
in the same transaction (the database task backend stores the e-mail task in
that transaction), so a second run of the same task, a restarted worker or a
sweep that overlaps a deferred task finds the marker set and sends nothing.
The e-mail task carries a ``Message-ID`` derived from the appointment, the kind
and the start: if the worker dies after the SMTP server accepted the message
but before the task was recorded, the requeued task (``portal/workers.py``)
sends the same message again, recognisably (docs/appointments.md).

- Confirmation (booking, invitation, new time, cancellation), with a neutral
  .ics where the citizen chose it (appointments/notifications.py):
  ``notified_version`` catches up to the appointment's ``version``.
- Reminder 24 h before: ``reminder_sent_for`` = the start it was sent for.
- Video reminder 15 min before, with the join link: ``video_reminder_sent_for``.
  A rescheduled appointment has a new start, so its reminders are due again.

Reminder times are absolute (UTC) durations before the start. Reminders are
enqueued with ``run_after`` when the task backend can defer; the sweep
``appointment_reminders_due`` (``manage.py send_appointment_reminders``) is the
fallback and safety net.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from appointments import conf
from appointments.constants import OCCUPYING_STATUSES, Channel
from appointments.models import Appointment
from appointments.notifications import Mail, change_mail, reminder_mail
from portal.mail import mail_enqueue, message_id

logger = logging.getLogger(__name__)

REMINDER_FIELDS = {"day": "reminder_sent_for", "video": "video_reminder_sent_for"}


def _reminder_offsets(appointment: Appointment) -> dict[str, timedelta]:
    offsets = {"day": conf.reminder_before()}
    if appointment.channel == Channel.VIDEO:
        offsets["video"] = conf.video_reminder_before()
    return offsets


def _send(mail: Mail, *, message_id: str) -> None:
    mail_enqueue(mail, message_id=message_id)


def reminder_message_id(appointment: Appointment, *, kind: str) -> str:
    """The same ``Message-ID`` for a resend of this reminder (see portal/mail.py)."""
    return message_id("appointment-reminder", appointment.public_id, kind, appointment.start.isoformat())


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("appointment_type__jobcenter", "citizen").filter(pk=appointment_id).first()
    )


@task()
def appointment_notify(*, appointment_id: int, version: int) -> bool:
    """Send the confirmation of change ``version`` (or a later one) once."""
    appointment = _load(appointment_id)
    if appointment is None or appointment.notified_version >= version:
        return False
    with transaction.atomic():
        won = Appointment.objects.filter(pk=appointment.pk, notified_version=appointment.notified_version).update(
            notified_version=appointment.version
        )
        if not won:
            return False
        _send(
            change_mail(appointment),
            message_id=message_id("appointment-change", appointment.public_id, appointment.version),
        )
    return True


def _remind(appointment: Appointment, *, kind: str, now: datetime) -> bool:
    field = REMINDER_FIELDS[kind]
    if kind not in _reminder_offsets(appointment) or appointment.status not in OCCUPYING_STATUSES:
        return False
    if appointment.start <= now:
        return False
    with transaction.atomic():
        won = (
            Appointment.objects.filter(pk=appointment.pk, start=appointment.start, status__in=OCCUPYING_STATUSES)
            .exclude(**{field: appointment.start})
            .update(**{field: appointment.start})
        )
        if not won:
            return False
        _send(reminder_mail(appointment, kind=kind), message_id=reminder_message_id(appointment, kind=kind))
    return True


@task()
def appointment_remind(*, appointment_id: int, kind: str, start: str) -> bool:
    """The deferred reminder for the appointment as it was at ``start``; a moved
    or cancelled appointment makes it a no-op (its new reminders are queued)."""
    appointment = _load(appointment_id)
    if appointment is None or appointment.start.isoformat() != start:
        return False
    return _remind(appointment, kind=kind, now=timezone.now())


@task()
def appointment_reminders_due() -> int:
    """Send every reminder that is due and not yet sent; returns how many were sent."""
    now = timezone.now()
    sent = 0
    for kind, field in REMINDER_FIELDS.items():
        before = conf.reminder_before() if kind == "day" else conf.video_reminder_before()
        due = (
            Appointment.objects.filter(status__in=OCCUPYING_STATUSES, start__gt=now, start__lte=now + before)
            .filter(Q(**{f"{field}__isnull": True}) | ~Q(**{field: F("start")}))
            # Booked inside the reminder period: the confirmation has just gone out.
            .filter(created_at__lte=F("start") - before)
            .select_related("appointment_type__jobcenter", "citizen")
        )
        if kind == "video":
            due = due.filter(channel=Channel.VIDEO)
        for appointment in due:
            sent += _remind(appointment, kind=kind, now=now)
    return sent


def reminders_schedule(*, appointment: Appointment) -> None:
    """Queue the reminders of the appointment's current start (after commit)."""
    if appointment.status not in OCCUPYING_STATUSES or not default_task_backend.supports_defer:
        return
    now = timezone.now()
    for kind, before in _reminder_offsets(appointment).items():
        run_after = appointment.start - before
        if run_after <= now:
            continue
        appointment_remind.using(run_after=run_after).enqueue(
            appointment_id=appointment.pk, kind=kind, start=appointment.start.isoformat()
        )
