"""Confirmation and reminders: each e-mail exactly once, even when the worker runs twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from appointments.models import Appointment
from appointments.tasks import (
    appointment_notify,
    appointment_remind,
    appointment_reminders_due,
    reminder_message_id,
)
from tests.appointments.factories import AppointmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def soon(hours: float, **kwargs) -> Appointment:
    start = (timezone.now() + timedelta(hours=hours)).replace(microsecond=0)
    appointment = AppointmentFactory(start=start, **kwargs)
    # Booked well before the reminder period.
    Appointment.objects.filter(pk=appointment.pk).update(created_at=start - timedelta(days=3))
    return Appointment.objects.get(pk=appointment.pk)


def test_it_sends_the_confirmation_once_when_the_task_runs_twice():
    appointment = AppointmentFactory(citizen=UserFactory(citizen=True, email_calendar_attachment=True))
    assert appointment_notify.call(appointment_id=appointment.pk, version=1) is True
    assert appointment_notify.call(appointment_id=appointment.pk, version=1) is False
    assert len(mail.outbox) == 1
    assert "BEGIN:VCALENDAR" in mail.outbox[0].attachments[0][1]
    assert Appointment.objects.get(pk=appointment.pk).notified_version == 1


def test_it_sends_the_day_and_video_reminders_once_each():
    appointment = soon(0.2, video=True)
    for _ in range(2):
        for kind in ("day", "video"):
            appointment_remind.call(appointment_id=appointment.pk, kind=kind, start=appointment.start.isoformat())
    assert len(mail.outbox) == 2
    # A stable Message-ID per reminder: a resend after a killed worker is the same message.
    assert {m.message()["Message-ID"] for m in mail.outbox} == {
        reminder_message_id(appointment, kind="day"),
        reminder_message_id(appointment, kind="video"),
    }
    video = next(m for m in mail.outbox if "video" in m.subject.lower() or "Video" in m.subject)
    assert f"http://testserver/video/{appointment.public_id}/" in video.body
    assert appointment.citizen.last_name not in video.body


def test_it_sends_due_reminders_once_when_the_sweep_runs_twice():
    phone = soon(20)
    video = soon(0.2, video=True)
    later = soon(48)
    assert appointment_reminders_due.call() == 3  # phone: day; video: day and 15 minutes
    assert appointment_reminders_due.call() == 0
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([phone.citizen.email] + [video.citizen.email] * 2)
    assert later.citizen.email not in {m.to[0] for m in mail.outbox}
    # The deferred task of the same reminder finds it sent.
    assert appointment_remind.call(appointment_id=phone.pk, kind="day", start=phone.start.isoformat()) is False


def test_it_skips_reminders_of_moved_or_cancelled_appointments():
    appointment = soon(20)
    old_start = appointment.start.isoformat()
    new_start = appointment.start + timedelta(hours=1)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=new_start,
        end=new_start + timedelta(minutes=30),
        blocked_start=new_start,
        blocked_end=new_start + timedelta(minutes=30),
    )
    assert appointment_remind.call(appointment_id=appointment.pk, kind="day", start=old_start) is False
    cancelled = soon(20, cancelled=True)
    assert appointment_remind.call(appointment_id=cancelled.pk, kind="day", start=cancelled.start.isoformat()) is False
    assert mail.outbox == []
    # The moved appointment's reminder for its new start goes out (once).
    assert appointment_reminders_due.call() == 1


def test_it_queues_deferred_reminders_in_utc_before_the_start(settings):
    """With the database backend (production), reminders wait in the queue with ``run_after``."""
    from django_tasks_db.models import DBTaskResult

    from appointments.tasks import reminders_schedule

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets its backends
    appointment = soon(48, video=True)
    reminders_schedule(appointment=appointment)
    run_after = sorted(DBTaskResult.objects.values_list("run_after", flat=True))
    assert run_after == [appointment.start - timedelta(hours=24), appointment.start - timedelta(minutes=15)]
    assert mail.outbox == []
