"""Every link in every e-mail to a citizen lands on the page that shows the thing,
after login if needed (issue #16, 7).

Each e-mail is sent through the service or task that sends it in production; the
link is taken from the body; opened anonymously it leads to the login with
``next``; the real login form then brings the citizen to the page (HTML, 200)
that shows the application's reference or the appointment's date.

The video room (the "video soon" e-mail) is the one page that opens without a
login: guests with a key use it too. It offers the login with ``next`` itself.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from django.utils import formats, translation

from applications.constants import ApplicationStatus
from applications.services import application_create, application_submit
from appointments.constants import Channel
from appointments.tasks import appointment_notify, appointment_remind
from casework.services import (
    application_decide,
    case_transition,
    document_request_create,
    document_request_reminders_send,
    staff_message_send,
)
from portal.clock import BERLIN
from tests.applications.factories import fill_complete
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory, berlin, next_weekday
from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/(?:applications|appointments|video)/[0-9a-f-]{36}/)(?=\s)")
APPLICATION_MAILS = ["lodged", "submitted", "message", "documents requested", "documents reminder", "decision"]
APPOINTMENT_MAILS = ["booked", "invitation", "cancelled", "reminder"]


@pytest.fixture
def world(jobcenter):
    team = TeamFactory(jobcenter=jobcenter, name="Leistung")
    return {
        "jobcenter": jobcenter,
        "team": team,
        "citizen": UserFactory(citizen=True, email="olena@example.org", preferred_language="de"),
        "caseworker": UserFactory(staff=True, jobcenter=jobcenter, teams=[team]),
        "counsellor": UserFactory(counsellor=True, jobcenter=jobcenter),
    }


def citizen_mails(world) -> list:
    return [m for m in mail.outbox if m.to == [world["citizen"].email]]


def link_of(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def application_mails(world, capture):
    """The applicant's e-mails in the order the services send them; returns (application, mails)."""
    citizen, caseworker = world["citizen"], world["caseworker"]
    with capture(execute=True):
        application = application_create(applicant=citizen, jobcenter_id=world["jobcenter"].public_id, lodge=True)
    fill_complete(application)
    with capture(execute=True):
        application = application_submit(application=application, actor=citizen)
    application.__class__.objects.filter(pk=application.pk).update(team=world["team"], assigned_to=caseworker)
    application.refresh_from_db()
    with capture(execute=True):
        staff_message_send(application=application, actor=caseworker, body="Bitte Mietvertrag nachreichen.")
    with capture(execute=True):
        request = document_request_create(application=application, actor=caseworker, description="Kontoauszüge")
    document_request_reminders_send(today=request.deadline - timedelta(days=1))
    application = case_transition(application=application, actor=caseworker, target=ApplicationStatus.IN_REVIEW)
    with capture(execute=True):
        application_decide(
            application=application,
            actor=caseworker,
            outcome=ApplicationStatus.REJECTED,
            reason="Die Unterlagen reichen nicht aus.",
        )
    application.refresh_from_db()
    return application, citizen_mails(world)


def appointment_mails(world):
    """Booking, invitation, cancellation (each its own appointment) and the day's reminder."""
    day = next_weekday(1, weeks_ahead=2)
    start = berlin(day.year, day.month, day.day, 14, 30)
    kind = AppointmentTypeFactory(jobcenter=world["jobcenter"])
    made = {
        "booked": AppointmentFactory(appointment_type=kind, counsellor=world["counsellor"], citizen=world["citizen"], start=start),
        "invitation": AppointmentFactory(
            appointment_type=kind, counsellor=world["counsellor"], citizen=world["citizen"],
            start=start + timedelta(days=1), invited=True,
        ),
        "cancelled": AppointmentFactory(
            appointment_type=kind, counsellor=world["counsellor"], citizen=world["citizen"],
            start=start + timedelta(days=2), cancelled=True,
        ),
    }  # fmt: skip
    for appointment in made.values():
        assert appointment_notify.call(appointment_id=appointment.pk, version=appointment.version) is True
    booked = made["booked"]
    booked.refresh_from_db()
    assert appointment_remind.call(appointment_id=booked.pk, kind="day", start=booked.start.isoformat()) is True
    made["reminder"] = booked
    mails = citizen_mails(world)
    assert len(mails) == 4, [m.subject for m in mails]
    return made, dict(zip(APPOINTMENT_MAILS, mails, strict=True))


def open_after_login(path: str, email: str) -> str:
    """Anonymous: to the login with ``next``; the login form: to the page. Its HTML."""
    client = Client()
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(path)}"
    response = client.post(response["Location"], {"login": email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == path, response.redirect_chain
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    return response.content.decode()


def date_forms(start) -> set[str]:
    local = start.astimezone(BERLIN)
    with translation.override("de"):
        return {
            formats.date_format(local, "DATE_FORMAT"),
            formats.date_format(local, "SHORT_DATE_FORMAT"),
            local.strftime("%d.%m.%Y"),
        }


@pytest.mark.parametrize("which", APPLICATION_MAILS)
def test_it_leads_an_application_email_to_the_application_after_login(world, which, django_capture_on_commit_callbacks):
    application, mails = application_mails(world, django_capture_on_commit_callbacks)
    assert len(mails) == len(APPLICATION_MAILS), [m.subject for m in mails]
    message = mails[APPLICATION_MAILS.index(which)]
    path = link_of(message)
    assert path == f"/applications/{application.public_id}/"
    page = open_after_login(path, world["citizen"].email)
    assert application.reference in page


@pytest.mark.parametrize("which", APPOINTMENT_MAILS)
def test_it_leads_an_appointment_email_to_the_appointment_after_login(world, which):
    appointments, mails = appointment_mails(world)
    appointment = appointments[which]
    path = link_of(mails[which])
    assert path == f"/appointments/{appointment.public_id}/"
    page = open_after_login(path, world["citizen"].email)
    assert any(form in page for form in date_forms(appointment.start)), date_forms(appointment.start)


def test_it_leads_the_video_email_to_the_room_which_offers_the_login(world):
    day = next_weekday(1, weeks_ahead=2)
    appointment = AppointmentFactory(
        appointment_type=AppointmentTypeFactory(jobcenter=world["jobcenter"]),
        counsellor=world["counsellor"],
        citizen=world["citizen"],
        start=berlin(day.year, day.month, day.day, 10, 0),
        channel=Channel.VIDEO,
    )
    appointment.refresh_from_db()
    assert appointment_remind.call(appointment_id=appointment.pk, kind="video", start=appointment.start.isoformat())
    [message] = citizen_mails(world)
    path = link_of(message)
    assert path == f"/video/{appointment.public_id}/"
    anonymous = Client().get(path)
    assert anonymous.status_code == 200
    assert f'data-login-url="/accounts/login/?next={quote(path)}"' in anonymous.content.decode()
    client = Client()
    client.post(f"/accounts/login/?next={quote(path)}", {"login": world["citizen"].email, "password": PASSWORD})
    page = client.get(path).content.decode()
    assert f'data-room-api="/api/v1/appointments/{appointment.public_id}/video/"' in page


ACCOUNT_LINK = re.compile(r"http://testserver(/accounts/[a-z/-]+)(?=\s)")


def test_it_leads_the_links_in_allauths_emails_to_their_pages(world):
    """allauth's e-mails carry codes, not links, except two notes: to an unknown address
    (register) and about an address already registered (reset the password)."""
    password = "Kaffeetasse-Rhein-77"
    Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    Client().post("/accounts/signup/", {"email": world["citizen"].email, "password1": password, "password2": password})
    links = {m.to[0]: ACCOUNT_LINK.findall(m.body) for m in mail.outbox}
    assert links == {"nobody@example.org": ["/accounts/signup/"], world["citizen"].email: ["/accounts/password/reset/"]}
    for [path] in links.values():
        response = Client().get(path)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        body = response.content.decode()
        assert body.count("<h1") == 1 and 'id="main"' in body
