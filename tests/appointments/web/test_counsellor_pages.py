"""The counsellor's pages: agenda, appointment (attendance, guests), availability, invitation."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from appointments.constants import AppointmentStatus, InvitationResponse
from appointments.legal_texts import MELDEAUFFORDERUNG_V1
from appointments.models import Appointment, AvailabilityException, AvailabilityRule, CounsellorProfile
from portal.clock import berlin_today
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    LegalNoticeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.factories import login
from video.models import Guest

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


AGENDA = "/counsel/agenda/"
AVAILABILITY = "/counsel/availability/"
INVITE = "/counsel/invitations/new/"


def page(appointment):
    return f"/counsel/appointments/{appointment.public_id}/"


@pytest.fixture
def appointment_type():
    return AppointmentTypeFactory()


@pytest.fixture
def counsellor(appointment_type):
    return counsellor_with_hours(appointment_type, weekdays=[1], start=time(8), end=time(10))


@pytest.fixture
def counsellor_client(client, counsellor):
    login(client, counsellor)
    return client


def started(appointment_type, counsellor, **kwargs):
    start = timezone.now() - timedelta(minutes=10)
    return AppointmentFactory(
        appointment_type=appointment_type,
        counsellor=counsellor,
        start=start,
        end=start + timedelta(minutes=30),
        **kwargs,
    )


# --- access ----------------------------------------------------------------------------------
def test_the_anonymous_go_to_the_login_and_back(client):
    response = client.get(AGENDA + "?view=week")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") and "next=/counsel/agenda/" in response["Location"]


@pytest.mark.parametrize("url", [AGENDA, AVAILABILITY])
def test_a_citizen_is_refused_with_the_apis_reason(client, citizen, url):
    login(client, citizen)
    response = client.get(url)
    assert response.status_code == 403
    assert "not available for your role" in response.content.decode()


def test_a_counsellor_without_second_factor_is_refused(client, counsellor):
    login(client, counsellor, mfa=False)
    response = client.get(AGENDA)
    assert response.status_code == 403 and "second factor" in response.content.decode()


def test_another_counsellors_appointment_is_not_found(counsellor_client, appointment_type):
    other = AppointmentFactory(appointment_type=appointment_type)
    assert counsellor_client.get(page(other)).status_code == 404
    response = counsellor_client.post(page(other) + "attended/", {"version": other.version})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == AppointmentStatus.BOOKED


# --- agenda ----------------------------------------------------------------------------------
def test_the_agenda_lists_a_day_and_a_week_with_links(counsellor_client, counsellor, appointment_type):
    tuesday = next_weekday(1)
    booked = AppointmentFactory(
        appointment_type=appointment_type, counsellor=counsellor, start=berlin(*tuesday.timetuple()[:3], 9)
    )
    thursday = AppointmentFactory(
        appointment_type=appointment_type,
        counsellor=counsellor,
        start=berlin(*(tuesday + timedelta(days=2)).timetuple()[:3], 9),
    )
    AppointmentFactory(appointment_type=appointment_type, start=berlin(*tuesday.timetuple()[:3], 9))  # someone else's

    day = counsellor_client.get(AGENDA, {"date": tuesday.isoformat(), "view": "day"}).content.decode()
    assert page(booked) in day and page(thursday) not in day
    assert booked.citizen.display_name in day and "09:00" in day
    assert day.count("/counsel/appointments/") == 1

    week = counsellor_client.get(AGENDA, {"date": tuesday.isoformat(), "view": "week"}).content.decode()
    assert page(booked) in week and page(thursday) in week
    assert week.count("/counsel/appointments/") == 2


def test_the_agenda_says_when_a_date_is_not_one(counsellor_client):
    response = counsellor_client.get(AGENDA, {"date": "31.02.", "view": "day"})
    body = response.content.decode()
    assert 'id="error-summary"' in body and 'href="#id_date"' in body
    assert "No appointments." in body  # today, as a fallback


# --- one appointment: attendance -------------------------------------------------------------
def test_marking_attended_changes_the_appointment(counsellor_client, counsellor, appointment_type):
    appointment = started(appointment_type, counsellor)
    body = counsellor_client.get(page(appointment)).content.decode()
    assert "/attended/" in body and "/no-show/" in body
    response = counsellor_client.post(page(appointment) + "attended/", {"version": appointment.version})
    assert response.status_code == 302 and response["Location"] == page(appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED and appointment.marked_at is not None


def test_marking_no_show_from_a_stale_page_is_refused_with_a_clear_message(
    counsellor_client, counsellor, appointment_type
):
    appointment = started(appointment_type, counsellor)
    old = appointment.version
    counsellor_client.post(page(appointment) + "attended/", {"version": old})
    response = counsellor_client.post(page(appointment) + "no-show/", {"version": old})
    assert response.status_code == 412
    assert "changed meanwhile" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED


def test_no_attendance_buttons_before_the_start_and_the_service_refuses(
    counsellor_client, counsellor, appointment_type
):
    appointment = AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor)
    body = counsellor_client.get(page(appointment)).content.decode()
    assert "/attended/" not in body and "once the appointment has started" in body
    response = counsellor_client.post(page(appointment) + "attended/", {"version": appointment.version})
    assert response.status_code == 409 and "once the appointment has started" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_an_invitation_shows_the_citizens_answer(counsellor_client, counsellor, appointment_type):
    appointment = AppointmentFactory(
        appointment_type=appointment_type,
        counsellor=counsellor,
        invited=True,
        response=InvitationResponse.CHANGE_REQUESTED,
        response_note="Ich habe an dem Tag eine Operation.",
        responded_at=timezone.now(),
    )
    body = counsellor_client.get(page(appointment)).content.decode()
    assert "Binding invitation" in body and "Ich habe an dem Tag eine Operation." in body
    assert str(InvitationResponse.CHANGE_REQUESTED.label) in body


# --- one appointment: video and guests -------------------------------------------------------
def test_a_video_appointment_links_the_room_and_invites_and_withdraws_a_guest(
    counsellor_client, counsellor, appointment_type, mailoutbox
):
    appointment = AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, video=True)
    body = counsellor_client.get(page(appointment)).content.decode()
    assert f'href="/video/{appointment.public_id}/"' in body

    response = counsellor_client.post(
        page(appointment) + "guests/",
        {"kind": "interpreter", "display_name": "Olena Koval", "email": "olena@example.org", "language": "uk"},
    )
    assert response.status_code == 302
    guest = Guest.objects.get(appointment=appointment)
    assert guest.display_name == "Olena Koval" and guest.revoked_at is None
    assert "Olena Koval" in counsellor_client.get(page(appointment)).content.decode()

    response = counsellor_client.post(page(appointment) + f"guests/{guest.public_id}/withdraw/")
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.revoked_at is not None


def test_an_interpreter_without_a_language_is_refused_at_the_field(counsellor_client, counsellor, appointment_type):
    appointment = AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor, video=True)
    response = counsellor_client.post(
        page(appointment) + "guests/", {"kind": "interpreter", "display_name": "A", "email": "a@example.org"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_guest_language"' in body and 'id="id_guest_language-error"' in body
    assert not Guest.objects.filter(appointment=appointment).exists()


def test_a_phone_appointment_has_no_guests(counsellor_client, counsellor, appointment_type):
    appointment = AppointmentFactory(appointment_type=appointment_type, counsellor=counsellor)
    assert "/video/" not in counsellor_client.get(page(appointment)).content.decode()
    response = counsellor_client.post(
        page(appointment) + "guests/", {"kind": "person_of_trust", "display_name": "B", "email": "b@example.org"}
    )
    assert response.status_code == 404


# --- availability ----------------------------------------------------------------------------
def _posted(profile_version, rules, exceptions=(), action="save"):
    data = {
        "version": profile_version,
        "rules-count": len(rules),
        "exceptions-count": len(exceptions),
        "action": action,
    }
    for prefix, rows in (("rules", rules), ("exceptions", exceptions)):
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
    return data


def test_the_availability_form_shows_the_saved_rows_and_the_free_slots(counsellor_client, counsellor):
    body = counsellor_client.get(AVAILABILITY).content.decode()
    assert 'name="rules-0-start_time"' in body and 'value="08:00"' in body and 'value="10:00"' in body
    # a Tuesday 2 to 8 days ahead is always in the next two weeks, past the 24 hours' notice
    effect = body.split('id="effect-title"')[1]
    assert "08:00" in effect and "09:30" in effect and "10:00" not in effect


def test_saving_availability_replaces_rules_and_exceptions_and_shows_the_effect(counsellor_client, counsellor):
    profile = CounsellorProfile.objects.get(user=counsellor)
    day_off = berlin_today() + timedelta(days=3)
    extra = berlin_today() + timedelta(days=4)
    data = _posted(
        profile.version,
        [{"weekday": "2", "start_time": "13:00", "end_time": "15:00", "channels": ["phone", "video"]}],
        [
            {"kind": "absence", "date": day_off.isoformat()},
            {
                "kind": "extra",
                "date": extra.isoformat(),
                "start_time": "16:00",
                "end_time": "17:00",
                "channels": ["phone"],
            },
        ],
    )
    response = counsellor_client.post(AVAILABILITY, data)
    assert response.status_code == 302
    rule = AvailabilityRule.objects.get(counsellor=counsellor)
    assert (rule.weekday, rule.start_time, rule.end_time, sorted(rule.channels)) == (
        2,
        time(13),
        time(15),
        ["phone", "video"],
    )
    assert AvailabilityException.objects.filter(counsellor=counsellor).count() == 2
    profile.refresh_from_db()
    assert profile.version == 2
    body = counsellor_client.get(response["Location"]).content.decode()
    effect = body.split('id="effect-title"')[1]
    assert "16:00" in effect  # the extra hour is bookable (the slot selector of the citizen's booking)


def test_an_end_before_the_start_comes_back_at_the_field_and_nothing_is_saved(counsellor_client, counsellor):
    profile = CounsellorProfile.objects.get(user=counsellor)
    data = _posted(
        profile.version, [{"weekday": "0", "start_time": "12:00", "end_time": "09:00", "channels": ["phone"]}]
    )
    response = counsellor_client.post(AVAILABILITY, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_rules-0-end_time"' in body and 'id="id_rules-0-end_time-error"' in body
    assert AvailabilityRule.objects.get(counsellor=counsellor).start_time == time(8)


def test_a_stale_availability_form_is_refused(counsellor_client, counsellor):
    profile = CounsellorProfile.objects.get(user=counsellor)
    row = [{"weekday": "0", "start_time": "08:00", "end_time": "09:00", "channels": ["phone"]}]
    assert counsellor_client.post(AVAILABILITY, _posted(profile.version, row)).status_code == 302
    response = counsellor_client.post(AVAILABILITY, _posted(profile.version, row))
    assert response.status_code == 412 and "changed meanwhile" in response.content.decode()


def test_rows_are_added_and_removed_without_javascript_and_without_saving(counsellor_client, counsellor):
    profile = CounsellorProfile.objects.get(user=counsellor)
    row = {"weekday": "4", "start_time": "07:00", "end_time": "09:30", "channels": ["phone"]}
    added = counsellor_client.post(AVAILABILITY, _posted(profile.version, [row], action="add-rule")).content.decode()
    assert 'name="rules-1-weekday"' in added and 'value="09:30"' in added
    removed = counsellor_client.post(
        AVAILABILITY, _posted(profile.version, [row, {**row, "start_time": "10:00"}], action="remove-rule:0")
    ).content.decode()
    assert 'name="rules-1-weekday"' not in removed and 'value="10:00"' in removed and 'value="07:00"' not in removed
    assert AvailabilityRule.objects.get(counsellor=counsellor).start_time == time(8)  # nothing saved


# --- binding invitation ----------------------------------------------------------------------
@pytest.fixture
def inviter(client, appointment_type, counsellor):
    LegalNoticeFactory(text=MELDEAUFFORDERUNG_V1)  # version 1, as the migration creates it
    login(client, counsellor)
    return client


def _invitation(appointment_type, citizen):
    tuesday = next_weekday(1)
    return {
        "citizen": str(citizen.public_id),
        "appointment_type": str(appointment_type.public_id),
        "purpose": "placement",
        "date": tuesday.isoformat(),
        "time": "09:00",
        "channel": "phone",
    }


def test_the_invitation_is_previewed_with_the_legal_notice_before_it_is_sent(
    inviter, appointment_type, citizen, counsellor
):
    data = _invitation(appointment_type, citizen)
    preview = inviter.post(INVITE, {**data, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert MELDEAUFFORDERUNG_V1 in body  # word for word, as the citizen reads it
    assert citizen.display_name in body
    assert not Appointment.objects.filter(citizen=citizen).exists()

    sent = inviter.post(INVITE, {**data, "send": "1"})
    appointment = Appointment.objects.get(citizen=citizen)
    assert sent.status_code == 302 and sent["Location"] == page(appointment)
    assert appointment.is_invitation and appointment.status == AppointmentStatus.INVITED
    assert appointment.counsellor == counsellor and appointment.invited_by == counsellor
    assert appointment.legal_notice.text == MELDEAUFFORDERUNG_V1


def test_change_on_the_preview_goes_back_to_the_filled_form(inviter, appointment_type, citizen):
    data = _invitation(appointment_type, citizen)
    body = inviter.post(INVITE, {**data, "edit": "1"}).content.decode()
    assert 'name="preview"' in body and 'name="send"' not in body
    assert f'value="{citizen.public_id}"' in body and 'value="09:00"' in body
    assert not Appointment.objects.filter(citizen=citizen).exists()


def test_an_invitation_outside_the_hours_is_refused_with_the_services_reason(inviter, appointment_type, citizen):
    data = {**_invitation(appointment_type, citizen), "time": "14:00", "send": "1"}
    response = inviter.post(INVITE, data)
    assert response.status_code >= 400 and 'id="error-summary"' in response.content.decode()
    assert not Appointment.objects.filter(citizen=citizen).exists()


def test_an_unknown_citizen_is_named_at_the_field(inviter, appointment_type, citizen):
    data = {**_invitation(appointment_type, citizen), "citizen": "00000000-0000-0000-0000-000000000000", "preview": "1"}
    body = inviter.post(INVITE, data).content.decode()
    assert 'href="#id_citizen"' in body and "Unknown citizen." in body


def test_a_citizen_cannot_open_the_invitation_page(client, citizen):
    login(client, citizen)
    response = client.get(INVITE)
    assert response.status_code == 403 and "not available for your role" in response.content.decode()
