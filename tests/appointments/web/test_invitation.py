"""A binding invitation: accept after reading the Rechtsfolgenbelehrung, or ask for another date."""

import pytest
from django.utils.html import escape

from appointments.constants import AppointmentStatus, InvitationResponse
from appointments.legal_texts import MELDEAUFFORDERUNG_V1
from appointments.models import Appointment
from portal.api.conditional import etag_for

pytestmark = pytest.mark.django_db


def test_it_shows_the_rechtsfolgenbelehrung_in_german_and_both_answers(citizen_client, invitation):
    html = citizen_client.get(f"/appointments/{invitation.public_id}/").content.decode()
    assert (
        f'<div class="appointments-legal" id="legal-text" lang="de"><p class="kern-body">{escape(MELDEAUFFORDERUNG_V1)}'
        in html
    )
    assert "Ich habe die Rechtsfolgenbelehrung gelesen." in html
    assert "Anderen Termin erbitten" in html
    assert "/move/" not in html and "/cancel/" not in html  # binding: no moving or cancelling online


def test_it_accepts_only_after_the_citizen_ticked_that_they_read_it(citizen_client, invitation):
    url = f"/appointments/{invitation.public_id}/respond/"
    response = citizen_client.post(url, {"answer": "confirm", "version": etag_for(invitation)})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a class="kern-link" href="#id_read">' in html
    assert 'id="id_read-error"' in html and 'aria-invalid="true"' in html
    assert Appointment.objects.get(pk=invitation.pk).response == InvitationResponse.PENDING

    response = citizen_client.post(url, {"answer": "confirm", "version": etag_for(invitation), "read": "on"})
    assert response["Location"] == f"/appointments/{invitation.public_id}/"
    invitation.refresh_from_db()
    assert invitation.response == InvitationResponse.CONFIRMED
    assert invitation.status == AppointmentStatus.INVITED
    assert "Sie haben den Termin bestätigt." in citizen_client.get(response["Location"]).content.decode()


def test_it_asks_for_another_date_with_a_reason(citizen_client, invitation):
    url = f"/appointments/{invitation.public_id}/respond/"
    response = citizen_client.post(url, {"answer": "change", "version": etag_for(invitation), "note": ""})
    assert response.status_code == 400
    assert '<a class="kern-link" href="#id_note">' in response.content.decode()
    response = citizen_client.post(
        url, {"answer": "change", "version": etag_for(invitation), "note": "Vorstellungsgespräch um 10 Uhr"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == InvitationResponse.CHANGE_REQUESTED
    assert invitation.response_note == "Vorstellungsgespräch um 10 Uhr"


def test_it_refuses_an_answer_from_a_stale_page(citizen_client, invitation):
    stale = etag_for(invitation)
    Appointment.objects.filter(pk=invitation.pk).update(version=invitation.version + 1)
    response = citizen_client.post(
        f"/appointments/{invitation.public_id}/respond/", {"answer": "confirm", "version": stale, "read": "on"}
    )
    assert response.status_code == 412
    html = response.content.decode()
    assert "Dieser Termin wurde inzwischen geändert." in html
    assert f'name="version" value="{escape(etag_for(Appointment.objects.get(pk=invitation.pk)))}"' in html
    assert Appointment.objects.get(pk=invitation.pk).response == InvitationResponse.PENDING


def test_it_says_that_a_booked_appointment_is_no_invitation(citizen_client, booked):
    response = citizen_client.post(
        f"/appointments/{booked.public_id}/respond/", {"answer": "confirm", "version": etag_for(booked), "read": "on"}
    )
    assert response.status_code == 409
    assert Appointment.objects.get(pk=booked.pk).response == InvitationResponse.PENDING


def test_it_answers_only_post(citizen_client, invitation):
    assert citizen_client.get(f"/appointments/{invitation.public_id}/respond/").status_code == 405
