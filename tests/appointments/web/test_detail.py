"""The appointment's page (the link in e-mails and .ics files), the list, the .ics and the overview panel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.constants import AppointmentStatus, Channel
from appointments.ics import appointment_ics
from portal.web import overview
from tests.appointments.factories import AppointmentFactory
from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(citizen, appointment_type, counsellor):
    return AppointmentFactory(citizen=citizen, appointment_type=appointment_type, counsellor=counsellor)


def test_it_shows_the_appointment_with_what_the_citizen_can_do(citizen_client, appointment):
    html = citizen_client.get(f"/appointments/{appointment.public_id}/").content.decode()
    assert '<h1 class="kern-heading-large">Beratung zur Arbeitssuche</h1>' in html
    assert "Telefonisch" in html and "Gebucht" in html
    assert f'href="/appointments/{appointment.public_id}/calendar.ics"' in html
    assert f'href="/appointments/{appointment.public_id}/move/"' in html
    assert f'href="/appointments/{appointment.public_id}/cancel/"' in html


def test_it_answers_404_for_another_citizens_appointment(client, appointment):
    login(client, UserFactory(citizen=True), mfa=False)
    for path in ("", "move/", "cancel/", "calendar.ics"):
        assert client.get(f"/appointments/{appointment.public_id}/{path}").status_code == 404
    assert client.post(f"/appointments/{appointment.public_id}/respond/", {"answer": "confirm"}).status_code == 404


def test_it_sends_anonymous_visitors_from_an_email_link_to_the_login(client, appointment):
    response = client.get(f"/appointments/{appointment.public_id}/")
    assert response["Location"] == f"/accounts/login/?next=/appointments/{appointment.public_id}/"
    response = client.get(f"/appointments/{appointment.public_id}/calendar.ics")
    assert response["Location"] == f"/accounts/login/?next=/appointments/{appointment.public_id}/calendar.ics"


def test_it_lets_the_counsellor_see_but_not_change_the_appointment(client, appointment):
    login(client, appointment.counsellor)
    html = client.get(f"/appointments/{appointment.public_id}/").content.decode()
    assert "Beratung zur Arbeitssuche" in html
    assert "/move/" not in html
    assert client.get(f"/appointments/{appointment.public_id}/cancel/").status_code == 403


def test_it_refuses_the_counsellor_without_the_second_factor_like_the_api(client, appointment):
    login(client, appointment.counsellor, mfa=False)
    assert client.get(f"/appointments/{appointment.public_id}/").status_code == 403
    assert client.get(f"/appointments/{appointment.public_id}/calendar.ics").status_code == 403


def test_it_serves_the_same_calendar_file_as_the_api(citizen_client, appointment):
    response = citizen_client.get(f"/appointments/{appointment.public_id}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="termin.ics"'
    assert response.content == appointment_ics(appointment)
    assert citizen_client.get(f"/api/v1/appointments/{appointment.public_id}/ics").content == response.content


def test_it_lists_own_appointments_coming_up_and_earlier(citizen_client, citizen, appointment, appointment_type):
    cancelled = AppointmentFactory(
        citizen=citizen, appointment_type=appointment_type, cancelled=True, start=appointment.start + timedelta(days=1)
    )
    AppointmentFactory(appointment_type=appointment_type)  # someone else's
    html = citizen_client.get("/appointments/").content.decode()
    coming, earlier = html.split("Frühere und abgesagte Termine")
    assert f"/appointments/{appointment.public_id}/" in coming
    assert f"/appointments/{cancelled.public_id}/" in earlier
    assert html.count('class="kern-card appointments-card"') == 2


def test_it_opens_the_way_into_the_video_room_when_the_room_opens(
    citizen_client, citizen, appointment_type, counsellor
):
    soon = timezone.now() + timedelta(minutes=10)
    later = timezone.now() + timedelta(days=3)
    now_open = AppointmentFactory(
        citizen=citizen, appointment_type=appointment_type, counsellor=counsellor, video=True, start=soon
    )
    not_yet = AppointmentFactory(
        citizen=citizen, appointment_type=appointment_type, counsellor=counsellor, video=True, start=later
    )
    html = citizen_client.get(f"/appointments/{now_open.public_id}/").content.decode()
    assert f'href="/video/{now_open.public_id}/"' in html
    assert 'href="/video/check/"' in html
    html = citizen_client.get(f"/appointments/{not_yet.public_id}/").content.decode()
    assert f'href="/video/{not_yet.public_id}/"' not in html
    assert "Der Videoraum öffnet am" in html


def test_the_overview_panel_shows_the_next_appointments_with_a_join_button_when_the_room_is_open(
    rf, citizen, appointment_type, counsellor, settings
):
    settings.VIDEO_OPENS_BEFORE = timedelta(minutes=15)
    open_room = AppointmentFactory(
        citizen=citizen,
        appointment_type=appointment_type,
        counsellor=counsellor,
        channel=Channel.VIDEO,
        start=timezone.now() + timedelta(minutes=5),
    )
    closed = AppointmentFactory(
        citizen=citizen,
        appointment_type=appointment_type,
        channel=Channel.VIDEO,
        start=timezone.now() + timedelta(minutes=40),
    )
    AppointmentFactory(citizen=citizen, appointment_type=appointment_type, status=AppointmentStatus.CANCELLED)
    request = rf.get("/overview/")
    request.user = citizen
    (_template, context), *_ = [p for p in overview.panels_for(request) if p[0] == "appointments/overview_panel.html"]
    shown = {item["appointment"].pk: item["room_open"] for item in context["next_appointments"]}
    assert shown == {open_room.pk: True, closed.pk: False}
    settings.VIDEO_OPENS_BEFORE = timedelta(minutes=45)  # the same setting the room obeys
    (_template, context), *_ = [p for p in overview.panels_for(request) if p[0] == "appointments/overview_panel.html"]
    assert all(item["room_open"] for item in context["next_appointments"])


def test_the_overview_panel_is_left_out_for_staff(rf, counsellor):
    request = rf.get("/overview/")
    request.user = counsellor
    assert "appointments/overview_panel.html" not in [template for template, _ in overview.panels_for(request)]
