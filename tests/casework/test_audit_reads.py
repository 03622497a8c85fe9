"""Every staff read of an application, a document or a message is recorded (Sozialgeheimnis)."""

import pytest

from applications.models import Document
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory


@pytest.fixture
def case_with_document(org, _private_storage):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1, household_size=2)
    (_private_storage / "documents").mkdir(parents=True, exist_ok=True)
    (_private_storage / "documents" / "x.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    document = Document.objects.create(
        application=app,
        storage_name="documents/x.pdf",
        original_name="mietvertrag.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
    )
    return app, document


def test_it_records_reading_a_case(org, api_for, case_with_document):
    app, document = case_with_document
    response = api_for(org.staff).get(f"/api/v1/queue/applications/{app.public_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["household_size"] == 2
    assert body["documents"][0]["id"] == str(document.public_id)
    assert body["allowed_transitions"] == ["in_review"]
    assert response["ETag"] == f'"{app.public_id}-{app.version}"'
    event = AuditEvent.objects.get(action="application.read")
    assert (event.actor, event.object_id, event.jobcenter) == (org.staff, str(app.public_id), org.a)


def test_it_records_reading_a_document(org, api_for, case_with_document):
    app, document = case_with_document
    response = api_for(org.staff).get(f"/api/v1/queue/applications/{app.public_id}/documents/{document.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'filename="mietvertrag.pdf"' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="document.read")
    assert (event.actor, event.object_id, event.data["application"]) == (
        org.staff,
        str(document.public_id),
        str(app.public_id),
    )


def test_it_records_nothing_for_a_refused_read(org, api_for, case_with_document):
    app, document = case_with_document
    client = api_for(org.staff_b)
    assert client.get(f"/api/v1/queue/applications/{app.public_id}/").status_code == 404
    assert client.get(f"/api/v1/queue/applications/{app.public_id}/documents/{document.public_id}/").status_code == 404
    assert not AuditEvent.objects.filter(action__in=["application.read", "document.read"]).exists()


def test_it_records_staff_reading_a_decision_and_its_notice(org, api_for, _private_storage):
    app = ApplicationFactory(jobcenter=org.a, status="in_review", team=org.team1, assigned_to=org.staff)
    client = api_for(org.staff)
    assert client.get(f"/api/v1/queue/applications/{app.public_id}/decision/").status_code == 404
    body = {"outcome": "rejected", "reason": "Einkommen übersteigt den Bedarf.", "text": "Abgelehnt."}
    decided = client.post(f"/api/v1/queue/applications/{app.public_id}/decision/", body, format="json").json()

    read = client.get(f"/api/v1/queue/applications/{app.public_id}/decision/")
    notice = client.get(f"/api/v1/queue/applications/{app.public_id}/decision/document/")

    assert read.status_code == 200
    assert read.json()["id"] == decided["id"] and "url" not in read.json()["document"]
    assert notice.status_code == 200
    assert b"".join(notice.streaming_content).startswith(b"%PDF")
    for action in ("decision.read", "decision.document.read"):
        event = AuditEvent.objects.get(action=action)
        assert (event.actor, event.object_id, event.data) == (
            org.staff,
            str(app.public_id),
            {"decision": decided["id"]},
        )
