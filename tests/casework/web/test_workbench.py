"""The staff workbench with Django's client: queue, claim-next, case page, actions.

The ``org`` fixture (tests/casework/conftest.py): Jobcenter A with two teams and
its people, and a foreign Jobcenter B."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from applications.constants import ApplicationStatus, DocumentRequestStatus
from applications.models import Document, DocumentRequest, Message
from applications.snapshot import build_snapshot
from casework.models import Decision, InternalNote
from portal.clock import berlin_today
from portal.models import AuditEvent
from portal.sessions import LAST_ACTIVITY_KEY
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory, login

QUEUE = "/workbench/"


@pytest.fixture
def client_for(db):
    def make(user, *, mfa: bool = True, language: str = "en") -> Client:
        client = Client(headers={"accept-language": language})
        login(client, user, mfa=mfa)
        return client

    return make


@pytest.fixture
def case(org):
    return ApplicationFactory(jobcenter=org.a, team=org.team1, surname="Albers", reference="A-2026-000001")


@pytest.fixture
def my_case(org):
    return ApplicationFactory(
        jobcenter=org.a,
        team=org.team1,
        surname="Becker",
        reference="A-2026-000002",
        status=ApplicationStatus.IN_REVIEW,
        assigned_to=org.staff,
    )


def page_of(application) -> str:
    return f"/workbench/cases/{application.public_id}/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the queue --------------------------------------------------------------------------------
def test_it_lists_the_jobcenters_queue_with_days_left_and_audits_it(org, case, my_case, client_for):
    foreign = ApplicationFactory(jobcenter=org.b, team=org.team_b, reference="B-2026-000009")
    response = client_for(org.staff).get(QUEUE)
    assert response.status_code == 200
    body = text_of(response)
    assert case.reference in body and my_case.reference in body
    assert foreign.reference not in body
    assert "Albers" in body and "nobody" in body
    # Lodged 10 days ago: the §88 SGG clock (six months) shows its days left.
    assert re.search(r"1[67]\d days", body)
    event = AuditEvent.objects.get(action="queue.list")
    assert set(event.data["applications"]) == {str(case.public_id), str(my_case.public_id)}
    assert event.actor == org.staff


def test_it_filters_by_the_apis_filters(org, case, my_case, client_for):
    client = client_for(org.staff)
    mine = text_of(client.get(QUEUE, {"assigned": "me"}))
    assert my_case.reference in mine and case.reference not in mine
    assert "My cases" in mine
    in_review = text_of(client.get(QUEUE, {"status": "in_review"}))
    assert my_case.reference in in_review and case.reference not in in_review
    old = ApplicationFactory(
        jobcenter=org.a, team=org.team1, reference="A-2026-000003", lodged_at=timezone.now() - timedelta(days=170)
    )
    overdue = text_of(client.get(QUEUE, {"deadline": "warning"}))
    assert old.reference in overdue and case.reference not in overdue
    assert "first" not in text_of(client.get(QUEUE, {"kind": "first"})).split("No case matches")[0][-20:]
    assert case.reference in text_of(client.get(QUEUE, {"kind": "first"}))


def test_the_api_filters_by_kind_with_the_same_selector(org, case, api_for):
    client = api_for(org.staff)
    assert [row["reference"] for row in client.get("/api/v1/queue/applications/?kind=first").json()["results"]] == [
        case.reference
    ]
    assert client.get("/api/v1/queue/applications/?kind=renewal").status_code == 400


def test_it_shows_an_invalid_filter_at_the_field_and_in_the_summary(org, case, client_for):
    body = text_of(client_for(org.staff).get(QUEUE, {"deadline": "tomorrow"}))
    assert 'id="error-summary"' in body
    assert 'href="#id_deadline"' in body
    assert 'id="id_deadline-error"' in body and 'aria-invalid="true"' in body


def test_it_claims_the_next_case_for_me(org, case, client_for):
    response = client_for(org.staff).post("/workbench/claim-next/")
    assert response.status_code == 302 and response["Location"] == page_of(case)
    case.refresh_from_db()
    assert case.assigned_to == org.staff
    assert AuditEvent.objects.filter(action="application.claim", object_id=str(case.public_id)).exists()


def test_it_says_so_when_the_queue_is_empty(org, client_for):
    client = client_for(org.staff)
    response = client.post("/workbench/claim-next/", follow=True)
    assert "There is no unassigned case in your team" in text_of(response)


def test_it_tells_staff_without_a_team_why_there_is_nothing_to_claim(org, case, client_for):
    loner = UserFactory(staff=True, jobcenter=org.a)
    response = client_for(loner).post("/workbench/claim-next/", follow=True)
    assert "You are not a member of any team of your Jobcenter" in text_of(response)
    case.refresh_from_db()
    assert case.assigned_to is None


def test_it_sends_the_anonymous_to_the_login_page_and_back(client, case):
    for url in (QUEUE, page_of(case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=" + url
    assert client.post("/workbench/claim-next/")["Location"].startswith("/accounts/login/")


def test_it_refuses_citizens(citizen, case, client_for):
    client = client_for(citizen)
    german = text_of(client_for(citizen, language="de").get(QUEUE))
    assert "Diese Funktion steht Ihrer Rolle nicht zur Verfügung." in german
    for response in (client.get(QUEUE), client.get(page_of(case)), client.post("/workbench/claim-next/")):
        assert response.status_code == 403
        assert "This function is not available for your role." in text_of(response)
    assert not AuditEvent.objects.filter(action__in=["queue.list", "application.read"]).exists()


def test_it_refuses_staff_without_a_second_factor(org, case, client_for):
    client = client_for(org.staff, mfa=False)
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "second factor" in text_of(response)
    assert client.post("/workbench/claim-next/").status_code == 403
    case.refresh_from_db()
    assert case.assigned_to is None


# --- the case page ----------------------------------------------------------------------------
def test_it_shows_a_case_and_audits_the_read_as_the_api(org, my_case, client_for, _private_storage):
    (_private_storage / "documents").mkdir(parents=True, exist_ok=True)
    (_private_storage / "documents" / "x.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    document = Document.objects.create(
        application=my_case,
        storage_name="documents/x.pdf",
        original_name="mietvertrag.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
    )
    Message.objects.create(application=my_case, author=my_case.applicant, body="Wann entscheiden Sie?")
    InternalNote.objects.create(application=my_case, author=org.staff2, body="Vermieter anrufen")
    my_case.snapshot = build_snapshot(my_case)
    my_case.save(update_fields=["snapshot"])
    my_case.members.update(first_name="Changed")  # the page shows the data as submitted
    client = client_for(org.staff)
    response = client.get(page_of(my_case))
    assert response.status_code == 200
    body = text_of(response)
    assert "<h1" in body and body.count("<h1") == 1 and my_case.reference in body
    # The frozen snapshot, labelled by the models' fields.
    assert "<dt>First name</dt><dd>Alex</dd>" in body.replace("> <", "><")
    assert "<dt>Relationship</dt><dd>Applicant</dd>" in body.replace("> <", "><")
    assert "mietvertrag.pdf" in body and "Wann entscheiden Sie?" in body and "Vermieter anrufen" in body
    event = AuditEvent.objects.get(action="application.read")
    assert (event.actor, event.object_id, event.jobcenter) == (org.staff, str(my_case.public_id), org.a)
    assert AuditEvent.objects.filter(action="application.notes.read").exists()
    assert Message.objects.get().read_by_jobcenter_at is not None  # as the API's thread read

    assert f'href="{page_of(my_case)}documents/{document.public_id}/?inline=1"' in body

    download = client.get(f"{page_of(my_case)}documents/{document.public_id}/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")
    inline = client.get(f"{page_of(my_case)}documents/{document.public_id}/?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert AuditEvent.objects.filter(action="document.read", object_id=str(document.public_id)).count() == 2


def test_it_hides_another_jobcenters_case(org, case, client_for):
    client = client_for(org.staff_b)
    assert client.get(page_of(case)).status_code == 404
    assert client.post(f"{page_of(case)}release/", {"version": case.version}).status_code == 404
    assert not AuditEvent.objects.filter(action="application.read").exists()


def test_it_shows_only_the_actions_the_case_allows(org, case, my_case, client_for):
    client = client_for(org.staff)
    theirs = text_of(client.get(page_of(case)))
    assert "Request documents" not in theirs and "Release to the team" not in theirs
    assert "Assign to me" not in theirs  # staff claim with "Next case"; team leads assign
    mine = text_of(client.get(page_of(my_case)))
    assert "Send the request" in mine and "Release to the team" in mine
    lead = text_of(client_for(org.lead).get(page_of(case)))
    assert "Assign to me" in lead


# --- actions ----------------------------------------------------------------------------------
def test_it_releases_my_case(org, my_case, client_for):
    response = client_for(org.staff).post(f"{page_of(my_case)}release/", {"version": my_case.version})
    assert response.status_code == 302 and response["Location"] == page_of(my_case)
    my_case.refresh_from_db()
    assert my_case.assigned_to is None


def test_a_team_lead_assigns_a_case_to_themselves(org, case, client_for):
    client_for(org.lead).post(f"{page_of(case)}assign-to-me/", {"version": case.version})
    case.refresh_from_db()
    assert case.assigned_to == org.lead


def test_it_requests_documents_with_the_default_deadline_and_the_legal_text(org, my_case, client_for):
    client = client_for(org.staff)
    page = text_of(client.get(page_of(my_case)))
    default = berlin_today() + timedelta(days=14)
    assert f'value="{default.isoformat()}"' in page
    assert "§66 SGB I" in page  # the warning of consequences, as the citizen will read it
    response = client.post(
        f"{page_of(my_case)}document-requests/",
        {"version": my_case.version, "description": "Mietvertrag", "deadline": default.isoformat()},
    )
    assert response.status_code == 302
    request = DocumentRequest.objects.get()
    assert (request.description, request.deadline, request.created_by) == ("Mietvertrag", default, org.staff)
    my_case.refresh_from_db()
    assert my_case.status == ApplicationStatus.DOCUMENTS_REQUESTED
    assert "§66 SGB I" in request.consequences_text


def test_it_shows_an_invalid_request_at_the_field_and_keeps_the_text(org, my_case, client_for):
    response = client_for(org.staff).post(
        f"{page_of(my_case)}document-requests/",
        {"version": my_case.version, "description": "Lohnabrechnungen", "deadline": berlin_today().isoformat()},
    )
    assert response.status_code == 400
    body = text_of(response)
    assert 'href="#id_request_deadline"' in body
    assert "The deadline must be in the future." in body
    assert "Lohnabrechnungen</textarea>" in body
    assert not DocumentRequest.objects.exists()


def test_two_staff_acting_on_one_version_the_second_is_told(org, my_case, client_for):
    """Two tabs (or a lead and the worker) rendered the same version: one wins."""
    version = my_case.version
    first = client_for(org.staff).post(
        f"{page_of(my_case)}document-requests/",
        {"version": version, "description": "Kontoauszüge", "deadline": (berlin_today() + timedelta(days=7))},
    )
    assert first.status_code == 302
    second = client_for(org.lead).post(
        f"{page_of(my_case)}document-requests/",
        {"version": version, "description": "Mietvertrag", "deadline": (berlin_today() + timedelta(days=7))},
    )
    assert second.status_code == 412
    body = text_of(second)
    assert "The case was changed meanwhile by someone else." in body
    assert "Mietvertrag</textarea>" in body  # what was typed is kept
    my_case.refresh_from_db()
    assert f'name="version" value="{my_case.version}"' in body  # the page as it is now
    assert list(DocumentRequest.objects.values_list("description", flat=True)) == ["Kontoauszüge"]
    stale_release = client_for(org.staff).post(f"{page_of(my_case)}release/", {"version": version})
    assert stale_release.status_code == 412
    my_case.refresh_from_db()
    assert my_case.assigned_to == org.staff


def test_it_refuses_work_on_a_case_not_assigned_to_me(org, case, client_for):
    response = client_for(org.staff).post(
        f"{page_of(case)}document-requests/",
        {"version": case.version, "description": "Mietvertrag", "deadline": berlin_today() + timedelta(days=7)},
    )
    assert response.status_code == 409
    assert "This case is not assigned to you." in text_of(response)
    assert not DocumentRequest.objects.exists()


def _answered_request(case, org) -> DocumentRequest:
    request = DocumentRequest.objects.create(
        application=case, description="Mietvertrag", deadline=berlin_today() + timedelta(days=7), created_by=org.staff
    )
    Document.objects.create(
        application=case,
        document_request=request,
        storage_name="documents/y.pdf",
        original_name="vertrag.pdf",
        content_type="application/pdf",
        size=15,
        sha256="1" * 64,
    )
    return request


def test_it_accepts_an_answered_request(org, my_case, client_for):
    request = _answered_request(my_case, org)
    client = client_for(org.staff)
    assert "Accept the documents" in text_of(client.get(page_of(my_case)))
    response = client.post(
        f"{page_of(my_case)}document-requests/{request.public_id}/accept/", {"version": my_case.version}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == DocumentRequestStatus.FULFILLED


def test_it_rejects_an_answered_request_with_a_reason(org, my_case, client_for):
    request = _answered_request(my_case, org)
    client = client_for(org.staff)
    url = f"{page_of(my_case)}document-requests/{request.public_id}/reject/"
    empty = client.post(url, {"version": my_case.version, "reason": ""})
    assert empty.status_code == 400
    assert f'href="#id_reject-{request.public_id}_reason"' in text_of(empty)
    assert client.post(url, {"version": my_case.version, "reason": "Seite 2 fehlt"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.rejection_reason) == (DocumentRequestStatus.REJECTED, "Seite 2 fehlt")


def test_it_adds_an_internal_note_and_replies_in_the_postfach(org, my_case, client_for):
    client = client_for(org.staff)
    assert client.post(f"{page_of(my_case)}notes/", {"body": "Rückruf vereinbart"}).status_code == 302
    assert InternalNote.objects.get().body == "Rückruf vereinbart"
    assert client.post(f"{page_of(my_case)}messages/", {"body": "Wir melden uns."}).status_code == 302
    message = Message.objects.get()
    assert (message.body, message.from_jobcenter, message.author) == ("Wir melden uns.", True, org.staff)
    empty = client.post(f"{page_of(my_case)}notes/", {"body": ""})
    assert empty.status_code == 400 and 'href="#id_note_body"' in text_of(empty)


def test_a_counsellor_cannot_act(org, my_case, client_for):
    response = client_for(org.counsellor).post(f"{page_of(my_case)}notes/", {"body": "x"})
    assert response.status_code == 403
    assert not InternalNote.objects.exists()


# --- the decision -----------------------------------------------------------------------------
APPROVAL = {
    "outcome": "approved",
    "starts_on": "2026-12-01",
    "ends_on": "2027-11-30",
    "monthly_amount": "1012.50",
    "standard_needs_amount": "563.00",
    "additional_needs_amount": "",
    "housing_amount": "449.50",
    "reason": "",
    "text": "",
}


def test_it_previews_the_notice_without_deciding(org, my_case, client_for):
    response = client_for(org.staff).post(
        f"{page_of(my_case)}decision/", {**APPROVAL, "version": my_case.version, "preview": "1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline")
    my_case.refresh_from_db()
    assert my_case.status == ApplicationStatus.IN_REVIEW
    assert not Decision.objects.exists()


def test_it_approves_with_amounts_and_period(org, my_case, client_for):
    client = client_for(org.staff)
    assert "Preview the notice (PDF)" in text_of(client.get(page_of(my_case)))
    response = client.post(f"{page_of(my_case)}decision/", {**APPROVAL, "version": my_case.version})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.outcome, decision.monthly_amount, decision.housing_amount) == (
        "approved",
        Decimal("1012.50"),
        Decimal("449.50"),
    )
    assert decision.starts_on.isoformat() == "2026-12-01" and decision.decided_by == org.staff
    my_case.refresh_from_db()
    assert my_case.status == ApplicationStatus.APPROVED
    assert "Preview the notice (PDF)" not in text_of(client.get(page_of(my_case)))


def test_a_rejection_needs_a_reason_at_the_field(org, my_case, client_for):
    response = client_for(org.staff).post(
        f"{page_of(my_case)}decision/", {"outcome": "rejected", "reason": "", "version": my_case.version}
    )
    assert response.status_code == 400
    body = text_of(response)
    assert 'href="#id_decide_reason"' in body and "A rejection needs a reason." in body
    assert not Decision.objects.exists()


def test_a_request_sent_after_the_idle_timeout_is_kept_as_a_draft_through_the_login(org, my_case, client_for, settings):
    client = client_for(org.staff)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time() - settings.STAFF_IDLE_TIMEOUT - 5)
    session.save()
    response = client.post(
        f"{page_of(my_case)}document-requests/",
        {"version": my_case.version, "description": "Heizkostenabrechnung 2025", "deadline": "2027-01-15"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + page_of(my_case)
    assert not DocumentRequest.objects.exists()

    login(client, org.staff)  # logs in again (in the same browser session)
    body = text_of(client.get(page_of(my_case)))
    assert "Your session had ended. What you typed was kept" in body
    assert "Heizkostenabrechnung 2025</textarea>" in body and 'value="2027-01-15"' in body
    assert "Heizkostenabrechnung" not in text_of(client.get(page_of(my_case)))  # used once


def test_a_preview_of_a_rejection_without_a_reason_is_refused_at_the_field(org, my_case, client_for):
    response = client_for(org.staff).post(
        f"{page_of(my_case)}decision/",
        {"outcome": "rejected", "reason": " ", "version": my_case.version, "preview": "1"},
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = text_of(response)
    assert 'href="#id_decide_reason"' in body and "A rejection needs a reason." in body
