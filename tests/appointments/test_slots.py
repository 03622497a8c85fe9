"""GET /api/v1/slots/"""

from __future__ import annotations

from datetime import timedelta

import pytest

from appointments.constants import AppointmentStatus
from appointments.models import AvailabilityException
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/slots/"


def query(api, appointment_type, first, last=None, **params):
    return api.get(
        URL,
        {"appointment_type": str(appointment_type.public_id), "from": first, "to": last or first, **params},
    )


def test_it_lists_free_slots_with_berlin_offsets(api):
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1])
    tuesday = next_weekday(1)
    response = query(api, appointment_type, tuesday, channel="phone")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 8
    first = body["results"][0]
    assert first["start"] == berlin(tuesday.year, tuesday.month, tuesday.day, 8).isoformat()
    assert first["start"].endswith(("+01:00", "+02:00"))
    assert first["channel"] == "phone" and first["location"] is None
    assert set(first) == {"start", "end", "channel", "location"}  # no staff data in a public answer
    assert counsellor.last_name not in response.content.decode()


def test_it_lists_a_time_once_however_many_counsellors_are_free_then(api):
    appointment_type = AppointmentTypeFactory()
    office, other_office = (LocationFactory(jobcenter=appointment_type.jobcenter) for _ in range(2))
    for location in (office, office, other_office):
        counsellor_with_hours(appointment_type, weekdays=[1], location=location, channels=["in_person", "video"])
    tuesday = next_weekday(1)
    body = query(api, appointment_type, tuesday).json()
    at_eight = [r for r in body["results"] if r["start"][11:16] == "08:00"]
    assert sorted(((r["channel"], (r["location"] or {}).get("id")) for r in at_eight), key=str) == sorted(
        [("in_person", str(office.public_id)), ("in_person", str(other_office.public_id)), ("video", None)], key=str
    )
    assert body["count"] == len(body["results"]) == 8 * 3  # three free counsellors, three entries a time
    starts = [r["start"] for r in body["results"]]
    assert starts == sorted(starts)


def test_it_leaves_out_booked_slots_and_absences(api):
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1, 2])
    tuesday = next_weekday(1)
    AppointmentFactory(
        appointment_type=appointment_type, counsellor=counsellor, start=berlin(*tuesday.timetuple()[:3], 9)
    )
    AppointmentFactory(
        appointment_type=appointment_type,
        counsellor=counsellor,
        start=berlin(*tuesday.timetuple()[:3], 10),
        cancelled=True,
    )
    AvailabilityException.objects.create(counsellor=counsellor, kind="absence", date=tuesday + timedelta(days=1))
    body = query(api, appointment_type, tuesday, tuesday + timedelta(days=1), channel="phone").json()
    hours = [r["start"][11:16] for r in body["results"]]
    assert "09:00" not in hours and "10:00" in hours  # the cancelled one no longer blocks
    assert len(hours) == 7
    assert all(r["start"].startswith(tuesday.isoformat()) for r in body["results"])


def test_it_filters_by_language_and_location(api):
    appointment_type = AppointmentTypeFactory()
    location = LocationFactory(jobcenter=appointment_type.jobcenter)
    speaker = counsellor_with_hours(appointment_type, weekdays=[1], languages=["de", "uk"], location=location)
    counsellor_with_hours(appointment_type, weekdays=[1], languages=["de"])
    tuesday = next_weekday(1)
    body = query(api, appointment_type, tuesday, language="uk").json()
    assert body["results"] == query(api, appointment_type, tuesday, counsellor=str(speaker.public_id)).json()["results"]
    assert {r["location"]["id"] for r in body["results"] if r["location"]} == {str(location.public_id)}
    assert len(query(api, appointment_type, tuesday).json()["results"]) > body["count"]
    body = query(api, appointment_type, tuesday, location=str(location.public_id)).json()
    assert body["count"] == 8
    assert {(r["channel"], r["location"]["id"]) for r in body["results"]} == {("in_person", str(location.public_id))}


def test_it_respects_minimum_notice_and_horizon(api):
    appointment_type = AppointmentTypeFactory(minimum_notice=timedelta(days=400), booking_horizon=timedelta(days=500))
    counsellor_with_hours(appointment_type)
    tuesday = next_weekday(1)
    assert query(api, appointment_type, tuesday).json()["count"] == 0
    appointment_type.minimum_notice = timedelta(hours=1)
    appointment_type.booking_horizon = timedelta(days=3)
    appointment_type.save()
    assert query(api, appointment_type, tuesday).json()["count"] == 0


def test_it_refuses_more_than_31_days_and_bad_input(api):
    appointment_type = AppointmentTypeFactory()
    tuesday = next_weekday(1)
    response = query(api, appointment_type, tuesday, tuesday + timedelta(days=31))
    assert response.status_code == 400
    assert "to" in response.json()["errors"]
    assert query(api, appointment_type, tuesday, tuesday + timedelta(days=30)).status_code == 200
    response = api.get(URL, {"appointment_type": "nope", "from": "2027-13-01", "to": tuesday})
    assert response.status_code == 400
    assert {"appointment_type", "from"} <= set(response.json()["errors"])
    response = api.get(
        URL, {"appointment_type": "00000000-0000-0000-0000-000000000000", "from": tuesday, "to": tuesday}
    )
    assert response.status_code == 400 and "appointment_type" in response.json()["errors"]
    response = query(api, appointment_type, tuesday, tuesday - timedelta(days=1))
    assert response.status_code == 400 and "to" in response.json()["errors"]


def test_it_computes_slots_in_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    appointment_type = AppointmentTypeFactory()
    tuesday = next_weekday(1)
    counsellor = counsellor_with_hours(appointment_type)
    AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, start=berlin(*tuesday.timetuple()[:3]))
    with django_assert_max_num_queries(7) as small:
        few = query(api, appointment_type, tuesday).json()["count"]
    for _ in range(5):
        other = counsellor_with_hours(appointment_type)
        AppointmentFactory(appointment_type=appointment_type, counsellor=other, start=berlin(*tuesday.timetuple()[:3]))
        AvailabilityException.objects.create(counsellor=other, kind="absence", date=tuesday + timedelta(days=3))
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        many = query(api, appointment_type, tuesday, tuesday + timedelta(days=30)).json()["count"]
    assert many > few * 20
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_never_offers_a_slot_with_a_booking_of_another_type_in_its_buffer(api):
    appointment_type = AppointmentTypeFactory(buffer_after=timedelta(minutes=30))
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1])
    other_type = AppointmentTypeFactory(jobcenter=appointment_type.jobcenter, team=appointment_type.team)
    tuesday = next_weekday(1)
    AppointmentFactory(
        appointment_type=other_type, counsellor=counsellor, start=berlin(*tuesday.timetuple()[:3], 9, 30)
    )
    hours = [r["start"][11:16] for r in query(api, appointment_type, tuesday, channel="phone").json()["results"]]
    assert hours == ["08:00", "10:00", "11:00"]  # 09:00 + 30 min + 30 min buffer reaches into 09:30
    assert AppointmentFactory._meta.model.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
