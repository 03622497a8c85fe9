"""Only the applicant sees or changes an application: every other user gets 404
(citizens) or 403 (staff roles, which have no citizen endpoints here)."""

import pytest

from applications.constants import AssetKind, IncomeKind
from applications.models import Application, AssetEntry, Document, IncomeEntry
from applications.services import document_upload
from tests.applications.conftest import PDF_BYTES, api_url, upload
from tests.applications.factories import ApplicationFactory, DocumentRequestFactory, MessageFactory
from tests.factories import UserFactory


@pytest.fixture
def case(db, jobcenter):
    application = ApplicationFactory(jobcenter=jobcenter, documents_requested=True)
    applicant_member = application.members.get()
    request = DocumentRequestFactory(application=application)
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = document_upload(
        application=application,
        actor=application.applicant,
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
        document_request=request,
    )
    income = IncomeEntry.objects.create(application=application, member=applicant_member, kind=IncomeKind.PENSION)
    asset = AssetEntry.objects.create(application=application, member=applicant_member, kind=AssetKind.CASH)
    MessageFactory(application=application)
    return {
        "application": application,
        "member_id": applicant_member.public_id,
        "entry_income": income.public_id,
        "entry_asset": asset.public_id,
        "document_id": document.public_id,
        "request_id": request.public_id,
    }


def endpoints(case):
    a = case["application"].public_id
    m, d, r = case["member_id"], case["document_id"], case["request_id"]
    ei, ea = case["entry_income"], case["entry_asset"]
    return [
        ("get", api_url("application-detail", a), None),
        ("delete", api_url("application-detail", a), None),
        ("post", api_url("lodge", a), {}),
        ("post", api_url("submit", a), {}),
        ("post", api_url("withdraw", a), {"reason": "x"}),
        ("get", api_url("receipt", a), None),
        ("get", api_url("timeline", a), None),
        ("get", api_url("personal", a), None),
        ("patch", api_url("personal", a), {"city": "X"}),
        ("get", api_url("household", a), None),
        ("post", api_url("household", a), {"relationship": "child"}),
        ("get", api_url("member", a, member_id=m), None),
        ("patch", api_url("member", a, member_id=m), {"first_name": "X"}),
        ("delete", api_url("member", a, member_id=m), None),
        ("get", api_url("housing", a), None),
        ("patch", api_url("housing", a), {"persons": 3}),
        ("get", api_url("income", a), None),
        ("patch", api_url("income", a), {"has_income": False}),
        ("post", api_url("income-entries", a), {"member": str(m), "kind": "pension"}),
        ("get", api_url("income-entry", a, entry_id=ei), None),
        ("patch", api_url("income-entry", a, entry_id=ei), {"gross_monthly": "1.00"}),
        ("delete", api_url("income-entry", a, entry_id=ei), None),
        ("get", api_url("assets", a), None),
        ("patch", api_url("assets", a), {"has_assets": False}),
        ("post", api_url("asset-entries", a), {"member": str(m), "kind": "cash"}),
        ("get", api_url("asset-entry", a, entry_id=ea), None),
        ("patch", api_url("asset-entry", a, entry_id=ea), {"value": "1.00"}),
        ("delete", api_url("asset-entry", a, entry_id=ea), None),
        ("get", api_url("health-insurance", a), None),
        ("patch", api_url("health-insurance-member", a, member_id=m), {"kind": "none"}),
        ("get", api_url("bank-account", a), None),
        ("patch", api_url("bank-account", a), {"account_holder": "X"}),
        ("get", api_url("checklist", a), None),
        ("get", api_url("documents", a), None),
        ("post", api_url("documents", a), "upload"),
        ("get", api_url("document", a, document_id=d), None),
        ("delete", api_url("document", a, document_id=d), None),
        ("get", api_url("document-file", a, document_id=d), None),
        ("get", api_url("document-requests", a), None),
        ("get", api_url("document-request", a, request_id=r), None),
        ("get", api_url("messages", a), None),
        ("post", api_url("messages", a), {"body": "Hallo"}),
        ("post", api_url("messages-read", a), {}),
    ]


def call(client, method, url, body):
    if body == "upload":
        return client.post(url, {"file": upload("x.pdf", PDF_BYTES)}, format="multipart")
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


def snapshot_of(case):
    application = Application.objects.get(pk=case["application"].pk)
    return (
        application.status,
        application.version,
        application.messages.count(),
        Document.objects.count(),
        IncomeEntry.objects.count(),
        application.members.count(),
    )


def test_it_answers_404_to_another_citizen_on_every_endpoint(case, api_for):
    stranger = UserFactory(citizen=True)
    ApplicationFactory(applicant=stranger, jobcenter=case["application"].jobcenter)  # has one of their own
    client = api_for(stranger)
    before = snapshot_of(case)

    answers = {(method, url): call(client, method, url, body) for method, url, body in endpoints(case)}

    wrong = {key: r.status_code for key, r in answers.items() if r.status_code != 404}
    assert wrong == {}
    assert all(r.json()["status"] == 404 for r in answers.values())
    assert snapshot_of(case) == before


def test_it_answers_the_owner_on_every_read_endpoint(case, api_for):
    client = api_for(case["application"].applicant)
    reads = [(method, url, body) for method, url, body in endpoints(case) if method == "get"]

    statuses = {url: call(client, method, url, body).status_code for method, url, body in reads}

    assert set(statuses.values()) == {200}, statuses


@pytest.mark.parametrize("role", ["staff", "team_lead", "counsellor"])
def test_it_answers_403_to_jobcenter_roles(case, api_for, role):
    user = UserFactory(**{role: True, "jobcenter": case["application"].jobcenter})
    client = api_for(user)
    before = snapshot_of(case)

    statuses = {url: call(client, method, url, body).status_code for method, url, body in endpoints(case)}

    assert set(statuses.values()) == {403}, statuses
    assert snapshot_of(case) == before


def test_it_answers_404_for_an_unknown_application(citizen_api, db):
    response = citizen_api.get("/api/v1/applications/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
