"""Every change of a case takes ``If-Match``: a stale tag is 412 and changes nothing;
the current tag (or none) goes through, and the answer carries the new tag."""

from __future__ import annotations

import pytest

from applications.constants import ApplicationStatus as S
from applications.models import Application, Document, DocumentRequest
from portal.api.conditional import etag_for
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory


def open_request(app) -> DocumentRequest:
    request = DocumentRequest.objects.create(
        application=app,
        description="Mietvertrag",
        legal_basis="§60 SGB I",
        consequences_text="§66 SGB I",
        consequences_version="1",
        deadline="2099-01-01",
    )
    Document.objects.create(
        application=app,
        storage_name=f"t/{request.public_id}.pdf",
        original_name="mietvertrag.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        document_request=request,
    )
    return request


# (name, status of the case, who, path after the case's URL, body, audit action of the change)
CHANGES = [
    ("start review", S.SUBMITTED, "staff", "transition/", {"target": "in_review"}, "application.transition"),
    ("approve", S.IN_REVIEW, "staff", "transition/", {"target": "approved", "starts_on": "2026-11-01"}, "application.decide"),
    ("reject", S.IN_REVIEW, "staff", "decision/", {"outcome": "rejected", "reason": "Vermögen."}, "application.decide"),
    ("assign", S.SUBMITTED, "lead", "assign/", {"assignee": "staff2"}, "application.assign"),
    ("hand over", S.SUBMITTED, "lead", "assign/", {"assignee": "staff_team2", "team": "team2"}, "application.assign"),
    ("release", S.SUBMITTED, "staff", "release/", {}, "application.release"),
    ("request documents", S.IN_REVIEW, "staff", "document-requests/", {"description": "Mietvertrag"}, "document_request.create"),
    ("accept", S.DOCUMENTS_REQUESTED, "staff", "document-requests/{request}/accept/", {}, "document_request.accept"),
    ("reject request", S.DOCUMENTS_REQUESTED, "staff", "document-requests/{request}/reject/", {"reason": "Seite 2 fehlt."}, "document_request.reject"),
]  # fmt: skip


def prepare(org, status, path, body):
    app = ApplicationFactory(jobcenter=org.a, status=status, team=org.team1, assigned_to=org.staff)
    if "{request}" in path:
        path = path.format(request=open_request(app).public_id)
    people = {"staff2": org.staff2, "staff_team2": org.staff_team2}
    body = {
        key: str(people[value].public_id) if key == "assignee" else str(org.team2.public_id) if key == "team" else value
        for key, value in body.items()
    }
    app = Application.objects.get(pk=app.pk)
    return app, f"/api/v1/queue/applications/{app.public_id}/{path}", body


@pytest.mark.parametrize(("name", "status", "who", "path", "body", "action"), CHANGES, ids=[c[0] for c in CHANGES])
def test_it_refuses_a_stale_if_match_and_changes_nothing(org, api_for, name, status, who, path, body, action):
    app, url, body = prepare(org, status, path, body)
    stale = f'"{app.public_id}-{app.version - 1}"'

    response = api_for(getattr(org, who)).post(url, body, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412, response.json()
    assert response.json()["code"] == "precondition_failed"
    fresh = Application.objects.get(pk=app.pk)
    assert (fresh.version, fresh.status, fresh.assigned_to_id, fresh.team_id) == (
        app.version,
        app.status,
        app.assigned_to_id,
        app.team_id,
    )
    assert not AuditEvent.objects.filter(action=action).exists()


@pytest.mark.parametrize(("name", "status", "who", "path", "body", "action"), CHANGES, ids=[c[0] for c in CHANGES])
def test_it_applies_a_change_with_the_current_if_match(org, api_for, name, status, who, path, body, action):
    app, url, body = prepare(org, status, path, body)

    response = api_for(getattr(org, who)).post(url, body, format="json", HTTP_IF_MATCH=etag_for(app))

    assert 200 <= response.status_code < 300, response.json()
    fresh = Application.objects.get(pk=app.pk)
    assert fresh.version > app.version
    assert AuditEvent.objects.filter(action=action).count() == 1
    if "ETag" in response:
        assert response["ETag"] == etag_for(fresh)
