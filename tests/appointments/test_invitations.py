"""Binding invitations (§59 SGB II with §309 SGB III): /api/v1/invitations/ and the citizen's answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from appointments.constants import AppointmentStatus, InvitationResponse
from appointments.models import Appointment
from portal.models import AuditEvent
from tests.appointments.factories import AppointmentTypeFactory, berlin, counsellor_with_hours, next_weekday
from tests.factories import JobcenterFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/invitations/"


@pytest.fixture
def world(citizen):
    appointment_type = AppointmentTypeFactory(self_bookable=False)
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1])
    staff = UserFactory(staff=True, jobcenter=appointment_type.jobcenter)
    tuesday = next_weekday(1)
    return appointment_type, counsellor, staff, berlin(*tuesday.timetuple()[:3], 9)


def invite(client, appointment_type, citizen, start, **extra):
    payload = {
        "citizen": str(citizen.public_id),
        "appointment_type": str(appointment_type.public_id),
        "start": start.isoformat(),
        "channel": "in_person",
        "purpose": "placement",
        **extra,
    }
    return client.post(URL, payload, format="json")


def test_it_invites_with_purpose_place_time_and_the_versioned_legal_notice(api_for, citizen, world):
    appointment_type, counsellor, staff, start = world
    response = invite(api_for(staff), appointment_type, citizen, start)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "invited" and body["is_invitation"] is True
    assert body["invitation"]["purpose"] == "placement"
    assert body["invitation"]["legal_notice"]["version"] == 1
    assert "Rechtsfolgenbelehrung" in body["invitation"]["legal_notice"]["text"]
    assert body["location"]["city"] and body["start"] == start.isoformat()
    appointment = Appointment.objects.get(public_id=body["id"])
    assert appointment.invited_by == staff and appointment.counsellor == counsellor
    assert AuditEvent.objects.filter(action="appointment.invite", object_id=body["id"]).exists()


def test_it_does_not_let_the_citizen_cancel_or_move_a_binding_invitation(api_for, citizen_api, citizen, world):
    appointment_type, _counsellor, staff, start = world
    invitation_id = invite(api_for(staff), appointment_type, citizen, start).json()["id"]
    base = f"/api/v1/appointments/{invitation_id}"
    response = citizen_api.post(f"{base}/cancel/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invitation_binding"
    response = citizen_api.post(
        f"{base}/reschedule/", {"start": (start + timedelta(hours=1)).isoformat()}, format="json"
    )
    assert response.status_code == 409
    assert Appointment.objects.get(public_id=invitation_id).status == AppointmentStatus.INVITED
    # The citizen asks for another date instead, with a reason; staff answer by moving it.
    response = citizen_api.post(f"{base}/request-change/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = citizen_api.post(f"{base}/request-change/", {"note": "Vorstellungsgespräch"}, format="json")
    assert response.status_code == 200 and response.json()["invitation"]["response"] == "change_requested"
    listed = api_for(staff).get(URL, {"response": "change_requested"}).json()
    assert [i["id"] for i in listed["results"]] == [invitation_id]
    response = api_for(staff).post(
        f"{URL}{invitation_id}/reschedule/", {"start": (start + timedelta(hours=1)).isoformat()}, format="json"
    )
    assert response.status_code == 200
    moved = Appointment.objects.get(public_id=invitation_id)
    assert moved.start == start + timedelta(hours=1) and moved.response == InvitationResponse.PENDING
    assert citizen_api.post(f"{base}/confirm/", format="json").json()["invitation"]["response"] == "confirmed"


def test_it_keeps_self_booked_appointments_non_binding(citizen_api, citizen, world):
    appointment_type, _counsellor, _staff, start = world
    appointment_type.self_bookable = True
    appointment_type.save()
    response = citizen_api.post(
        "/api/v1/appointments/",
        {"appointment_type": str(appointment_type.public_id), "start": start.isoformat(), "channel": "phone"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["is_invitation"] is False
    response = citizen_api.post(f"/api/v1/appointments/{response.json()['id']}/confirm/", format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_an_open_invitation"


def test_it_refuses_citizens_and_other_jobcenters(api_for, citizen_api, citizen, world):
    appointment_type, _counsellor, staff, start = world
    assert citizen_api.post(URL, {}, format="json").status_code == 403
    assert citizen_api.get(URL).status_code == 403
    stranger = UserFactory(staff=True, jobcenter=JobcenterFactory())
    response = invite(api_for(stranger), appointment_type, citizen, start)
    assert response.status_code == 400 and "appointment_type" in response.json()["errors"]
    invitation_id = invite(api_for(staff), appointment_type, citizen, start).json()["id"]
    assert api_for(stranger).get(f"{URL}{invitation_id}/").status_code == 404
    assert api_for(stranger).post(f"{URL}{invitation_id}/cancel/", {}, format="json").status_code == 404
    assert api_for(staff, mfa=False).get(URL).status_code == 403
    response = invite(api_for(staff), appointment_type, citizen, start, purpose="sanction")
    assert response.status_code == 400 and "purpose" in response.json()["errors"]
    assert Appointment.objects.count() == 1


def test_it_refuses_an_answer_with_a_stale_if_match(api_for, citizen_api, citizen, world):
    appointment_type, _counsellor, staff, start = world
    invitation_id = invite(api_for(staff), appointment_type, citizen, start).json()["id"]
    stale = f'"{invitation_id}-0"'
    response = citizen_api.post(f"/api/v1/appointments/{invitation_id}/confirm/", format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and response.json()["code"] == "precondition_failed"
    assert Appointment.objects.get(public_id=invitation_id).response == InvitationResponse.PENDING
    response = citizen_api.post(
        f"/api/v1/appointments/{invitation_id}/confirm/", format="json", HTTP_IF_MATCH=f'"{invitation_id}-1"'
    )
    assert response.status_code == 200 and response.json()["invitation"]["response"] == "confirmed"
    assert AuditEvent.objects.filter(action="invitation.confirmed", object_id=invitation_id).count() == 1


# --- counsellors invite to their own consultations --------------------------------------------
def test_a_counsellor_invites_to_their_own_consultation_and_sees_only_their_own(api_for, citizen, world):
    appointment_type, counsellor, staff, start = world
    colleague = counsellor_with_hours(appointment_type, weekdays=[1])
    response = invite(api_for(counsellor), appointment_type, citizen, start)
    assert response.status_code == 201, response.json()
    mine = Appointment.objects.get(public_id=response.json()["id"])
    assert mine.counsellor == counsellor and mine.invited_by == counsellor and mine.is_invitation

    later = start + timedelta(hours=1)
    theirs = invite(api_for(staff), appointment_type, citizen, later, counsellor=str(colleague.public_id)).json()["id"]
    client = api_for(counsellor)
    assert [row["id"] for row in client.get(URL).json()["results"]] == [str(mine.public_id)]
    assert client.get(f"{URL}{mine.public_id}/").json()["id"] == str(mine.public_id)
    refused = client.get(f"{URL}{theirs}/")
    assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
    assert client.post(f"{URL}{theirs}/cancel/", {"reason": "x"}, format="json").status_code == 404
    assert Appointment.objects.get(public_id=theirs).status == AppointmentStatus.INVITED


def test_a_counsellor_cannot_invite_to_a_colleagues_consultation(api_for, citizen, world):
    appointment_type, counsellor, _staff, start = world
    colleague = counsellor_with_hours(appointment_type, weekdays=[1])
    response = invite(api_for(counsellor), appointment_type, citizen, start, counsellor=str(colleague.public_id))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["counsellor"]
    assert not Appointment.objects.filter(citizen=citizen).exists()
