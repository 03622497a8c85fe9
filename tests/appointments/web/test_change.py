"""Moving and cancelling an appointment: the services' rules, If-Match from the page's version."""

import re
from datetime import datetime

import pytest
from django.utils.html import escape

from appointments.constants import AppointmentStatus
from appointments.models import Appointment
from portal.api.conditional import etag_for

pytestmark = pytest.mark.django_db

SLOT = re.compile(r'name="slot" value="([^"]+)"')


def test_it_moves_the_appointment_to_a_free_time_of_the_same_channel(citizen_client, booked):
    html = citizen_client.get(f"/appointments/{booked.public_id}/move/").content.decode()
    values = SLOT.findall(html)
    assert values and all(value.endswith("|phone") for value in values)
    assert f'name="version" value="{escape(etag_for(booked))}"' in html  # If-Match of the page's version
    new = next(v for v in values if datetime.fromisoformat(v.split("|")[0]) != booked.start)
    response = citizen_client.post(
        f"/appointments/{booked.public_id}/move/", {"slot": new, "version": etag_for(booked)}
    )
    assert response["Location"] == f"/appointments/{booked.public_id}/"
    booked.refresh_from_db()
    assert booked.start == datetime.fromisoformat(new.split("|")[0])
    assert booked.version == 2


def test_it_refuses_a_move_from_a_stale_page(citizen_client, booked):
    stale = etag_for(booked)
    Appointment.objects.filter(pk=booked.pk).update(version=booked.version + 1)
    values = SLOT.findall(citizen_client.get(f"/appointments/{booked.public_id}/move/").content.decode())
    response = citizen_client.post(f"/appointments/{booked.public_id}/move/", {"slot": values[-1], "version": stale})
    html = response.content.decode()
    assert response.status_code == 412
    assert "Dieser Termin wurde inzwischen geändert. Bitte prüfen Sie ihn" in html
    assert 'id="error-summary"' in html
    assert Appointment.objects.get(pk=booked.pk).start == booked.start


def test_it_asks_before_cancelling_and_cancels_with_the_reason(citizen_client, booked):
    page = citizen_client.get(f"/appointments/{booked.public_id}/cancel/").content.decode()
    assert "Möchten Sie diesen Termin wirklich absagen?" in page
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED  # GET changes nothing
    response = citizen_client.post(
        f"/appointments/{booked.public_id}/cancel/", {"version": etag_for(booked), "reason": "Ich habe Arbeit."}
    )
    assert response["Location"] == f"/appointments/{booked.public_id}/"
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancel_reason == "Ich habe Arbeit."
    assert "Ihr Termin wurde abgesagt." in citizen_client.get(response["Location"]).content.decode()


def test_it_refuses_a_cancellation_from_a_stale_page(citizen_client, booked):
    stale = etag_for(booked)
    Appointment.objects.filter(pk=booked.pk).update(version=booked.version + 1)
    response = citizen_client.post(f"/appointments/{booked.public_id}/cancel/", {"version": stale})
    assert response.status_code == 412
    assert "Dieser Termin wurde inzwischen geändert." in response.content.decode()
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_it_shows_the_services_refusal_of_a_too_long_reason_at_the_field(citizen_client, booked):
    response = citizen_client.post(
        f"/appointments/{booked.public_id}/cancel/", {"version": etag_for(booked), "reason": "x" * 501}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_reason"' in html
    assert 'aria-invalid="true"' in html
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_it_says_why_a_binding_invitation_cannot_be_cancelled_online(citizen_client, invitation):
    response = citizen_client.post(f"/appointments/{invitation.public_id}/cancel/", {"version": etag_for(invitation)})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Sie kann online nicht abgesagt oder verschoben werden" in html
    assert Appointment.objects.get(pk=invitation.pk).status == AppointmentStatus.INVITED
