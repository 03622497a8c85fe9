"""Background work through django-tasks (immediate backend in tests)."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.tasks import send_email

pytestmark = pytest.mark.django_db


def test_it_sends_an_email_outside_the_request():
    result = send_email.enqueue(
        to=["olena@example.org"],
        subject="Ihr Termin",
        body="Ihr Termin ist bestätigt: https://portal.example/appointments/",
        attachments=[("termin.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )
    assert result.status == "SUCCESSFUL"
    [message] = mail.outbox
    assert message.to == ["olena@example.org"]
    assert message.subject == "Ihr Termin"
    assert message.attachments[0][0] == "termin.ics"


def test_it_sends_the_message_id_it_is_given():
    from portal.mail import message_id

    first = message_id(
        "appointment-reminder", "0b6f5f6e-1111-4c4c-9a9a-2d2d2d2d2d2d", "day", "2026-11-26T09:00:00+00:00"
    )
    again = message_id(
        "appointment-reminder", "0b6f5f6e-1111-4c4c-9a9a-2d2d2d2d2d2d", "day", "2026-11-26T09:00:00+00:00"
    )
    other = message_id(
        "appointment-reminder", "0b6f5f6e-1111-4c4c-9a9a-2d2d2d2d2d2d", "video", "2026-11-26T09:00:00+00:00"
    )
    assert first == again != other
    assert first.endswith("@jobcenter-digital.example>") and "0b6f5f6e" not in first
    send_email.enqueue(to=["olena@example.org"], subject="Erinnerung", body="…", message_id=first)
    [message] = mail.outbox
    assert message.message()["Message-ID"] == first
