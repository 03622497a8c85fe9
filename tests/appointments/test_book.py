"""POST /api/v1/appointments/ and GET /api/v1/appointments/"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from rest_framework.test import APIClient

from appointments.constants import AppointmentStatus, Change
from appointments.models import Appointment
from appointments.signals import appointment_changed
from portal.models import AuditEvent
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.factories import LocationFactory, UserFactory, login

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/"


@pytest.fixture
def setup():
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1])
    tuesday = next_weekday(1)
    return appointment_type, counsellor, berlin(*tuesday.timetuple()[:3], 9)


def book(client, appointment_type, start, channel="phone", **extra):
    return client.post(
        URL,
        {"appointment_type": str(appointment_type.public_id), "start": start.isoformat(), "channel": channel, **extra},
        format="json",
    )


def test_it_books_a_free_slot_and_sends_the_confirmation_once(
    citizen_api, citizen, setup, django_capture_on_commit_callbacks
):
    appointment_type, counsellor, start = setup
    changes = []

    def receiver(sender, appointment, change, **kwargs):
        changes.append((appointment.public_id, change))

    appointment_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = book(citizen_api, appointment_type, start, note="Bitte mit Dolmetscher")
    finally:
        appointment_changed.disconnect(receiver)
    assert response.status_code == 201, response.json()
    body = response.json()
    appointment = Appointment.objects.get(public_id=body["id"])
    assert appointment.citizen == citizen and appointment.counsellor == counsellor
    assert appointment.start == start and appointment.status == AppointmentStatus.BOOKED
    assert body["start"] == start.isoformat() and body["counsellor"]["id"] == str(counsellor.public_id)
    assert response["Location"] == f"/api/v1/appointments/{appointment.public_id}/"
    assert response["ETag"] == f'"{appointment.public_id}-1"'
    assert changes == [(appointment.public_id, Change.BOOKED)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [citizen.email]
    assert citizen.last_name not in message.body and "Dolmetscher" not in message.body
    assert f"http://testserver/appointments/{appointment.public_id}/" in message.body
    assert (
        message.attachments == []
    )  # a calendar file only when the citizen chose it (tests/security/test_email_contents.py)
    assert AuditEvent.objects.filter(action="appointment.book", object_id=str(appointment.public_id)).exists()


def test_it_refuses_a_second_booking_of_the_same_slot(api_for, setup):
    appointment_type, _counsellor, start = setup
    first = book(api_for(UserFactory(citizen=True)), appointment_type, start)
    assert first.status_code == 201
    second = book(api_for(UserFactory(citizen=True)), appointment_type, start)
    assert second.status_code == 409
    assert second.json()["code"] == "slot_taken"
    assert second["Content-Type"].startswith("application/problem+json")
    assert Appointment.objects.count() == 1


def test_it_picks_another_free_counsellor_for_the_same_time(api_for, setup):
    appointment_type, counsellor, start = setup
    other = counsellor_with_hours(appointment_type, weekdays=[1])
    assert book(api_for(UserFactory(citizen=True)), appointment_type, start).status_code == 201
    second = book(api_for(UserFactory(citizen=True)), appointment_type, start)
    assert second.status_code == 201
    assert {a.counsellor_id for a in Appointment.objects.all()} == {counsellor.pk, other.pk}


def test_it_refuses_a_citizen_two_appointments_at_once(citizen_api, setup):
    appointment_type, _counsellor, start = setup
    counsellor_with_hours(appointment_type, weekdays=[1])
    assert book(citizen_api, appointment_type, start).status_code == 201
    response = book(citizen_api, appointment_type, start + timedelta(minutes=0))
    assert response.status_code == 409
    assert response.json()["code"] == "citizen_busy"
    assert Appointment.objects.count() == 1


def test_it_refuses_times_outside_the_availability_and_within_the_notice(citizen_api, setup):
    appointment_type, _counsellor, start = setup
    response = book(citizen_api, appointment_type, start.replace(hour=13))
    assert response.status_code == 409 and response.json()["errors"]["start"]
    response = book(citizen_api, appointment_type, start + timedelta(minutes=7))
    assert response.status_code == 409
    assert Appointment.objects.count() == 0


def test_it_names_the_field_of_bad_input(citizen_api, setup):
    appointment_type, _counsellor, start = setup
    response = citizen_api.post(URL, {"start": "tomorrow", "channel": "fax"}, format="json")
    assert response.status_code == 400
    assert {"appointment_type", "start", "channel"} <= set(response.json()["errors"])
    appointment_type.channels = ["phone"]
    appointment_type.save()
    response = book(citizen_api, appointment_type, start, channel="video")
    assert response.status_code == 400 and "channel" in response.json()["errors"]
    response = book(citizen_api, appointment_type, start, language="ar")
    assert response.status_code == 400 and "language" in response.json()["errors"]
    response = book(citizen_api, appointment_type, start, counsellor="00000000-0000-0000-0000-000000000000")
    assert response.status_code == 400 and "counsellor" in response.json()["errors"]
    appointment_type.self_bookable = False
    appointment_type.save()
    response = book(citizen_api, appointment_type, start)
    assert response.status_code == 400 and "appointment_type" in response.json()["errors"]
    assert Appointment.objects.count() == 0


def test_it_lets_only_citizens_book(api, api_for, setup):
    appointment_type, _counsellor, start = setup
    assert book(api, appointment_type, start).status_code in (401, 403)
    response = book(api_for(UserFactory(staff=True, jobcenter=appointment_type.jobcenter)), appointment_type, start)
    assert response.status_code == 403 and response.json()["code"] == "role_required"
    assert Appointment.objects.count() == 0


def test_it_replays_a_booking_with_the_same_idempotency_key(citizen_api, setup):
    appointment_type, _counsellor, start = setup
    headers = {"HTTP_IDEMPOTENCY_KEY": "booking-1"}
    payload = {"appointment_type": str(appointment_type.public_id), "start": start.isoformat(), "channel": "phone"}
    first = citizen_api.post(URL, payload, format="json", **headers)
    again = citizen_api.post(URL, payload, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Appointment.objects.count() == 1


def test_it_lists_my_appointments_only(citizen_api, citizen, api_for, setup):
    appointment_type, counsellor, start = setup
    mine = AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, citizen=citizen, start=start)
    AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, start=start + timedelta(hours=1))
    body = citizen_api.get(URL).json()
    assert [a["id"] for a in body["results"]] == [str(mine.public_id)]
    body = api_for(counsellor).get(URL).json()
    assert body["count"] == 2


def test_it_hides_other_peoples_appointments(citizen_api, api_for, setup):
    appointment_type, counsellor, start = setup
    other = AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, start=start)
    assert citizen_api.get(f"{URL}{other.public_id}/").status_code == 404
    assert citizen_api.post(f"{URL}{other.public_id}/cancel/", {}, format="json").status_code == 404
    assert citizen_api.get(f"{URL}{other.public_id}/ics").status_code == 404
    colleague = UserFactory(counsellor=True, jobcenter=appointment_type.jobcenter)
    assert api_for(colleague).get(f"{URL}{other.public_id}/").status_code == 404
    response = api_for(other.citizen).get(f"{URL}{other.public_id}/")
    assert response.status_code == 200 and response.json()["id"] == str(other.public_id)
    assert Appointment.objects.get(pk=other.pk).status == AppointmentStatus.BOOKED


def test_it_books_at_the_office_the_citizen_chose(citizen_api):
    appointment_type = AppointmentTypeFactory()
    near, far = (LocationFactory(jobcenter=appointment_type.jobcenter) for _ in range(2))
    at_near = counsellor_with_hours(appointment_type, weekdays=[1], location=near)
    at_far = counsellor_with_hours(appointment_type, weekdays=[1], location=far)
    start = berlin(*next_weekday(1).timetuple()[:3], 9)

    response = book(citizen_api, appointment_type, start, channel="in_person", location=str(far.public_id))

    assert response.status_code == 201, response.json()
    booked = Appointment.objects.get(public_id=response.json()["id"])
    assert (booked.counsellor, booked.location) == (at_far, far)
    # The office is full at that time now, although the other one is not.
    other = APIClient()
    login(other, UserFactory(citizen=True))
    again = book(other, appointment_type, start, channel="in_person", location=str(far.public_id))
    assert again.status_code == 409 and again.json()["code"] == "slot_taken"
    assert not Appointment.objects.filter(counsellor=at_near).exists()


def test_it_refuses_an_unknown_office_naming_the_field(citizen_api, setup):
    appointment_type, _counsellor, start = setup
    foreign = LocationFactory()  # another Jobcenter's office
    for location in ("00000000-0000-0000-0000-000000000000", str(foreign.public_id), "nope"):
        response = book(citizen_api, appointment_type, start, channel="in_person", location=location)
        assert response.status_code == 400, location
        assert "location" in response.json()["errors"]
    assert not Appointment.objects.exists()
