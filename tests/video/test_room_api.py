"""GET /api/v1/appointments/{id}/video/: the room ticket."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

import pytest
from django.core import mail

from tests.factories import UserFactory
from tests.video.factories import VideoAppointmentFactory
from video.selectors import room_window
from video.tokens import token_read

pytestmark = pytest.mark.django_db


def url(appointment) -> str:
    return f"/api/v1/appointments/{appointment.public_id}/video/"


def test_it_gives_the_citizen_and_the_counsellor_a_ticket(appointment, api_for):
    opens_at, closes_at = room_window(appointment)
    for user, role in ((appointment.citizen, "citizen"), (appointment.counsellor, "counsellor")):
        response = api_for(user).get(url(appointment))
        assert response.status_code == 200
        body = response.json()
        assert body["role"] == role
        assert body["room"] == str(appointment.public_id)
        assert body["websocket"] == f"ws://testserver/ws/video/{appointment.public_id}/"
        assert datetime.fromisoformat(body["opens_at"]) == opens_at
        assert datetime.fromisoformat(body["closes_at"]) == closes_at
        claims = token_read(body["token"])
        assert (claims.room, claims.role, claims.user_id, claims.participant) == (
            str(appointment.public_id),
            role,
            user.pk,
            body["participant"],
        )
        assert claims.expires_at <= closes_at
    # Pseudonyms per room: the same counsellor is someone else in the next room.
    earlier = VideoAppointmentFactory(
        counsellor=appointment.counsellor, start=appointment.start - timedelta(minutes=45)
    )
    assert api_for(appointment.counsellor).get(url(earlier)).json()["participant"] != body["participant"]


def test_it_hands_out_turn_credentials_that_expire_at_closes_at_and_name_nobody(appointment, api_for, settings):
    settings.VIDEO_STUN_URLS = ["stun:turn.example.org:3478"]
    settings.VIDEO_TURN_URLS = ["turn:turn.example.org:3478?transport=udp"]
    settings.VIDEO_TURN_SECRET = "s3cret"
    body = api_for(appointment.citizen).get(url(appointment)).json()
    stun, turn = body["ice_servers"]
    assert stun == {"urls": ["stun:turn.example.org:3478"]}
    expiry, pseudonym = turn["username"].split(":")
    assert int(expiry) == int(datetime.fromisoformat(body["closes_at"]).timestamp())
    assert pseudonym == body["participant"]
    citizen = appointment.citizen
    for personal in (citizen.email, citizen.first_name, citizen.last_name, str(citizen.public_id)):
        assert personal not in turn["username"]
    assert pseudonym.startswith("p_") and len(pseudonym) == 18
    expected = base64.b64encode(hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected


def test_it_offers_no_turn_without_a_secret(appointment, api_for, settings):
    settings.VIDEO_TURN_URLS = ["turn:turn.example.org:3478"]
    settings.VIDEO_TURN_SECRET = ""
    assert api_for(appointment.citizen).get(url(appointment)).json()["ice_servers"] == []


def test_it_answers_strangers_with_404(appointment, api_for):
    jobcenter = appointment.counsellor.jobcenter
    for stranger in (
        UserFactory(citizen=True),
        UserFactory(counsellor=True, jobcenter=jobcenter),
        UserFactory(staff=True, jobcenter=jobcenter),
    ):
        response = api_for(stranger).get(url(appointment))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_it_asks_anonymous_callers_to_log_in(appointment, api):
    response = api.get(url(appointment))
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_it_wants_the_second_factor_from_the_counsellor(appointment, api_for):
    response = api_for(appointment.counsellor, mfa=False).get(url(appointment))
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_it_has_no_room_for_a_phone_appointment(db, _roles, api_for):
    appointment = VideoAppointmentFactory(by_phone=True)
    assert api_for(appointment.citizen).get(url(appointment)).status_code == 404


@pytest.mark.parametrize(
    ("trait", "code"),
    [("later", "room_not_open"), ("over", "room_closed"), ("cancelled", "appointment_cancelled")],
)
def test_it_refuses_the_token_outside_the_window(db, _roles, api_for, trait, code):
    appointment = VideoAppointmentFactory(**{trait: True})
    response = api_for(appointment.citizen).get(url(appointment))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == code
    assert "token" not in body
    opens_at, closes_at = room_window(appointment)
    assert datetime.fromisoformat(body["opens_at"]) == opens_at
    assert datetime.fromisoformat(body["closes_at"]) == closes_at


def test_it_gives_an_invited_guest_a_ticket_for_that_room_only(
    appointment, api_for, api, django_capture_on_commit_callbacks
):
    counsellor_api = api_for(appointment.counsellor)
    with django_capture_on_commit_callbacks(execute=True):
        response = counsellor_api.post(
            f"{url(appointment)}guests/",
            {
                "kind": "interpreter",
                "display_name": "Frau Petrenko",
                "email": "dolmetsch@example.org",
                "language": "uk",
            },
            format="json",
        )
    assert response.status_code == 201
    (message,) = mail.outbox
    key = message.body.split("#guest=")[1].split()[0]
    body = api.get(url(appointment), HTTP_X_VIDEO_GUEST=key).json()
    assert body["role"] == "guest"
    assert body["display_name"] == "Frau Petrenko"
    other = VideoAppointmentFactory(start=appointment.start, counsellor=UserFactory(counsellor=True))
    assert api.get(url(other), HTTP_X_VIDEO_GUEST=key).status_code == 404
    assert api.get(url(appointment), HTTP_X_VIDEO_GUEST="wrong-key").status_code == 404
    # A revoked invitation opens nothing.
    guest_id = response.json()["id"]
    assert counsellor_api.delete(f"{url(appointment)}guests/{guest_id}/").status_code == 204
    assert api.get(url(appointment), HTTP_X_VIDEO_GUEST=key).status_code == 404
