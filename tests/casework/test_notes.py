"""Internal notes: staff only, and never in any response a citizen gets."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.api.urls import urlpatterns as citizen_patterns
from applications.constants import ApplicationStatus as S
from applications.constants import AssetKind, IncomeKind
from applications.models import AssetEntry, Document, DocumentRequest, IncomeEntry, Message
from casework.api.urls import urlpatterns as casework_patterns
from casework.models import InternalNote
from tests.casework.factories import ApplicationFactory

SECRET = "NOTE-7f3a: Verdacht auf verschwiegenes Einkommen, Rücksprache mit Teamleitung"


def notes_url(app) -> str:
    return f"/api/v1/queue/applications/{app.public_id}/notes/"


def test_it_keeps_notes_for_staff_of_the_jobcenter(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, assigned_to=org.staff)
    response = api_for(org.staff2).post(notes_url(app), {"body": "Telefonat am Montag"}, format="json")
    assert response.status_code == 201, response.json()
    notes = api_for(org.staff).get(notes_url(app)).json()
    assert [(n["body"], n["author"]["id"]) for n in notes] == [("Telefonat am Montag", str(org.staff2.public_id))]
    assert api_for(org.staff).post(notes_url(app), {"body": ""}, format="json").json()["errors"]["body"]


@pytest.fixture
def worked_case(org, api_for, _private_storage):
    """A decided case with every kind of part, and an internal note."""
    app = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)
    member = app.members.get()
    IncomeEntry.objects.create(application=app, member=member, kind=IncomeKind.EMPLOYMENT, gross_monthly="400.00")
    AssetEntry.objects.create(application=app, member=member, kind=AssetKind.SAVINGS, value="100.00")
    request = DocumentRequest.objects.create(
        application=app,
        description="Kontoauszug",
        legal_basis="§60 SGB I",
        deadline=timezone.localdate() + timedelta(days=7),
        consequences_text="…",
        consequences_version="1",
    )
    (_private_storage / "documents").mkdir(parents=True, exist_ok=True)
    (_private_storage / "documents" / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    Document.objects.create(
        application=app,
        storage_name="documents/a.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        document_request=request,
    )
    Message.objects.create(application=app, body="Frage", from_jobcenter=False, author=app.applicant)
    staff = api_for(org.staff)
    assert staff.post(notes_url(app), {"body": SECRET}, format="json").status_code == 201
    response = staff.post(
        f"/api/v1/queue/applications/{app.public_id}/decision/",
        {"outcome": "approved", "starts_on": "2026-11-01"},
        format="json",
    )
    assert response.status_code == 201
    return app


def _citizen_urls(app) -> list[str]:
    ids = {
        "application_id": app.public_id,
        "member_id": app.members.get().public_id,
        "document_id": app.documents.get().public_id,
        "request_id": app.document_requests.get().public_id,
    }
    urls = []
    for pattern in citizen_patterns:
        kwargs = {name: ids[name] for name in pattern.pattern.converters if name != "entry_id"}
        if "entry_id" in pattern.pattern.converters:
            entry = IncomeEntry if pattern.name.startswith("income") else AssetEntry
            kwargs["entry_id"] = entry.objects.get(application=app).public_id
        urls.append(reverse(f"applications_api:{pattern.name}", kwargs=kwargs))
    for pattern in casework_patterns:
        if pattern.name.startswith("citizen-"):
            urls.append(reverse(f"casework_api:{pattern.name}", kwargs={"application_id": app.public_id}))
    return urls


def test_it_never_puts_a_note_in_a_citizen_response(worked_case, api_for):
    app = worked_case
    note = InternalNote.objects.get(application=app)
    citizen = api_for(app.applicant)
    urls = _citizen_urls(app)
    assert len(urls) >= 25  # every citizen endpoint of both apps
    seen = 0
    for url in urls:
        response = citizen.get(url)
        if response.status_code == 405:
            continue
        assert response.status_code in (200, 404), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body, url
        assert str(note.public_id).encode() not in body, url
        assert b"NOTE-7f3a" not in body, url
        seen += response.status_code == 200
    assert seen >= 20
    # What the citizen writes and marks is answered without the note too.
    for response in (
        citizen.post(f"/api/v1/applications/{app.public_id}/messages/", {"body": "Danke"}, format="json"),
        citizen.post(f"/api/v1/applications/{app.public_id}/messages/read/"),
        citizen.get("/api/v1/me/data-export/"),
    ):
        assert response.status_code in (200, 201), response.content
        assert b"NOTE-7f3a" not in json.dumps(response.json()).encode()
