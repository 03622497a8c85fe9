"""Real endpoints answer in the language the client asks for (Accept-Language),
German when it asks for none; e-mails follow the recipient's preferred language.

The expected texts are written out here on purpose: a catalog that loses an
entry, or a .mo that is not rebuilt, makes these fail.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.models import DocumentRequest
from appointments.models import Appointment
from portal.constants import Role
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.casework.factories import ApplicationFactory
from tests.factories import JobcenterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def speaking(client, language: str | None):
    """The client sends ``Accept-Language: <language>`` from now on (None: no header)."""
    client.credentials(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    return client


def app_url(name: str, application_id: str) -> str:
    return reverse(f"applications_api:{name}", kwargs={"application_id": application_id})


# --- applications ---------------------------------------------------------------


@pytest.fixture
def draft(citizen_api):
    JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")
    response = citizen_api.post(reverse("applications_api:application-list"), {}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


@pytest.mark.parametrize(
    ("language", "postcode", "iban"),
    [
        (
            "de",
            "Eine deutsche Postleitzahl hat fünf Ziffern.",
            "Diese IBAN ist ungültig: Die Prüfziffern stimmen nicht. Bitte prüfen Sie sie auf Tippfehler.",
        ),
        (
            "uk",
            "Німецький поштовий індекс (Postleitzahl) складається з п'яти цифр.",
            "Цей IBAN недійсний: контрольні цифри не збігаються. Перевірте, чи немає помилки під час введення.",
        ),
        (
            "en",
            "A German postcode has five digits.",
            "This IBAN is not valid: its check digits do not match. Please check for a typing error.",
        ),
    ],
    ids=["de", "uk", "en"],
)
def test_it_names_a_rejected_field_in_the_clients_language(citizen_api, draft, language, postcode, iban):
    client = speaking(citizen_api, language)

    personal = client.patch(app_url("personal", draft), {"postcode": "6765", "city": "Kaiserslautern"}, format="json")
    bank = client.patch(app_url("bank-account", draft), {"iban": "DE88 3704 0044 0532 0130 00"}, format="json")

    assert personal.status_code == 200 and personal["Content-Language"] == language
    assert personal.json()["rejected"] == {"postcode": [postcode]}
    assert personal.json()["city"] == "Kaiserslautern"  # the valid field was still saved
    assert bank.json()["rejected"] == {"iban": [iban]}


@pytest.mark.parametrize(
    ("language", "detail", "birth_date"),
    [
        ("de", "Es fehlen noch Angaben; siehe missing.", "Geben Sie Ihr Geburtsdatum an."),
        ("uk", "Ще бракує деяких даних; див. missing.", "Вкажіть вашу дату народження."),
    ],
    ids=["de", "uk"],
)
def test_it_lists_what_is_missing_in_the_clients_language(citizen_api, draft, language, detail, birth_date):
    response = speaking(citizen_api, language).post(app_url("submit", draft), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "application_incomplete" and body["detail"] == detail
    reasons = {gap["field"]: gap["reason"] for gap in body["missing"]}
    assert reasons["personal.birth_date"] == birth_date


def test_it_answers_in_german_when_the_client_names_no_language(citizen_api, draft):
    body = speaking(citizen_api, None).get(app_url("application-detail", draft)).json()

    reasons = {gap["field"]: gap["reason"] for gap in body["missing"]}
    assert reasons["personal.birth_date"] == "Geben Sie Ihr Geburtsdatum an."
    assert reasons["housing.housing_type"] == (
        "Geben Sie an, wie Sie wohnen: zur Miete, im eigenen Wohneigentum oder ohne eigene Wohnung."
    )


# --- appointments ---------------------------------------------------------------


@pytest.fixture
def slot():
    appointment_type = AppointmentTypeFactory()
    counsellor_with_hours(appointment_type, weekdays=[1])
    tuesday = next_weekday(1)
    return appointment_type, berlin(*tuesday.timetuple()[:3], 9)


def book(client, appointment_type, start):
    return client.post(
        "/api/v1/appointments/",
        {"appointment_type": str(appointment_type.public_id), "start": start.isoformat(), "channel": "phone"},
        format="json",
    )


@pytest.mark.parametrize(
    ("language", "detail", "field"),
    [
        ("de", "Diese Zeit ist nicht mehr frei. Bitte wählen Sie eine andere Zeit.", "Diese Zeit ist nicht verfügbar."),
        ("uk", "Цей час уже зайнятий. Будь ласка, оберіть інший.", "Цей час недоступний."),
    ],
    ids=["de", "uk"],
)
def test_it_refuses_a_taken_slot_in_the_clients_language(api_for, slot, language, detail, field):
    appointment_type, start = slot
    assert book(api_for(UserFactory(citizen=True)), appointment_type, start).status_code == 201

    response = book(speaking(api_for(UserFactory(citizen=True)), language), appointment_type, start)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken" and body["detail"] == detail
    assert body["errors"] == {"start": [field]}
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("de", "Termine können online nur bis 3 Stunden vor Beginn geändert werden."),
        ("uk", "Змінити зустріч онлайн можна не пізніше ніж за 3 год до її початку."),
    ],
    ids=["de", "uk"],
)
def test_it_fills_the_placeholder_of_a_translated_refusal(citizen_api, citizen, settings, language, detail):
    settings.APPOINTMENTS_CANCEL_CUTOFF = timedelta(hours=3)
    soon = timezone.now() + timedelta(hours=1)
    appointment = AppointmentFactory(citizen=citizen, start=soon)

    response = speaking(citizen_api, language).post(
        f"/api/v1/appointments/{appointment.public_id}/cancel/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "cancel_cutoff_passed" and response.json()["detail"] == detail


def test_it_mails_the_booking_in_the_citizens_preferred_language(api_for, slot, django_capture_on_commit_callbacks):
    appointment_type, start = slot
    citizen = UserFactory(citizen=True, preferred_language="uk")
    client = speaking(api_for(citizen), "de")  # the browser's language does not decide the e-mail

    with django_capture_on_commit_callbacks(execute=True):
        assert book(client, appointment_type, start).status_code == 201

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # A neutral notice (portal/mail.py), in the citizen's language.
    assert message.subject == "Нове повідомлення на порталі jobcenter digital"
    assert message.body.startswith("Добрий день!\n\nНа порталі jobcenter digital для вас є щось нове.")


# --- casework -------------------------------------------------------------------


@pytest.fixture
def office():
    for role in Role:  # a transactional test elsewhere may have flushed the role groups
        Group.objects.get_or_create(name=role.value)
    jobcenter = JobcenterFactory(reference_prefix="I")
    team = TeamFactory(jobcenter=jobcenter, name="Leistung")
    staff = UserFactory(staff=True, jobcenter=jobcenter, teams=[team])
    colleague = UserFactory(staff=True, jobcenter=jobcenter, teams=[team])
    return jobcenter, team, staff, colleague


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        (
            "de",
            "Dieser Fall ist Ihnen nicht zugewiesen. Übernehmen Sie ihn oder bitten Sie Ihre Teamleitung, "
            "ihn Ihnen zuzuweisen.",
        ),
        (
            "uk",
            "Цю справу вам не призначено. Візьміть її в роботу або попросіть керівника команди призначити її вам.",
        ),
    ],
    ids=["de", "uk"],
)
def test_it_refuses_a_case_of_a_colleague_in_the_clients_language(api_for, office, language, detail):
    jobcenter, team, staff, colleague = office
    case = ApplicationFactory(jobcenter=jobcenter, team=team, assigned_to=colleague)

    response = speaking(api_for(staff), language).post(
        f"/api/v1/queue/applications/{case.public_id}/transition/", {"target": "in_review"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_assigned_to_you" and response.json()["detail"] == detail
    case.refresh_from_db()
    assert case.status == ApplicationStatus.SUBMITTED


def test_it_stores_the_warning_in_german_and_mails_the_citizen_in_ukrainian(
    api_for, office, django_capture_on_commit_callbacks
):
    jobcenter, team, staff, _colleague = office
    case = ApplicationFactory(jobcenter=jobcenter, team=team, assigned_to=staff)
    case.applicant.preferred_language = "uk"
    case.applicant.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        response = speaking(api_for(staff), "de").post(
            f"/api/v1/queue/applications/{case.public_id}/document-requests/",
            {"description": "Kontoauszüge der letzten drei Monate"},
            format="json",
        )

    assert response.status_code == 201, response.json()
    request = DocumentRequest.objects.get(application=case)
    # The Rechtsfolgenbelehrung (§66 SGB I) is kept in the words the request was made with.
    assert request.legal_basis == "§60 Absatz 1 Erstes Buch Sozialgesetzbuch (SGB I): Mitwirkungspflicht."
    assert request.consequences_text.startswith("Wenn Sie die angeforderten Unterlagen nicht bis zum Ablauf der Frist")
    assert "(§66 SGB I)" in request.consequences_text and "(§67 SGB I)" in request.consequences_text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Нове повідомлення на порталі jobcenter digital"
    assert message.body.startswith("Добрий день!\n\nНа порталі jobcenter digital для вас є щось нове.")
    assert case.reference not in message.body


def test_it_keeps_legal_texts_german_when_staff_work_in_english_and_adds_the_citizens_language(api_for, office):
    jobcenter, team, staff, _colleague = office
    case = ApplicationFactory(jobcenter=jobcenter, team=team, assigned_to=staff)
    case.applicant.preferred_language = "uk"
    case.applicant.save(update_fields=["preferred_language"])

    response = speaking(api_for(staff), "en").post(
        f"/api/v1/queue/applications/{case.public_id}/document-requests/",
        {"description": "Bank statements of the last three months"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    staff_view = response.json()
    assert staff_view["legal_basis"] == "§60 Absatz 1 Erstes Buch Sozialgesetzbuch (SGB I): Mitwirkungspflicht."
    assert staff_view["consequences_text"].startswith("Wenn Sie die angeforderten Unterlagen nicht")
    assert staff_view["translation_language"] == "uk"
    assert "(§66 SGB I)" in staff_view["consequences_translation"]
    assert "Wenn Sie" not in staff_view["consequences_translation"]
    assert not staff_view["consequences_translation"].isascii()  # Cyrillic, not the English msgid

    answer = speaking(api_for(case.applicant), "uk").get(f"/api/v1/applications/{case.public_id}/document-requests/")
    (request,) = answer.json()["requests"]
    assert request["consequences_text"] == staff_view["consequences_text"]
    assert request["consequences_translation"] == staff_view["consequences_translation"]


def test_it_adds_no_translation_for_a_german_speaking_citizen(api_for, office):
    jobcenter, team, staff, _colleague = office
    case = ApplicationFactory(jobcenter=jobcenter, team=team, assigned_to=staff)

    response = speaking(api_for(staff), "uk").post(
        f"/api/v1/queue/applications/{case.public_id}/document-requests/",
        {"description": "Kontoauszüge"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    stored = DocumentRequest.objects.get(application=case)
    assert stored.consequences_text.startswith("Wenn Sie die angeforderten Unterlagen nicht")
    assert (stored.consequences_translation, stored.translation_language) == ("", "")
