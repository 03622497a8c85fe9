"""Following the application: timeline, withdrawal, document requests, Postfach."""

import datetime as dt

from django.utils import timezone

from applications.constants import ApplicationStatus, DocumentRequestStatus
from applications.models import Document, Message
from applications.services import message_post
from applications.workflow import application_transition
from tests.applications.conftest import PDF_BYTES, api_url, upload
from tests.applications.factories import ApplicationFactory, DocumentRequestFactory, MessageFactory
from tests.factories import UserFactory


def test_it_shows_the_public_timeline_but_no_staff_reasons(citizen_api, citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)
    staff = UserFactory(staff=True, jobcenter=jobcenter)
    application_transition(
        application=application, target="in_review", actor=staff, reason="Internal: check rent level first"
    )
    application_transition(
        application=application,
        target="documents_requested",
        actor=staff,
        reason="Internal: bank statements look odd",
        timeline_data={"deadline": "2026-12-09"},
    )

    body = citizen_api.get(api_url("timeline", application.public_id)).json()

    assert body["status"] == "documents_requested"
    assert [e["kind"] for e in body["events"]] == ["in_review", "documents_requested"]
    assert body["events"][1]["data"] == {"deadline": "2026-12-09"}
    assert "Internal" not in str(body)
    assert "Internal" not in str(citizen_api.get(api_url("application-detail", application.public_id)).json())


def test_it_withdraws_with_a_reason_until_decided(citizen_api, citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, in_review=True)

    empty = citizen_api.post(api_url("withdraw", application.public_id), {"reason": "  "}, format="json")
    done = citizen_api.post(api_url("withdraw", application.public_id), {"reason": "I found a job."}, format="json")

    assert empty.status_code == 400 and list(empty.json()["errors"]) == ["reason"]
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn" and done.json()["withdrawal_reason"] == "I found a job."
    timeline = citizen_api.get(api_url("timeline", application.public_id)).json()["events"]
    assert timeline[-1]["kind"] == "withdrawn" and timeline[-1]["data"] == {"reason": "I found a job."}


def test_it_refuses_to_withdraw_a_decided_application(citizen_api, citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, approved=True)

    response = citizen_api.post(api_url("withdraw", application.public_id), {"reason": "late"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["allowed"] == []
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_it_shows_document_requests_and_takes_uploads_for_them(citizen_api, citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, documents_requested=True)
    request = DocumentRequestFactory(application=application, deadline=timezone.localdate() - dt.timedelta(days=1))
    closed = DocumentRequestFactory(application=application, status=DocumentRequestStatus.FULFILLED)

    listed = citizen_api.get(api_url("document-requests", application.public_id)).json()["requests"]
    answer = citizen_api.post(
        api_url("documents", application.public_id),
        {"file": upload("Kontoauszug.pdf", PDF_BYTES), "document_request": str(request.public_id)},
        format="multipart",
    )
    too_late = citizen_api.post(
        api_url("documents", application.public_id),
        {"file": upload("x.pdf", PDF_BYTES), "document_request": str(closed.public_id)},
        format="multipart",
    )
    stray = citizen_api.post(
        api_url("documents", application.public_id), {"file": upload("x.pdf", PDF_BYTES)}, format="multipart"
    )

    first = next(r for r in listed if r["id"] == str(request.public_id))
    assert first["legal_basis"] == "§60 Abs. 1 SGB I"
    assert first["consequences_version"] == "2026-01" and first["overdue"] is True
    assert answer.status_code == 201 and answer.json()["document_request"] == str(request.public_id)
    assert too_late.status_code == 409 and too_late.json()["code"] == "document_request_closed"
    assert stray.status_code == 409 and stray.json()["code"] == "application_submitted"
    assert Document.objects.filter(document_request=request).count() == 1
    detail = citizen_api.get(api_url("document-request", application.public_id, request_id=request.public_id)).json()
    assert [d["id"] for d in detail["documents"]] == [answer.json()["id"]]
    kinds = [e["kind"] for e in citizen_api.get(api_url("timeline", application.public_id)).json()["events"]]
    assert kinds[-1] == "documents_received"


def test_it_exchanges_messages_with_the_jobcenter(citizen_api, citizen, jobcenter, django_capture_on_commit_callbacks):
    from django.core import mail

    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)
    staff = UserFactory(staff=True, jobcenter=jobcenter)

    sent = citizen_api.post(
        api_url("messages", application.public_id), {"body": "Ich habe eine Frage zur Miete."}, format="json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            application=application, actor=staff, body="Bitte senden Sie den Mietvertrag.", from_jobcenter=True
        )
    thread = citizen_api.get(api_url("messages", application.public_id)).json()
    marked = citizen_api.post(api_url("messages-read", application.public_id)).json()

    assert sent.status_code == 201 and sent.json()["from"] == "you"
    assert [m["from"] for m in thread["results"]] == ["you", "jobcenter"]
    assert thread["unread"] == 1
    assert marked == {"marked_read": 1, "unread": 0}
    assert Message.objects.get(from_jobcenter=True).read_by_citizen_at is not None
    # The e-mail says there is a message, not what it says.
    assert len(mail.outbox) == 1 and "Mietvertrag" not in mail.outbox[0].body
    kinds = [e["kind"] for e in citizen_api.get(api_url("timeline", application.public_id)).json()["events"]]
    assert "message_from_jobcenter" in kinds


def test_it_needs_a_lodged_application_and_a_body_for_a_message(citizen_api, draft):
    empty = citizen_api.post(api_url("messages", draft["id"]), {"body": ""}, format="json")
    early = citizen_api.post(api_url("messages", draft["id"]), {"body": "Hallo"}, format="json")

    assert empty.status_code == 400 and list(empty.json()["errors"]) == ["body"]
    assert early.status_code == 409 and early.json()["code"] == "application_not_lodged"
    assert not Message.objects.exists()


def test_it_counts_unread_jobcenter_messages_on_the_application(citizen_api, citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)
    MessageFactory(application=application)
    MessageFactory(application=application, from_jobcenter=False)

    body = citizen_api.get(api_url("application-detail", application.public_id)).json()

    assert body["unread_messages"] == 1
