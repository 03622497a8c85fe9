"""The per-process stores in front of the slot cache (issue #18): decoded days,
the type and its counsellors, the rendered answer. Every change that affects
the list must reach them (appointments/slot_cache.py, steps 3 and 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments import slot_cache
from portal.constants import Role
from tests.appointments.factories import AppointmentTypeFactory, berlin, counsellor_with_hours, next_weekday
from tests.appointments.test_slot_cache import book, hours
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
SLOTS = "/api/v1/slots/"
ALL = ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


@pytest.fixture
def world():
    slot_cache.forget_here()
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1, 2])
    return appointment_type, counsellor, next_weekday(1)


def test_a_repeated_query_reads_nothing_from_the_database(api, world):
    appointment_type, _counsellor, tuesday = world
    first = hours(api, appointment_type, tuesday)
    with CaptureQueriesContext(connection) as again:
        second = hours(api, appointment_type, tuesday)
    assert second == first == ALL
    assert again.captured_queries == []


def test_decoded_days_are_not_read_from_the_cache_again(api, world, monkeypatch):
    """Another query over the same days (another channel: no answer kept for it)
    fetches only tokens from the cache, not the pickled days."""
    appointment_type, _counsellor, tuesday = world
    assert hours(api, appointment_type, tuesday) == ALL
    asked: list[str] = []
    real = slot_cache.cache.get_many

    def get_many(keys):
        asked.extend(keys)
        return real(keys)

    monkeypatch.setattr(slot_cache.cache, "get_many", get_many)
    assert hours(api, appointment_type, tuesday, channel="video") == ALL
    assert asked and all(":token:" in key for key in asked)


def test_it_follows_a_booking_and_its_cancellation(api, citizen_api, world, django_capture_on_commit_callbacks):
    appointment_type, _counsellor, tuesday = world
    assert hours(api, appointment_type, tuesday) == ALL
    start = berlin(*tuesday.timetuple()[:3], 9)
    with django_capture_on_commit_callbacks(execute=True):
        booked = book(citizen_api, appointment_type, start)
    assert booked.status_code == 201, booked.json()
    assert "09:00" not in hours(api, appointment_type, tuesday)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = citizen_api.post(
            f"/api/v1/appointments/{booked.json()['id']}/cancel/",
            {"reason": ""},
            format="json",
            HTTP_IF_MATCH=booked["ETag"],
        )
    assert cancelled.status_code == 200, cancelled.json()
    assert hours(api, appointment_type, tuesday) == ALL


def test_it_follows_a_change_of_the_type_that_keeps_its_shape(api, world):
    appointment_type, _counsellor, tuesday = world
    assert hours(api, appointment_type, tuesday) == ALL
    appointment_type.channels = ["video"]
    appointment_type.save()
    assert hours(api, appointment_type, tuesday) == []
    appointment_type.is_active = False
    appointment_type.save()
    response = api.get(SLOTS, {"appointment_type": str(appointment_type.public_id), "from": tuesday, "to": tuesday})
    assert response.status_code == 400
    assert "appointment_type" in str(response.json())


def test_it_follows_a_counsellor_made_inactive(api, world):
    appointment_type, counsellor, tuesday = world
    assert hours(api, appointment_type, tuesday) == ALL
    counsellor.is_active = False
    counsellor.save()
    assert hours(api, appointment_type, tuesday) == []


def test_it_follows_a_counsellor_leaving_the_team_and_the_role(api, world):
    appointment_type, counsellor, tuesday = world
    assert hours(api, appointment_type, tuesday) == ALL
    counsellor.teams.remove(appointment_type.team)
    assert hours(api, appointment_type, tuesday) == []
    counsellor.teams.add(appointment_type.team)
    assert hours(api, appointment_type, tuesday) == ALL
    counsellor.groups.remove(Group.objects.get(name=Role.COUNSELLOR))
    assert hours(api, appointment_type, tuesday) == []


def test_it_follows_a_change_of_the_languages_spoken(api, world):
    appointment_type, counsellor, tuesday = world
    assert hours(api, appointment_type, tuesday, language="uk") == []
    profile = counsellor.counsellor_profile
    profile.languages = ["de", "uk"]
    profile.save()
    assert hours(api, appointment_type, tuesday, language="uk") == ALL


def test_it_follows_a_renamed_location(api, world):
    appointment_type, _counsellor, tuesday = world
    params = {"appointment_type": str(appointment_type.public_id), "from": tuesday, "to": tuesday}
    answer = api.get(SLOTS, {**params, "channel": "in_person"}).json()["results"]
    location_id = answer[0]["location"]["id"]
    location = LocationFactory._meta.model.objects.get(public_id=location_id)
    location.name = "Neues Haus"
    location.save()
    again = api.get(SLOTS, {**params, "channel": "in_person"}).json()["results"]
    assert {entry["location"]["name"] for entry in again} == {"Neues Haus"}


def test_a_login_does_not_retire_the_setup_token(world):
    _appointment_type, counsellor, _tuesday = world
    token = slot_cache.setup_token()
    counsellor.save(update_fields=["last_login"])
    assert slot_cache.setup_token() == token
    counsellor.save()
    assert slot_cache.setup_token() != token


def test_an_answer_expires_when_its_first_slot_falls_inside_the_notice():
    slot_cache.forget_here()
    key = ("query",)
    notice = timedelta(hours=24).total_seconds()
    first_start = 1_000_000 + int(notice) + 30
    slot_cache.answer_put(key, b"body", now=1_000_000, first_start=first_start, notice_seconds=notice)
    assert slot_cache.answer_get(key, 1_000_029) == b"body"
    assert slot_cache.answer_get(key, 1_000_030) is None
    # Without a slot, at most ANSWER_SECONDS (slots entering the horizon appear that much later at most).
    slot_cache.answer_put(key, b"empty", now=1_000_000, first_start=None, notice_seconds=notice)
    assert slot_cache.answer_get(key, 1_000_000 + slot_cache.ANSWER_SECONDS - 1) == b"empty"
    assert slot_cache.answer_get(key, 1_000_000 + slot_cache.ANSWER_SECONDS) is None


def test_the_stores_of_a_process_stay_bounded(monkeypatch):
    monkeypatch.setattr(slot_cache, "LOCAL_ENTRIES", 3)
    store: dict = {}
    for i in range(5):
        slot_cache._keep(store, i, str(i))
    assert store == {2: "2", 3: "3", 4: "4"}
