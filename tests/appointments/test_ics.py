"""GET /api/v1/appointments/{id}/ics"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


def observances(calendar) -> list[tuple[str, datetime, timedelta, timedelta]]:
    """Every onset of the VTIMEZONE: (kind, local onset, TZOFFSETFROM, TZOFFSETTO)."""
    found = []
    for observance in calendar.walk("VTIMEZONE")[0].subcomponents:
        onsets = [observance.decoded("DTSTART")]
        rdates = observance.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            onsets.extend(period.dt for period in rdate.dts)
        offset_from, offset_to = observance.decoded("TZOFFSETFROM"), observance.decoded("TZOFFSETTO")
        found.extend((observance.name, onset, offset_from, offset_to) for onset in onsets)
    return sorted(found, key=lambda item: item[1] - item[2])


def utc_by_the_vtimezone(calendar, local: datetime) -> datetime:
    """RFC 5545 §3.6.5: an onset is DTSTART in TZOFFSETFROM; read ``local`` with the offset in force."""
    changes = [(onset - offset_from, offset_to) for _kind, onset, offset_from, offset_to in observances(calendar)]
    candidates = [local - offset for _instant, offset in changes]
    # The offset in force at the moment is the one of the last change at or before it.
    for moment in candidates:
        in_force = [offset for instant, offset in changes if instant <= moment]
        if in_force and moment + in_force[-1] == local:
            return moment.replace(tzinfo=UTC)
    raise AssertionError(f"{local} does not exist in the VTIMEZONE")


def test_it_starts_each_observance_at_the_local_time_before_the_change(api):
    calendar = fetch(api, AppointmentFactory(start=berlin(2027, 3, 28, 8)))
    onsets = {(kind, onset): (offset_from, offset_to) for kind, onset, offset_from, offset_to in observances(calendar)}
    hour = timedelta(hours=1)
    assert onsets[("DAYLIGHT", datetime(2027, 3, 28, 2))] == (hour, 2 * hour)
    assert onsets[("STANDARD", datetime(2027, 10, 31, 3))] == (2 * hour, hour)
    assert onsets[("DAYLIGHT", datetime(2026, 3, 29, 2))] == (hour, 2 * hour)
    assert onsets[("STANDARD", datetime(2028, 10, 29, 3))] == (2 * hour, hour)


@pytest.mark.parametrize(
    ("start", "utc"),
    [
        (berlin(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 0, 30, tzinfo=UTC)),
        (berlin(2027, 3, 28, 3, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        (berlin(2027, 3, 28, 8), datetime(2027, 3, 28, 6, tzinfo=UTC)),
        (berlin(2027, 10, 31, 3, 30), datetime(2027, 10, 31, 2, 30, tzinfo=UTC)),
        (berlin(2027, 10, 31, 8), datetime(2027, 10, 31, 7, tzinfo=UTC)),
    ],
    ids=["spring-before", "spring-after", "spring-morning", "autumn-after", "autumn-morning"],
)
def test_it_gives_an_event_on_a_change_day_the_right_utc_moment_by_its_own_vtimezone(api, start, utc):
    assert start.astimezone(UTC) == utc
    calendar = fetch(api, AppointmentFactory(start=start))
    local = calendar.walk("VEVENT")[0].decoded("DTSTART").replace(tzinfo=None)
    assert local == start.replace(tzinfo=None)
    assert utc_by_the_vtimezone(calendar, local) == utc
