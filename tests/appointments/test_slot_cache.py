"""The cached slot list (appointments.slot_cache): the same answer as the database,
and every change made through the services is seen at once."""

from __future__ import annotations

import random
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.availability import zone
from appointments.constants import AppointmentStatus
from appointments.models import Appointment, AvailabilityException
from appointments.selectors import slots_for_listing, slots_for_type
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
SLOTS = "/api/v1/slots/"


@pytest.fixture
def world():
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1, 2])
    tuesday = next_weekday(1)
    return appointment_type, counsellor, tuesday


def hours(api, appointment_type, day, **params) -> list[str]:
    response = api.get(
        SLOTS,
        {"appointment_type": str(appointment_type.public_id), "from": day, "to": day, "channel": "phone", **params},
    )
    assert response.status_code == 200, response.content
    return [slot["start"][11:16] for slot in response.json()["results"]]


def book(client, appointment_type, start, **extra):
    return client.post(
        "/api/v1/appointments/",
        {"appointment_type": str(appointment_type.public_id), "start": start.isoformat(), "channel": "phone", **extra},
        format="json",
    )


def availability_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "appointments_availabilityrule" in q["sql"]]


def test_it_answers_a_repeated_query_from_the_cache(api, world):
    appointment_type, _counsellor, tuesday = world
    with CaptureQueriesContext(connection) as first:
        before = hours(api, appointment_type, tuesday)
    with CaptureQueriesContext(connection) as second:
        again = hours(api, appointment_type, tuesday)
    assert again == before == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert len(availability_queries(first.captured_queries)) == 1
    assert availability_queries(second.captured_queries) == []
    assert len(second.captured_queries) < len(first.captured_queries)


def test_it_drops_a_slot_once_it_is_booked_and_offers_it_again_after_cancellation(
    api, citizen_api, world, django_capture_on_commit_callbacks
):
    appointment_type, _counsellor, tuesday = world
    assert "09:00" in hours(api, appointment_type, tuesday)  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = book(citizen_api, appointment_type, berlin(*tuesday.timetuple()[:3], 9))
    assert response.status_code == 201, response.json()
    assert "09:00" not in hours(api, appointment_type, tuesday)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = citizen_api.post(f"/api/v1/appointments/{response.json()['id']}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert "09:00" in hours(api, appointment_type, tuesday)


def test_it_frees_the_old_and_takes_the_new_slot_on_reschedule_to_another_counsellor(
    api, citizen_api, django_capture_on_commit_callbacks
):
    appointment_type = AppointmentTypeFactory()
    morning = counsellor_with_hours(appointment_type, weekdays=[1], start=time(8), end=time(12))
    afternoon = counsellor_with_hours(appointment_type, weekdays=[1], start=time(13), end=time(15))
    tuesday = next_weekday(1)
    with django_capture_on_commit_callbacks(execute=True):
        booked = book(citizen_api, appointment_type, berlin(*tuesday.timetuple()[:3], 9)).json()
    assert booked["counsellor"]["id"] == str(morning.public_id)
    assert "09:00" not in hours(api, appointment_type, tuesday)
    assert "13:00" in hours(api, appointment_type, tuesday)
    with django_capture_on_commit_callbacks(execute=True):
        moved = citizen_api.post(
            f"/api/v1/appointments/{booked['id']}/reschedule/",
            {"start": berlin(*tuesday.timetuple()[:3], 13).isoformat()},
            format="json",
        )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["counsellor"]["id"] == str(afternoon.public_id)
    now_free = hours(api, appointment_type, tuesday)
    assert "09:00" in now_free and "13:00" not in now_free


def test_it_follows_a_change_of_availability(api_for, api, world, django_capture_on_commit_callbacks):
    appointment_type, counsellor, tuesday = world
    assert len(hours(api, appointment_type, tuesday)) == 8
    client = api_for(counsellor)
    etag = client.get("/api/v1/counsellor/availability/")["ETag"]
    payload = {"rules": [{"weekday": 1, "start_time": "10:00", "end_time": "11:00", "channels": ["phone"]}]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put("/api/v1/counsellor/availability/", payload, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert hours(api, appointment_type, tuesday) == ["10:00", "10:30"]


def test_it_follows_an_invitation(api_for, api, citizen, world, django_capture_on_commit_callbacks):
    appointment_type, _counsellor, tuesday = world
    staff = UserFactory(staff=True, jobcenter=appointment_type.jobcenter)
    assert "10:00" in hours(api, appointment_type, tuesday)
    payload = {
        "citizen": str(citizen.public_id),
        "appointment_type": str(appointment_type.public_id),
        "start": berlin(*tuesday.timetuple()[:3], 10).isoformat(),
        "channel": "phone",
        "purpose": "placement",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(staff).post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert "10:00" not in hours(api, appointment_type, tuesday)


def test_it_recomputes_when_the_duration_of_the_type_changes(api, world):
    appointment_type, _counsellor, tuesday = world
    assert len(hours(api, appointment_type, tuesday)) == 8
    appointment_type.duration = timedelta(hours=1)
    appointment_type.save()
    assert hours(api, appointment_type, tuesday) == ["08:00", "09:00", "10:00", "11:00"]


def test_it_never_double_books_from_a_stale_list(api, citizen_api, world):
    """A booking written past the services is not seen by the cached list until
    it expires, but booking reads the database: 409, and still one row."""
    appointment_type, counsellor, tuesday = world
    start = berlin(*tuesday.timetuple()[:3], 9)
    assert "09:00" in hours(api, appointment_type, tuesday)
    AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, start=start)
    assert "09:00" in hours(api, appointment_type, tuesday)  # stale, by design (see slot_cache)
    response = book(citizen_api, appointment_type, start)
    assert response.status_code == 409 and response.json()["code"] == "slot_taken"
    assert Appointment.objects.filter(counsellor=counsellor, start=start, status=AppointmentStatus.BOOKED).count() == 1


@pytest.mark.parametrize("cache_seconds", [300, 0], ids=["cached", "uncached"])
def test_it_lists_exactly_what_the_database_computes(settings, cache_seconds):
    """Rules at two offices, absences, extra hours and bookings at random: the
    listing (cold, then warm) equals ``slots_for_type`` for every filter."""
    settings.APPOINTMENTS_SLOT_CACHE_SECONDS = cache_seconds
    rng = random.Random(5)
    appointment_type = AppointmentTypeFactory(channels=["in_person", "video"])
    office = LocationFactory(jobcenter=appointment_type.jobcenter)
    people = [
        counsellor_with_hours(appointment_type, weekdays=[0, 1, 2, 3, 4], location=office if i % 2 else None)
        for i in range(4)
    ]
    first = next_weekday(0)
    last = first + timedelta(days=13)
    for person in people:
        AvailabilityException.objects.create(
            counsellor=person, kind="absence", date=first + timedelta(rng.randrange(14))
        )
        AvailabilityException.objects.create(
            counsellor=person,
            kind="extra",
            date=first + timedelta(days=5),
            start_time=time(9),
            end_time=time(11),
            channels=["video"],
        )
        for _ in range(6):
            day = first + timedelta(days=rng.randrange(14))
            start = berlin(day.year, day.month, day.day, 8 + rng.randrange(4), rng.choice([0, 30]))
            if not Appointment.objects.filter(counsellor=person, start=start).exists():
                AppointmentFactory(appointment_type=appointment_type, counsellor=person, start=start)
    for params in [{}, {"channel": "video"}, {"location_id": office.pk}, {"counsellor_ids": [people[1].pk]}]:
        expected = [
            (int(s.start.timestamp()), s.counsellor, s.channel, s.location)
            for s in slots_for_type(appointment_type=appointment_type, first=first, last=last, **params)[0]
        ]
        assert expected, params
        for _ in range(2):  # cold, then from the cache
            rows, _counsellors = slots_for_listing(appointment_type=appointment_type, first=first, last=last, **params)
            assert rows == expected, params


def test_it_writes_times_with_the_berlin_offset_and_escapes_names(api, world):
    appointment_type, counsellor, tuesday = world
    location = counsellor.availability_rules.first().location
    location.name = 'Büro "Zoë" Öztürk-Straße'
    location.save()
    body = api.get(SLOTS, {"appointment_type": str(appointment_type.public_id), "from": tuesday, "to": tuesday}).json()
    first = body["results"][0]
    assert body["count"] == len(body["results"]) == 24  # 8 times x 3 channels
    in_person = next(r for r in body["results"] if r["channel"] == "in_person")
    assert in_person["location"] == {"id": str(location.public_id), "name": 'Büro "Zoë" Öztürk-Straße'}
    assert first["start"] == berlin(*tuesday.timetuple()[:3], 8).isoformat()
    assert first["end"] == berlin(*tuesday.timetuple()[:3], 8, 30).astimezone(zone("Europe/Berlin")).isoformat()
    in_person = next(r for r in body["results"] if r["channel"] == "in_person")
    assert set(in_person["location"]) == {"id", "name"}


def test_it_lists_slots_from_the_database_when_the_cache_is_down(api, settings, world):
    appointment_type, _counsellor, tuesday = world
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert hours(api, appointment_type, tuesday) == [
        "08:00",
        "08:30",
        "09:00",
        "09:30",
        "10:00",
        "10:30",
        "11:00",
        "11:30",
    ]
