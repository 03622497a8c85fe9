"""GET /api/v1/appointments/{id}/ics"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from tests.appointments.factories import AppointmentFactory, berlin
from tests.factories import login

pytestmark = pytest.mark.django_db


def fetch(api, appointment):
    login(api, appointment.citizen)
    response = api.get(f"/api/v1/appointments/{appointment.public_id}/ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@pytest.mark.parametrize(
    ("start", "utc_hour"),
    [
        (berlin(2027, 3, 28, 8), 6),
        (berlin(2027, 10, 31, 8), 7),
        (berlin(2026, 3, 29, 8), 6),
        (berlin(2026, 10, 25, 8), 7),
    ],
    ids=["2027-03", "2027-10", "2026-03", "2026-10"],
)
def test_it_gives_the_wall_time_with_a_vtimezone_on_dst_sundays(api, start, utc_hour):
    appointment = AppointmentFactory(start=start)
    calendar = fetch(api, appointment)
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART").strftime("%H:%M") == "08:00"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(
        start.year, start.month, start.day, utc_hour, tzinfo=UTC
    )
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["UID"]) == f"{appointment.public_id}@jobcenter-digital"
    assert appointment.citizen.last_name not in calendar.to_ical().decode()


def test_it_bumps_the_sequence_and_says_cancel_after_cancellation(api):
    appointment = AppointmentFactory()
    before = fetch(api, appointment)
    assert str(before["METHOD"]) == "PUBLISH"
    assert before.walk("VEVENT")[0]["SEQUENCE"] == 1
    response = api.post(f"/api/v1/appointments/{appointment.public_id}/cancel/", {}, format="json")
    assert response.status_code == 200
    after = fetch(api, appointment)
    assert str(after["METHOD"]) == "CANCEL"
    event = after.walk("VEVENT")[0]
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == before.walk("VEVENT")[0]["UID"]
