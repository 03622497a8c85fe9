"""/api/v1/counsellor/availability/, /api/v1/counsellor/agenda/ and marking attended / no-show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.constants import AppointmentStatus
from appointments.models import Appointment, AvailabilityRule, CounsellorProfile
from portal.models import AuditEvent
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory, next_weekday
from tests.factories import JobcenterFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/counsellor/availability/"


@pytest.fixture
def counsellor():
    appointment_type = AppointmentTypeFactory()
    user = UserFactory(counsellor=True, jobcenter=appointment_type.jobcenter)
    user.teams.add(appointment_type.team)
    user.appointment_type = appointment_type
    return user


def test_it_replaces_the_availability_and_the_slots_follow(api_for, api, counsellor):
    client = api_for(counsellor)
    location = LocationFactory(jobcenter=counsellor.jobcenter)
    etag = client.get(URL)["ETag"]
    payload = {
        "languages": ["de", "uk"],
        "rules": [
            {
                "weekday": 1,
                "start_time": "08:00",
                "end_time": "10:00",
                "location": str(location.public_id),
                "channels": ["in_person", "video"],
            }
        ],
        "exceptions": [{"kind": "absence", "date": next_weekday(1, weeks_ahead=2).isoformat()}],
    }
    response = client.put(URL, payload, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["rules"][0]["location"] == str(location.public_id)
    assert response.json()["languages"] == ["de", "uk"]
    tuesday = next_weekday(1)
    slots = api.get(
        "/api/v1/slots/",
        {
            "appointment_type": str(counsellor.appointment_type.public_id),
            "from": tuesday,
            "to": tuesday + timedelta(days=7),
            "language": "uk",
        },
    ).json()
    assert {s["start"][:10] for s in slots["results"]} == {tuesday.isoformat()}  # the second Tuesday is an absence
    assert {s["channel"] for s in slots["results"]} == {"in_person", "video"}
    # The old ETag no longer matches.
    assert client.put(URL, payload, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_it_names_the_bad_field_and_keeps_the_old_rules(api_for, counsellor):
    client = api_for(counsellor)
    AvailabilityRule.objects.create(counsellor=counsellor, weekday=0, start_time="08:00", end_time="12:00")
    foreign = LocationFactory(jobcenter=JobcenterFactory())
    payload = {
        "rules": [
            {"weekday": 1, "start_time": "12:00", "end_time": "08:00", "channels": ["phone"]},
            {
                "weekday": 9,
                "start_time": "08:00",
                "end_time": "09:00",
                "channels": ["fax"],
                "location": str(foreign.public_id),
            },
        ]
    }
    response = client.put(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"rules.0.end_time", "rules.1.weekday", "rules.1.channels.0", "rules.1.location"} <= set(errors)
    assert AvailabilityRule.objects.filter(counsellor=counsellor).count() == 1


def test_it_lets_only_counsellors_edit_availability(citizen_api, api_for, counsellor):
    assert citizen_api.get(URL).status_code == 403
    assert citizen_api.put(URL, {"rules": []}, format="json").status_code == 403
    assert api_for(counsellor, mfa=False).get(URL).status_code == 403


def test_it_shows_the_agenda_and_marks_attendance_only_after_the_start(api_for, citizen_api, citizen, counsellor):
    client = api_for(counsellor)
    upcoming = AppointmentFactory(appointment_type=counsellor.appointment_type, counsellor=counsellor, citizen=citizen)
    started = timezone.now() - timedelta(minutes=5)
    past = AppointmentFactory(appointment_type=counsellor.appointment_type, counsellor=counsellor, start=started)
    first = (started - timedelta(days=1)).date()
    agenda = client.get("/api/v1/counsellor/agenda/", {"from": first, "to": first + timedelta(days=20)}).json()
    assert {a["id"] for a in agenda["results"]} == {str(upcoming.public_id), str(past.public_id)}
    response = client.post(f"/api/v1/appointments/{upcoming.public_id}/no-show/")
    assert response.status_code == 409 and response.json()["code"] == "not_started"
    response = client.post(f"/api/v1/appointments/{past.public_id}/no-show/")
    assert response.status_code == 200 and response.json()["status"] == "no_show"
    response = client.post(f"/api/v1/appointments/{past.public_id}/attended/")
    assert response.status_code == 200 and response.json()["status"] == "attended"
    assert citizen_api.post(f"/api/v1/appointments/{upcoming.public_id}/attended/").status_code == 403
    assert citizen_api.get("/api/v1/appointments/").json()["results"][0]["status"] == "booked"
    assert Appointment.objects.get(pk=upcoming.pk).status == AppointmentStatus.BOOKED
    response = client.post(f"/api/v1/appointments/{past.public_id}/cancel/", {}, format="json")
    assert response.status_code == 409 and response.json()["allowed_actions"] == ["no_show"]


def test_it_refuses_a_mark_with_a_stale_if_match(api_for, counsellor):
    client = api_for(counsellor)
    past = AppointmentFactory(
        appointment_type=counsellor.appointment_type,
        counsellor=counsellor,
        start=timezone.now() - timedelta(minutes=5),
    )
    stale = f'"{past.public_id}-0"'
    response = client.post(f"/api/v1/appointments/{past.public_id}/attended/", HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and response.json()["code"] == "precondition_failed"
    assert Appointment.objects.get(pk=past.pk).status == AppointmentStatus.BOOKED
    current = client.get(f"/api/v1/appointments/{past.public_id}/")["ETag"]
    response = client.post(f"/api/v1/appointments/{past.public_id}/attended/", HTTP_IF_MATCH=current)
    assert response.status_code == 200 and response.json()["version"] == 2


def test_it_shows_a_default_availability_without_storing_it_and_stores_it_on_the_first_put(api_for, counsellor):
    client = api_for(counsellor)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"languages": ["de"], "timezone": "Europe/Berlin", "rules": [], "exceptions": []}
    assert response["ETag"] == f'"{counsellor.public_id}-1"'
    assert not CounsellorProfile.objects.filter(user=counsellor).exists()
    response = client.put(URL, {"rules": []}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200 and response["ETag"] == f'"{counsellor.public_id}-2"'
    assert CounsellorProfile.objects.get(user=counsellor).version == 2
    event = AuditEvent.objects.get(action="availability.update")
    assert (event.object_type, event.object_id) == ("appointments.counsellorprofile", str(counsellor.public_id))
    assert event.jobcenter_id == counsellor.jobcenter_id
