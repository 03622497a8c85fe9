"""POST /api/v1/appointments/{id}/cancel/ and /reschedule/"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.constants import AppointmentStatus, Change
from appointments.models import Appointment
from appointments.signals import appointment_changed
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(citizen):
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1])
    tuesday = next_weekday(1)
    return AppointmentFactory(
        appointment_type=appointment_type,
        counsellor=counsellor,
        citizen=citizen,
        start=berlin(*tuesday.timetuple()[:3], 9),
    )


def url(appointment, action):
    return f"/api/v1/appointments/{appointment.public_id}/{action}/"


def test_it_cancels_and_frees_the_slot(citizen_api, booked, django_capture_on_commit_callbacks):
    changes = []
    receiver = lambda sender, appointment, change, **kw: changes.append(change)  # noqa: E731
    appointment_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = citizen_api.post(url(booked, "cancel"), {"reason": "Krank"}, format="json")
    finally:
        appointment_changed.disconnect(receiver)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["version"] == 2
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED and booked.cancel_reason == "Krank"
    assert changes == [Change.CANCELLED]
    # Cancelling again changes nothing.
    assert citizen_api.post(url(booked, "cancel"), {}, format="json").json()["version"] == 2


def test_it_refuses_a_citizen_cancellation_after_the_cutoff(citizen_api, booked):
    soon = timezone.now() + timedelta(hours=1)
    Appointment.objects.filter(pk=booked.pk).update(
        start=soon, end=soon + timedelta(minutes=30), blocked_start=soon, blocked_end=soon + timedelta(minutes=30)
    )
    response = citizen_api.post(url(booked, "cancel"), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "cancel_cutoff_passed"
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_it_refuses_a_stale_if_match(citizen_api, booked):
    response = citizen_api.post(url(booked, "cancel"), {}, format="json", HTTP_IF_MATCH=f'"{booked.public_id}-0"')
    assert response.status_code == 412
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_it_reschedules_in_place_and_releases_the_old_slot(citizen_api, booked, api):
    new_start = booked.start + timedelta(hours=1)
    response = citizen_api.post(url(booked, "reschedule"), {"start": new_start.isoformat()}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == str(booked.public_id) and response.json()["version"] == 2
    booked.refresh_from_db()
    assert booked.start == new_start and booked.status == AppointmentStatus.BOOKED
    day = booked.start.astimezone(new_start.tzinfo).date()
    slots = api.get(
        "/api/v1/slots/",
        {"appointment_type": str(booked.appointment_type.public_id), "from": day, "to": day, "channel": "phone"},
    ).json()
    hours = [s["start"][11:16] for s in slots["results"]]
    assert "09:00" in hours and "10:00" not in hours


def test_it_keeps_the_old_slot_when_the_new_one_is_taken(citizen_api, booked):
    AppointmentFactory(
        appointment_type=booked.appointment_type, counsellor=booked.counsellor, start=booked.start + timedelta(hours=2)
    )
    response = citizen_api.post(
        url(booked, "reschedule"), {"start": (booked.start + timedelta(hours=2)).isoformat()}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "slot_taken"
    fresh = Appointment.objects.get(pk=booked.pk)
    assert fresh.start == booked.start and fresh.version == 1


def test_it_reschedules_into_an_overlap_with_its_own_old_time(citizen_api, booked):
    booked.appointment_type.duration = timedelta(minutes=60)
    booked.appointment_type.save()
    Appointment.objects.filter(pk=booked.pk).update(
        end=booked.start + timedelta(minutes=60), blocked_end=booked.start + timedelta(minutes=60)
    )
    new_start = booked.start + timedelta(minutes=60)
    response = citizen_api.post(url(booked, "reschedule"), {"start": new_start.isoformat()}, format="json")
    assert response.status_code == 200
    assert Appointment.objects.get(pk=booked.pk).start == new_start
