"""/api/v1/appointments/{id}/video/guests/: the counsellor invites an interpreter or a person of trust."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.models import AuditEvent
from tests.factories import UserFactory
from tests.video.factories import VideoAppointmentFactory
from video.models import Guest

pytestmark = pytest.mark.django_db

INTERPRETER = {
    "kind": "interpreter",
    "display_name": "Frau Petrenko",
    "email": "dolmetsch@example.org",
    "language": "uk",
}


def url(appointment) -> str:
    return f"/api/v1/appointments/{appointment.public_id}/video/guests/"


def test_it_invites_a_guest_by_email_with_a_link_for_this_room(
    appointment, api_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(appointment.counsellor).post(url(appointment), INTERPRETER, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "interpreter" and body["language"] == "uk" and body["email"] == INTERPRETER["email"]
    guest = Guest.objects.get(public_id=body["id"])
    (message,) = mail.outbox
    assert message.to == [INTERPRETER["email"]]
    assert f"/video/{appointment.public_id}/#guest=" in message.body
    # No social data in the e-mail: neither the citizen's name nor the key's hash.
    citizen = appointment.citizen
    assert citizen.last_name not in message.body and citizen.email not in message.body
    assert guest.key_hash not in message.body
    event = AuditEvent.objects.get(action="video.guest.invite")
    assert event.object_id == str(appointment.public_id)
    assert event.data == {"guest": str(guest.public_id), "kind": "interpreter"}


def test_it_shows_the_citizen_who_is_invited_without_their_address(appointment, api_for):
    api_for(appointment.counsellor).post(url(appointment), INTERPRETER, format="json")
    response = api_for(appointment.citizen).get(url(appointment))
    assert response.status_code == 200
    (guest,) = response.json()
    assert guest["display_name"] == "Frau Petrenko"
    assert "email" not in guest


def test_it_lets_only_the_counsellor_invite(appointment, api_for):
    response = api_for(appointment.citizen).post(url(appointment), INTERPRETER, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "counsellor_only"
    stranger = UserFactory(counsellor=True, jobcenter=appointment.counsellor.jobcenter)
    assert api_for(stranger).post(url(appointment), INTERPRETER, format="json").status_code == 404
    assert api_for(stranger).get(url(appointment)).status_code == 404
    assert not Guest.objects.exists()
    assert not mail.outbox


def test_it_names_the_missing_language_of_an_interpreter(appointment, api_for):
    response = api_for(appointment.counsellor).post(url(appointment), {**INTERPRETER, "language": ""}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()["errors"]
    response = api_for(appointment.counsellor).post(url(appointment), {**INTERPRETER, "email": "x"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert not Guest.objects.exists()


def test_it_invites_a_person_of_trust_without_language(appointment, api_for):
    body = {"kind": "person_of_trust", "display_name": "Herr Beistand", "email": "beistand@example.org"}
    response = api_for(appointment.counsellor).post(url(appointment), body, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "person_of_trust"


def test_it_refuses_a_fourth_guest_and_a_cancelled_appointment(db, _roles, api_for):
    appointment = VideoAppointmentFactory()
    counsellor = api_for(appointment.counsellor)
    for n in range(3):
        assert (
            counsellor.post(url(appointment), {**INTERPRETER, "email": f"g{n}@example.org"}, format="json").status_code
            == 201
        )
    response = counsellor.post(url(appointment), INTERPRETER, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_guests"
    cancelled = VideoAppointmentFactory(cancelled=True, counsellor=appointment.counsellor, start=appointment.end)
    response = counsellor.post(url(cancelled), INTERPRETER, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "appointment_cancelled"


def test_it_revokes_an_invitation(appointment, api_for):
    counsellor = api_for(appointment.counsellor)
    guest_id = counsellor.post(url(appointment), INTERPRETER, format="json").json()["id"]
    assert api_for(appointment.citizen).delete(f"{url(appointment)}{guest_id}/").status_code == 403
    assert counsellor.delete(f"{url(appointment)}{guest_id}/").status_code == 204
    assert Guest.objects.get(public_id=guest_id).revoked_at is not None
    assert counsellor.get(url(appointment)).json() == []
    assert counsellor.delete(f"{url(appointment)}{guest_id}/").status_code == 404
    assert AuditEvent.objects.filter(action="video.guest.revoke").count() == 1


def test_it_invites_once_for_a_repeated_idempotency_key(appointment, api_for, django_capture_on_commit_callbacks):
    counsellor = api_for(appointment.counsellor)
    with django_capture_on_commit_callbacks(execute=True):
        first = counsellor.post(url(appointment), INTERPRETER, format="json", HTTP_IDEMPOTENCY_KEY="invite-1")
        again = counsellor.post(url(appointment), INTERPRETER, format="json", HTTP_IDEMPOTENCY_KEY="invite-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Guest.objects.count() == 1
    assert len(mail.outbox) == 1
