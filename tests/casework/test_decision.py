"""POST/GET /api/v1/queue/applications/<id>/decision/ and the citizen's view of it."""

import io

import pytest
from pypdf import PdfReader

from applications.constants import ApplicationStatus as S
from casework.models import Decision
from tests.casework.factories import ApplicationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def url(app, suffix="") -> str:
    return f"/api/v1/queue/applications/{app.public_id}/decision/{suffix}"


def upload(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def case(org):
    return ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)


def test_it_approves_with_a_generated_notice_the_citizen_can_download(org, case, api_for, _private_storage):
    body = {
        "outcome": "approved",
        "starts_on": "2026-11-01",
        "ends_on": "2027-10-31",
        "standard_needs_amount": "563.00",
        "housing_amount": "605.00",
        "monthly_amount": "1168.00",
        "text": "Bewilligt für den Bewilligungszeitraum.",
    }
    response = api_for(org.staff).post(url(case), body, format="json")
    assert response.status_code == 201, response.json()
    decision = response.json()
    assert decision["outcome"] == "approved"
    assert decision["monthly_amount"] == "1168.00"
    assert decision["document"]["generated"] is True
    case.refresh_from_db()
    assert case.status == S.APPROVED and case.decided_at is not None

    citizen = api_for(case.applicant)
    timeline = citizen.get(f"/api/v1/applications/{case.public_id}/timeline/").json()["events"]
    assert timeline[-1]["kind"] == "approved"
    assert timeline[-1]["data"]["decision"] == decision["id"]
    seen = citizen.get(f"/api/v1/applications/{case.public_id}/decision/").json()
    assert seen["starts_on"] == "2026-11-01"
    response = citizen.get(seen["document"]["url"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert case.reference in text
    assert "1.168,00" in text
    # The Art. 15 copy carries the decision.
    export = citizen.get("/api/v1/me/data-export/").json()
    assert export["casework"]["decisions"][0]["outcome"] == "approved"


def test_it_rejects_with_an_uploaded_pdf(org, case, api_for):
    response = api_for(org.staff).post(
        url(case),
        {"outcome": "rejected", "reason": "Vermögen über dem Schonvermögen.", "file": upload(PDF, "bescheid.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["document"]["generated"] is False
    events = api_for(case.applicant).get(f"/api/v1/applications/{case.public_id}/timeline/").json()["events"]
    assert events[-1]["kind"] == "rejected"
    assert events[-1]["data"]["reason"] == "Vermögen über dem Schonvermögen."


def test_it_refuses_a_notice_that_is_not_a_pdf_and_keeps_nothing(org, case, api_for, _private_storage):
    response = api_for(org.staff).post(
        url(case),
        {"outcome": "rejected", "reason": "x", "file": upload(PNG, "bescheid.pdf")},
        format="multipart",
    )
    assert response.status_code == 415
    assert "file" in response.json()["errors"]
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW
    assert not Decision.objects.exists()
    assert not [p for p in _private_storage.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "approved"}, "starts_on"),
        ({"outcome": "rejected", "reason": "  "}, "reason"),
        ({"outcome": "approved", "starts_on": "2026-11-01", "ends_on": "2026-10-01"}, "ends_on"),
        ({"outcome": "approved", "starts_on": "2026-11-01", "monthly_amount": "-1.00"}, "monthly_amount"),
        ({"outcome": "approved", "starts_on": "2026-11-01", "monthly_amount": "12.345"}, "monthly_amount"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_it_refuses_incomplete_decisions_naming_the_field(org, case, api_for, body, field):
    response = api_for(org.staff).post(url(case), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Decision.objects.exists()


def test_it_cannot_decide_a_case_not_in_review(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, status=S.SUBMITTED, assigned_to=org.staff)
    response = api_for(org.staff).post(url(app), {"outcome": "rejected", "reason": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["in_review"]
    assert not Decision.objects.exists()


def test_it_hides_the_decision_from_other_citizens(org, case, api_for):
    api_for(org.staff).post(url(case), {"outcome": "rejected", "reason": "x"}, format="json")
    stranger = ApplicationFactory(jobcenter=org.a).applicant
    client = api_for(stranger)
    assert client.get(f"/api/v1/applications/{case.public_id}/decision/").status_code == 404
    assert client.get(f"/api/v1/applications/{case.public_id}/decision/document/").status_code == 404
