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
