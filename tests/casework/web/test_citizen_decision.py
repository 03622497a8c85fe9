"""The citizen's decision page and the notice PDF (/applications/<id>/decision/)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from pypdf import PdfReader

from applications.constants import ApplicationStatus as S
from casework.services import application_decide
from portal.audit import AuditEvent
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory, login


def client_for(user, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    login(client, user)
    return client


def url(application, suffix: str = "") -> str:
    return f"/applications/{application.public_id}/decision/{suffix}"


@pytest.fixture
def decided(org):
    """An approved case, decided with the same service call the staff API makes."""
    case = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)
    application_decide(
        application=case,
        actor=org.staff,
        outcome="approved",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 10, 31),
        amounts={"monthly_amount": D("1168.00"), "standard_needs_amount": D("563.00"), "housing_amount": D("605.00")},
        text="Bewilligt für den Bewilligungszeitraum.",
    )
    case.refresh_from_db()
    return case


def test_it_shows_outcome_period_and_amounts(decided):
    response = client_for(decided.applicant).get(url(decided))
    text = response.text
    assert response.status_code == 200 and text.count("<h1") == 1
    assert "Your application has been approved." in text
    assert "Nov. 1, 2026" in text and "Oct. 31, 2027" in text
    assert "1,168.00 €" in text and "563.00 €" in text and "605.00 €" in text
    assert f'href="{url(decided, "notice.pdf")}"' in text


def test_it_shows_amounts_the_german_way(decided):
    text = client_for(decided.applicant, "de").get(url(decided)).text
    assert "Entscheidung über Ihren Antrag" in text
    assert "1.168,00 €" in text and "1. November 2026" in text


def test_the_notice_is_the_same_pdf_as_the_api_serves_and_the_download_is_recorded(decided):
    client = client_for(decided.applicant)
    response = client.get(url(decided, "notice.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    page_bytes = b"".join(response.streaming_content)
    api_bytes = b"".join(client.get(f"/api/v1/applications/{decided.public_id}/decision/document/").streaming_content)
    assert page_bytes == api_bytes
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page_bytes)).pages)
    assert decided.reference in text and "1.168,00" in text
    assert AuditEvent.objects.filter(action="decision.document.download").count() == 2


def test_it_shows_the_reason_of_a_rejection(org):
    case = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)
    application_decide(application=case, actor=org.staff, outcome="rejected", reason="Vermögen über dem Freibetrag.")
    text = client_for(case.applicant).get(url(case)).text
    assert "Your application has been rejected." in text and "Vermögen über dem Freibetrag." in text


def test_it_answers_404_before_the_decision(org):
    case = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW)
    client = client_for(case.applicant)
    assert client.get(url(case)).status_code == 404
    assert client.get(url(case, "notice.pdf")).status_code == 404


def test_it_answers_another_citizen_with_404(decided):
    stranger = client_for(UserFactory(citizen=True))
    assert stranger.get(url(decided)).status_code == 404
    assert stranger.get(url(decided, "notice.pdf")).status_code == 404
    assert not AuditEvent.objects.filter(action="decision.document.download").exists()


def test_it_sends_an_anonymous_visitor_to_the_login(decided):
    for suffix in ("", "notice.pdf"):
        response = Client().get(url(decided, suffix))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url(decided, suffix)}"


def test_it_refuses_staff_the_citizen_page(org, decided):
    assert client_for(org.staff).get(url(decided)).status_code == 403
