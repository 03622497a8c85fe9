"""Every appointment page: the layout, one h1, no inline script or style (CSP); the overview panel."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from tests.appointments.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_the_layout_one_h1_and_no_inline_code(citizen_client, booked, invitation):
    paths = [
        "/appointments/",
        "/appointments/book/",
        "/appointments/book/beratung/",
        f"/appointments/{booked.public_id}/",
        f"/appointments/{booked.public_id}/move/",
        f"/appointments/{booked.public_id}/cancel/",
        f"/appointments/{invitation.public_id}/",
        f"/video/{booked.public_id}/",
        "/video/check/",
    ]
    for path in paths:
        response = citizen_client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert html.count("<h1") == 1, path
        assert '<main id="main"' in html and 'class="portal-skip-link"' in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "style=" not in html and "<style" not in html, path


def test_the_room_page_keeps_the_ids_its_script_and_tests_use(client, booked):
    html = client.get(f"/video/{booked.public_id}/").content.decode()
    for element_id in ("room", "join", "call", "lobby", "lobby-list", "remotes", "problem", "waiting", "privacy-note"):
        assert f'id="{element_id}"' in html, element_id
    assert f'data-room-api="/api/v1/appointments/{booked.public_id}/video/"' in html


def test_the_overview_panel_shows_a_join_button_only_while_the_room_is_open(citizen, appointment_type):
    appointment = AppointmentFactory(
        citizen=citizen, appointment_type=appointment_type, video=True, start=timezone.now() + timedelta(minutes=5)
    )
    join = f'href="/video/{appointment.public_id}/"'
    html = render_to_string(
        "appointments/overview_panel.html", {"next_appointments": [{"appointment": appointment, "room_open": True}]}
    )
    assert join in html and "An der Videoberatung teilnehmen" in html
    assert f'href="/appointments/{appointment.public_id}/"' in html
    html = render_to_string(
        "appointments/overview_panel.html", {"next_appointments": [{"appointment": appointment, "room_open": False}]}
    )
    assert join not in html
    assert "Sie haben keine anstehenden Termine." in render_to_string(
        "appointments/overview_panel.html", {"next_appointments": []}
    )
