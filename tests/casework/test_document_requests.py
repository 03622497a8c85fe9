"""Document requests (Mitwirkung, §60 SGB I): staff ask, the citizen uploads, staff accept or reject."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from applications.constants import ApplicationStatus as S
from applications.constants import DocumentRequestStatus
from applications.models import DocumentRequest, StatusChange
from casework.legal import CONSEQUENCES_VERSION
from casework.tasks import send_document_request_reminders
from portal.clock import berlin_date
from tests.casework.factories import ApplicationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def staff_url(app, suffix="") -> str:
    return f"/api/v1/queue/applications/{app.public_id}/document-requests/{suffix}"


def citizen_url(app, suffix) -> str:
    return f"/api/v1/applications/{app.public_id}/{suffix}"


def pdf(name="kontoauszug.pdf"):
    handle = io.BytesIO(PDF)
    handle.name = name
    return handle


@pytest.fixture
def case(org):
    return ApplicationFactory(jobcenter=org.a, team=org.team1, assigned_to=org.staff, surname="Abel")


def test_it_runs_the_whole_lifecycle(org, case, api_for, django_capture_on_commit_callbacks):
    staff = api_for(org.staff)
    citizen = api_for(case.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(staff_url(case), {"description": "Kontoauszüge der letzten drei Monate"}, format="json")
    assert response.status_code == 201, response.json()
    request = response.json()
    today = berlin_date(timezone.now())
    assert request["deadline"] == (today + timedelta(days=14)).isoformat()
    assert request["consequences_version"] == CONSEQUENCES_VERSION
    assert "§66" in request["consequences_text"]
    assert request["status"] == "open" and request["overdue"] is False

    # The case moved through the one state machine: submitted -> in review -> documents requested.
    case.refresh_from_db()
    assert case.status == S.DOCUMENTS_REQUESTED
    assert list(StatusChange.objects.filter(application=case).values_list("to_status", flat=True)) == [
        S.IN_REVIEW,
        S.DOCUMENTS_REQUESTED,
    ]
    # The citizen is told by e-mail that something is waiting, with a link: not what is asked for, no reference.
    assert len(mail.outbox) == 1
    assert f"/applications/{case.public_id}/" in mail.outbox[0].body
    assert case.reference not in mail.outbox[0].body + mail.outbox[0].subject
    assert "Kontoauszüge" not in mail.outbox[0].body + mail.outbox[0].subject

    # The citizen sees the request with its deadline and warning, and in the timeline.
    seen = citizen.get(citizen_url(case, "document-requests/")).json()["requests"]
    assert [r["id"] for r in seen] == [request["id"]]
    assert seen[0]["consequences_text"] == request["consequences_text"]
    timeline = citizen.get(citizen_url(case, "timeline/")).json()["events"]
    assert any(e["kind"] == "documents_requested" and e["data"].get("request") == request["id"] for e in timeline)

    # Nothing uploaded yet: cannot be accepted.
    response = staff.post(staff_url(case, f"{request['id']}/accept/"))
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_uploaded"

    # The citizen answers by uploading to the request; staff accept.
    response = citizen.post(
        citizen_url(case, "documents/"), {"file": pdf(), "document_request": request["id"]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    response = staff.post(staff_url(case, f"{request['id']}/accept/"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "fulfilled"
    assert len(response.json()["documents"]) == 1
    timeline = citizen.get(citizen_url(case, "timeline/")).json()["events"]
    assert timeline[-1]["kind"] == "document_request_fulfilled"
    # A second accept changes nothing; a reject of a closed request is refused.
    assert staff.post(staff_url(case, f"{request['id']}/accept/")).json()["status"] == "fulfilled"
    response = staff.post(staff_url(case, f"{request['id']}/reject/"), {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "document_request_closed"


def test_it_rejects_with_a_reason_the_citizen_sees(org, case, api_for):
    staff = api_for(org.staff)
    request = staff.post(staff_url(case), {"description": "Mietvertrag"}, format="json").json()
    response = staff.post(staff_url(case, f"{request['id']}/reject/"), {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = staff.post(
        staff_url(case, f"{request['id']}/reject/"), {"reason": "Die Seiten 2 bis 4 fehlen."}, format="json"
    )
    assert response.json()["status"] == "rejected"
    events = api_for(case.applicant).get(citizen_url(case, "timeline/")).json()["events"]
    assert events[-1]["kind"] == "document_request_rejected"
    assert events[-1]["data"]["reason"] == "Die Seiten 2 bis 4 fehlen."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": "x", "deadline": "2020-01-01"}, "deadline"),
        ({"description": "x", "deadline": "morgen"}, "deadline"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_it_refuses_bad_requests_naming_the_field(org, case, api_for, body, field):
    response = api_for(org.staff).post(staff_url(case), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not DocumentRequest.objects.filter(application=case).exists()


def test_it_refuses_requests_on_a_decided_case(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, status=S.APPROVED, assigned_to=org.staff)
    response = api_for(org.staff).post(staff_url(app), {"description": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "case_closed"


def _request(app, *, deadline_in_days: int, status=DocumentRequestStatus.OPEN) -> DocumentRequest:
    return DocumentRequest.objects.create(
        application=app,
        description="Lohnabrechnung",
        legal_basis="§60 SGB I",
        consequences_text="…",
        consequences_version="1",
        deadline=berlin_date(timezone.now()) + timedelta(days=deadline_in_days),
        status=status,
    )


def test_it_flags_overdue_requests(org, case, api_for):
    overdue = _request(case, deadline_in_days=-1)
    due_today = _request(case, deadline_in_days=0)
    closed = _request(case, deadline_in_days=-3, status=DocumentRequestStatus.FULFILLED)
    rows = {r["id"]: r["overdue"] for r in api_for(org.staff).get(staff_url(case)).json()}
    assert rows == {str(overdue.public_id): True, str(due_today.public_id): False, str(closed.public_id): False}
    row = api_for(org.staff).get("/api/v1/queue/applications/", {"documents_overdue": "true"}).json()["results"]
    assert [r["overdue_document_requests"] for r in row] == [1]


def test_it_has_one_rule_for_overdue_in_python_and_sql(org, case):
    today = berlin_date(timezone.now())
    requests = [
        _request(case, deadline_in_days=days, status=status)
        for days in (-1, 0, 1)
        for status in DocumentRequestStatus.values
    ]
    in_python = {r.pk for r in requests if r.is_overdue(today)}
    in_sql = set(DocumentRequest.objects.overdue(today).values_list("pk", flat=True))
    assert in_python == in_sql == {r.pk for r in requests if r.deadline < today and r.status == "open"}


def test_it_reminds_once_before_the_deadline(org, case, settings, django_capture_on_commit_callbacks):
    settings.CASEWORK_REMINDER_DAYS_BEFORE = 3
    soon = _request(case, deadline_in_days=2)
    _request(case, deadline_in_days=10)  # not yet
    _request(case, deadline_in_days=1, status=DocumentRequestStatus.FULFILLED)  # answered
    _request(case, deadline_in_days=-1)  # already overdue: flagged, not reminded
    decided = ApplicationFactory(jobcenter=org.a, status=S.REJECTED)
    _request(decided, deadline_in_days=1)

    with django_capture_on_commit_callbacks(execute=True):
        send_document_request_reminders.call()
    with django_capture_on_commit_callbacks(execute=True):
        send_document_request_reminders.call()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [case.applicant.email]
    assert f"/applications/{case.public_id}/" in mail.outbox[0].body
    assert case.reference not in mail.outbox[0].body
    assert "Lohnabrechnung" not in mail.outbox[0].body
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None


def test_it_queues_the_reminder_email_in_the_transaction_that_stamps_the_request(org, case, settings):
    """Database backend (production): the stamp and the e-mail task commit together,
    so a worker killed after the stamp leaves no reminder that never goes out."""
    from django_tasks_db.models import DBTaskResult

    from casework.notify import document_request_reminder_message_id

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets its backends
    request = _request(case, deadline_in_days=1)
    # No on-commit callbacks run in this test: a task queued after the commit would not exist.
    send_document_request_reminders.call()
    [task] = DBTaskResult.objects.filter(task_path="portal.tasks.send_email")
    assert task.args_kwargs["kwargs"]["to"] == [case.applicant.email]
    assert task.args_kwargs["kwargs"]["message_id"] == document_request_reminder_message_id(request)
    request.refresh_from_db()
    assert request.reminder_sent_at is not None
