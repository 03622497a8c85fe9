"""Every e-mail the portal sends keeps social data out of the mailbox (Sozialgeheimnis,
§35 SGB I): it says that something is waiting in the portal and links there; no
benefit, no reference, no topic, no name, no amount, no time.

One case per language (de, en, uk) drives every sender through the real services
and tasks: the application's e-mails (lodged, submitted, a message), the staff
side's (documents requested, the reminder, the decision), the appointments'
(booking, invitation, cancellation, the reminders), the video guest's invitation
and allauth's own (verification code, password reset code, unknown address,
address taken). Each e-mail is checked against the data of that case.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import formats, translation
from icalendar import Calendar

from applications.constants import ApplicationStatus
from applications.models import Application, DocumentRequest
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
from tests.factories import JobcenterFactory, LocationFactory, TeamFactory, UserFactory
from video.constants import GuestKind
from video.services import guest_invite

pytestmark = pytest.mark.django_db

LANGUAGES = ("de", "en", "uk")
APP = "/_allauth/app/v1"
TOPIC = {
    "de": "Beratung für Geflüchtete aus der Ukraine",
    "en": "Counselling for refugees from Ukraine",
    "uk": "Консультація для біженців з України",
}
DESCRIPTION = "Aufenthaltstitel nach §24 AufenthG und Leistungen nach dem SGB II"
CITIZEN = ("Olena", "Kovalenko")
COUNSELLOR = ("Hannelore", "Zimmermann")
CASEWORKER = ("Bernd", "Sachse")
INTERPRETER = "Iryna Petrenko"
AMOUNTS = {"standard_needs_amount": Decimal("563.00"), "housing_amount": Decimal("605.00")}
MONTHLY = Decimal("1168.00")
# What says that a person receives benefits, or how their case stands, in the three languages.
CASE_WORDS = (
    "Bürgergeld",
    "Buergergeld",
    "Citizen's benefit",
    "Citizen’s benefit",
    "Citizen's allowance",
    "Громадянські гроші",
    "SGB",
    "Sozialgesetzbuch",
    "Grundsicherung",
    "Arbeitslosengeld",
    "Leistung",
    "benefit",
    "Громадянськ",
    "Antrag",
    "application",
    "заяв",
    "Unterlagen",
    "documents",
    "документ",
    "Bescheid",
    "entschieden",
    "decided",
    "рішення",
    "bewilligt",
    "genehmigt",
    "abgelehnt",
    "approved",
    "rejected",
    "схвален",
    "відхилен",
    "eingereicht",
    "submitted",
    "Geflüchtete",
    "refugee",
    "біженц",
    "Aufenthalt",
)


def _time_forms(start) -> set[str]:
    """The appointment's start in every format we can think of, in the three languages."""
    local = start.astimezone(BERLIN)
    forms = {
        local.strftime(pattern)
        for pattern in ("%H:%M", "%H.%M", "%I:%M", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y")
    }
    forms |= {f"{local.day}.{local.month}.{local.year}", f"{local.day}.{local.month}.", f"{local.month}/{local.day}/"}
    for language in LANGUAGES:
        with translation.override(language):
            for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"):
                forms.add(formats.date_format(local, name))
            for pattern in ("F", "E", "l"):  # month (and its genitive), weekday
                forms.add(formats.date_format(local, pattern))
    return {form for form in forms if form.strip()}


def _status_labels() -> set[str]:
    labels = set()
    for language in LANGUAGES:
        with translation.override(language):
            labels |= {str(label) for _value, label in ApplicationStatus.choices}
    return labels


def _start():
    """14:30 on a weekday two weeks ahead, not in May ("Mai" is in "E-Mail", "May" in "you may")."""
    day = next_weekday(1, weeks_ahead=2)
    if day.month == 5:
        day += timedelta(weeks=5)
    return berlin(day.year, day.month, day.day, 14, 30)


class Case:
    """A citizen of one language with an application, appointments and a video guest."""

    def __init__(self, language: str):
        self.language = language
        self.jobcenter = JobcenterFactory(slug=f"kl-{language}", name="Jobcenter Kaiserslautern", reference_prefix="KL")
        team = TeamFactory(jobcenter=self.jobcenter, name=f"Leistung {language}")
        self.citizen = UserFactory(
            citizen=True,
            email=f"buerger-{language}@example.org",
            first_name=CITIZEN[0],
            last_name=CITIZEN[1],
            preferred_language=language,
        )
        self.caseworker = UserFactory(
            staff=True, jobcenter=self.jobcenter, teams=[team], first_name=CASEWORKER[0], last_name=CASEWORKER[1]
        )
        self.counsellor = UserFactory(
            counsellor=True, jobcenter=self.jobcenter, first_name=COUNSELLOR[0], last_name=COUNSELLOR[1]
        )
        self.appointment_type = AppointmentTypeFactory(
            jobcenter=self.jobcenter,
            name=TOPIC["de"],
            description=DESCRIPTION,
            translations={lang: {"name": TOPIC[lang], "description": DESCRIPTION} for lang in ("en", "uk")},
        )
        self.location = LocationFactory(jobcenter=self.jobcenter, name="Integration Point Ukraine")
        self.start = _start()
        self.team = team
        self.application: Application | None = None

    def appointment(self, **kwargs):
        kwargs.setdefault("start", self.start)
        return AppointmentFactory(
            appointment_type=self.appointment_type,
            counsellor=self.counsellor,
            citizen=self.citizen,
            location=self.location,
            **kwargs,
        )

    def forbidden(self) -> set[str]:
        assert self.application is not None and self.application.reference
        amounts = [*AMOUNTS.values(), MONTHLY]
        return (
            {self.application.reference, self.application.reference.split("-")[-1]}
            | set(CASE_WORDS)
            | set(TOPIC.values())
            | {DESCRIPTION, self.location.name, self.location.street}
            | {*CITIZEN, *COUNSELLOR, *CASEWORKER, INTERPRETER, *INTERPRETER.split()}
            | {f"{int(amount)}" for amount in amounts}
            | {f"{int(amount):,}".replace(",", ".") for amount in amounts}
            | {f"{int(amount):,}" for amount in amounts}
            | _time_forms(self.start)
            | _status_labels()
        )


def _application_emails(case: Case, capture) -> None:
    """Lodged, submitted, a message from the Jobcenter, documents requested, the
    reminder of their deadline, the decision."""
    with capture(execute=True):
        application = application_create(applicant=case.citizen, jobcenter_id=case.jobcenter.public_id, lodge=True)
    fill_complete(application)
    with capture(execute=True):
        application = application_submit(application=application, actor=case.citizen)
    Application.objects.filter(pk=application.pk).update(team=case.team, assigned_to=case.caseworker)
    application.refresh_from_db()
    with capture(execute=True):
        staff_message_send(application=application, actor=case.caseworker, body="Bitte Mietvertrag nachreichen.")
    with capture(execute=True):
        request = document_request_create(
            application=application, actor=case.caseworker, description="Kontoauszüge, Aufenthaltstitel"
        )
    document_request_reminders_send(today=request.deadline - timedelta(days=1))
    assert DocumentRequest.objects.get(pk=request.pk).reminder_sent_at is not None
    application = case_transition(application=application, actor=case.caseworker, target=ApplicationStatus.IN_REVIEW)
    with capture(execute=True):
        application_decide(
            application=application,
            actor=case.caseworker,
            outcome=ApplicationStatus.APPROVED,
            starts_on=case.start.date(),
            ends_on=case.start.date() + timedelta(days=180),
            amounts={**AMOUNTS, "monthly_amount": MONTHLY},
            text="Bewilligt: Bürgergeld, monatlich 1168,00 EUR.",
        )
    application.refresh_from_db()
    case.application = application


def _appointment_emails(case: Case, capture) -> None:
    """Booking, invitation, cancellation, the day and video reminders, a guest's invitation."""
    booked = case.appointment(channel=Channel.VIDEO)
    invited = case.appointment(invited=True, start=case.start + timedelta(days=1), channel=Channel.IN_PERSON)
    cancelled = case.appointment(cancelled=True, start=case.start + timedelta(days=2))
    for appointment in (booked, invited, cancelled):
        assert appointment_notify.call(appointment_id=appointment.pk, version=appointment.version) is True
    booked.refresh_from_db()  # the start as stored (UTC), as the scheduler passes it
    for kind in ("day", "video"):
        assert appointment_remind.call(appointment_id=booked.pk, kind=kind, start=booked.start.isoformat()) is True
    with capture(execute=True):
        guest_invite(
            appointment=booked,
            actor=case.counsellor,
            kind=GuestKind.INTERPRETER,
            display_name=INTERPRETER,
            email=f"dolmetsch-{case.language}@example.org",
            language=case.language,
        )


def _allauth_emails(case: Case) -> None:
    """Allauth's own: a password reset code, the note to an unknown address, a
    verification code at signup, the note that an address is taken."""
    client = Client(headers={"Accept-Language": case.language})
    for data, url in (
        ({"email": case.citizen.email}, "auth/password/request"),
        ({"email": f"unbekannt-{case.language}@example.org"}, "auth/password/request"),
        ({"email": f"neu-{case.language}@example.org", "password": "Kaffeetasse-Rhein-77"}, "auth/signup"),
        ({"email": case.citizen.email, "password": "Kaffeetasse-Rhein-77"}, "auth/signup"),
    ):
        response = client.post(f"{APP}/{url}", data, "application/json")
        assert response.status_code in (200, 401), response.content


def _alternatives(message) -> str:
    return "".join(str(content) for content, _mimetype in getattr(message, "alternatives", []))


# Links into the portal hold a path and an opaque id, nothing else (a guest's key in the fragment).
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PORTAL_LINK = re.compile(rf"http://testserver/(applications|appointments|video)/{UUID}/(#guest=[A-Za-z0-9_-]+)?(?=\s)")

ACCOUNT_LINK = re.compile(r"http://testserver/accounts/[a-z/-]+(?=\s)")  # allauth's pages (sign up, reset)


def _without_links(text: str) -> str:
    """The text with the portal's links taken out (checked by their shape
    instead: "/applications/" in a link is the page's path, not a word to the reader)."""
    text = ACCOUNT_LINK.sub("<link>", PORTAL_LINK.sub("<link>", text))
    assert "http" not in text, f"a link of another shape: {text}"
    return text


def _found(needles: set[str], text: str) -> list[str]:
    folded = text.casefold()
    return sorted(needle for needle in needles if needle.casefold() in folded)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_keeps_social_data_out_of_every_email(language, django_capture_on_commit_callbacks):
    case = Case(language)
    _application_emails(case, django_capture_on_commit_callbacks)
    _appointment_emails(case, django_capture_on_commit_callbacks)
    _allauth_emails(case)

    sent = list(mail.outbox)
    to_citizen = [m for m in sent if m.to == [case.citizen.email]]
    # 6 about the application, 5 about appointments, 2 from allauth (reset code, address taken).
    assert len(to_citizen) == 13, [m.subject for m in to_citizen]
    assert len([m for m in sent if m.to == [f"dolmetsch-{language}@example.org"]]) == 1
    assert len([m for m in sent if m.to == [f"unbekannt-{language}@example.org"]]) == 1
    assert len([m for m in sent if m.to == [f"neu-{language}@example.org"]]) == 1

    forbidden = case.forbidden()
    leaks = {
        f"{m.to[0]}: {m.subject}": found
        for m in sent
        if (found := _found(forbidden, _without_links(f"{m.subject}\n{m.body}\n{_alternatives(m)}")))
    }
    assert leaks == {}
    # Without the citizen's consent no calendar file (it names the time).
    assert [m.subject for m in sent if m.attachments] == []
    # Every e-mail of the portal itself links to the page that shows the thing.
    ours = [m for m in sent if not m.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)]
    assert len(ours) == 12
    assert all(PORTAL_LINK.search(m.body) for m in ours), [m.body for m in ours if not PORTAL_LINK.search(m.body)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_attaches_a_neutral_calendar_file_only_when_the_citizen_chose_it(language):
    case = Case(language)
    case.citizen.email_calendar_attachment = True
    case.citizen.save(update_fields=["email_calendar_attachment"])
    appointment = case.appointment(channel=Channel.IN_PERSON)
    appointment_notify.call(appointment_id=appointment.pk, version=appointment.version)

    [message] = mail.outbox
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("termin.ics", "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    expected = {"de": "Termin", "en": "Appointment", "uk": "Зустріч"}[language]
    assert str(event["SUMMARY"]) == f"{expected} – Jobcenter Kaiserslautern"
    assert "LOCATION" not in event and "DESCRIPTION" not in event
    assert event.decoded("DTSTART") == case.start.astimezone(BERLIN)
    assert str(event["URL"]) == f"http://testserver/appointments/{appointment.public_id}/"
    # The file names the time (that is its point), nothing else of the case.
    assert _found(set(CASE_WORDS) | set(TOPIC.values()) | {*CITIZEN, *COUNSELLOR, case.location.street}, content) == []
    text = _without_links(f"{message.subject}\n{message.body}")
    assert _found(set(CASE_WORDS) | set(TOPIC.values()) | _time_forms(case.start), text) == []


def test_it_sends_no_calendar_file_by_default_and_keeps_the_full_one_for_download(api_for):
    case = Case("de")
    assert case.citizen.email_calendar_attachment is False
    appointment = case.appointment(channel=Channel.IN_PERSON)
    appointment_notify.call(appointment_id=appointment.pk, version=appointment.version)
    assert [m.attachments for m in mail.outbox] == [[]]

    response = api_for(case.citizen).get(f"/api/v1/appointments/{appointment.public_id}/ics/")
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == TOPIC["de"]
    assert case.location.street in str(event["LOCATION"])
