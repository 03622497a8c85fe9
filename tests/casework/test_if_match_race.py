"""Two staff members change the same case at once with the same ``If-Match``.

The check runs on the row the service locked, inside its transaction: exactly
one change wins, the other gets 412 and changes nothing. (Checked in the view
before the lock, both passed and the second overwrote the first.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from applications.constants import ApplicationStatus as S
from applications.constants import DocumentRequestStatus
from applications.models import Application, Document, DocumentRequest
from casework.models import Decision
from portal.api.conditional import etag_for
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Call = Callable[[APIClient], object]


def case_url(app, suffix: str) -> str:
    return f"/api/v1/queue/applications/{app.public_id}/{suffix}"


def race(calls: list[tuple[APIClient, Call]]) -> list:
    """Run each ``call(client)`` in its own thread and connection, released at once."""
    start = threading.Barrier(len(calls))
    responses: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        client, call = calls[index]
        try:
            start.wait()
            responses[index] = call(client)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return responses


def winner_and_loser(responses: list) -> tuple[int, object]:
    """The index of the one 2xx answer and the other answer, which must be 412."""
    codes = [r.status_code for r in responses]
    assert sorted(c // 100 for c in codes) == [2, 4], codes
    winner = next(i for i, r in enumerate(responses) if 200 <= r.status_code < 300)
    loser = responses[1 - winner]
    assert loser.status_code == 412, (loser.status_code, loser.json())
    assert loser.json()["code"] == "precondition_failed"
    return winner, loser


@pytest.fixture
def second_lead(org):
    return UserFactory(team_lead=True, jobcenter=org.a, teams=[org.team1, org.team2], email="lead2@a.example")


def test_it_lets_one_of_two_simultaneous_decisions_win(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)
    tag = etag_for(app)
    bodies = [
        {"target": S.APPROVED, "starts_on": "2026-11-01"},
        {"target": S.REJECTED, "reason": "Einkommen übersteigt den Bedarf."},
    ]

    def decide(body):
        return lambda client: client.post(case_url(app, "transition/"), body, format="json", HTTP_IF_MATCH=tag)

    responses = race([(api_for(org.staff), decide(bodies[0])), (api_for(org.lead), decide(bodies[1]))])

    winner, _loser = winner_and_loser(responses)
    outcome = bodies[winner]["target"]
    app.refresh_from_db()
    assert app.status == outcome
    assert app.version == responses[winner].json()["version"]
    assert list(Decision.objects.filter(application=app).values_list("outcome", flat=True)) == [outcome]
    assert AuditEvent.objects.filter(action="application.decide", object_id=str(app.public_id)).count() == 1


def test_it_lets_one_of_two_simultaneous_assignments_win(org, api_for, second_lead):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1)
    tag = etag_for(app)
    assignees = [org.staff, org.staff2]

    def assign(person):
        body = {"assignee": str(person.public_id)}
        return lambda client: client.post(case_url(app, "assign/"), body, format="json", HTTP_IF_MATCH=tag)

    responses = race([(api_for(org.lead), assign(assignees[0])), (api_for(second_lead), assign(assignees[1]))])

    winner, _loser = winner_and_loser(responses)
    app.refresh_from_db()
    assert app.assigned_to == assignees[winner]
    assert app.version == responses[winner].json()["version"]
    assert AuditEvent.objects.filter(action="application.assign", object_id=str(app.public_id)).count() == 1


def test_it_creates_one_of_two_simultaneous_document_requests(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)
    tag = etag_for(app)
    descriptions = ["Kontoauszüge der letzten drei Monate", "Mietvertrag"]

    def ask(description):
        body = {"description": description}
        return lambda client: client.post(case_url(app, "document-requests/"), body, format="json", HTTP_IF_MATCH=tag)

    responses = race([(api_for(org.staff), ask(descriptions[0])), (api_for(org.lead), ask(descriptions[1]))])

    winner, _loser = winner_and_loser(responses)
    assert list(DocumentRequest.objects.filter(application=app).values_list("description", flat=True)) == [
        descriptions[winner]
    ]
    app.refresh_from_db()
    assert app.status == S.DOCUMENTS_REQUESTED
    assert responses[winner]["ETag"] == etag_for(app)


def test_it_lets_one_of_accept_and_reject_win(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, status=S.DOCUMENTS_REQUESTED, team=org.team1, assigned_to=org.staff)
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
        storage_name="race/mietvertrag.pdf",
        original_name="mietvertrag.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        document_request=request,
    )
    tag = etag_for(Application.objects.get(pk=app.pk))
    base = case_url(app, f"document-requests/{request.public_id}/")

    def accept(client):
        return client.post(base + "accept/", format="json", HTTP_IF_MATCH=tag)

    def reject(client):
        return client.post(base + "reject/", {"reason": "Unterschrift fehlt."}, format="json", HTTP_IF_MATCH=tag)

    responses = race([(api_for(org.staff), accept), (api_for(org.lead), reject)])

    winner, _loser = winner_and_loser(responses)
    request.refresh_from_db()
    expected = [DocumentRequestStatus.FULFILLED, DocumentRequestStatus.REJECTED][winner]
    assert request.status == expected
    assert responses[winner].json()["status"] == expected
    assert request.rejection_reason == ("" if winner == 0 else "Unterschrift fehlt.")
    app.refresh_from_db()
    assert responses[winner]["ETag"] == etag_for(app)
