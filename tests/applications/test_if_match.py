"""Every write on an application refuses an ``If-Match`` naming an older version (412)
and changes nothing; the answer to a write carries the new ETag."""

from __future__ import annotations

import pytest

from applications.constants import ApplicationStatus
from applications.models import Application, AssetEntry, Document, HouseholdMember, IncomeEntry
from portal.models import AuditEvent
from tests.applications.conftest import PDF_BYTES, api_url, upload
from tests.applications.factories import ApplicationFactory


def stale_etag(application: Application) -> str:
    return f'"{application.public_id}-{application.version - 1}"'


def refused(response) -> None:
    assert response.status_code == 412, response.content
    assert response.json()["code"] == "precondition_failed"


@pytest.fixture
def application(citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter)
    Application.objects.filter(pk=application.pk).update(version=2)
    application.refresh_from_db()
    return application


def writes(application: Application) -> dict:
    """Each write of the citizen's API: (method, url, body, format)."""
    app_id = application.public_id
    applicant = application.members.get().public_id
    member = HouseholdMember.objects.create(application=application, relationship="child", position=2)
    income = IncomeEntry.objects.create(application=application, member=member, kind="employment")
    asset = AssetEntry.objects.create(application=application, member=member, kind="cash")
    document = Document.objects.create(
        application=application, storage_name="documents/x.pdf", original_name="x.pdf", size=1, sha256="0" * 64
    )
    return {
        "personal": ("patch", api_url("personal", app_id), {"city": "Kaiserslautern"}, "json"),
        "housing": ("patch", api_url("housing", app_id), {"persons": 2}, "json"),
        "bank account": ("patch", api_url("bank-account", app_id), {"account_holder": "O. K."}, "json"),
        "income question": ("patch", api_url("income", app_id), {"has_income": True}, "json"),
        "assets question": ("patch", api_url("assets", app_id), {"has_assets": True}, "json"),
        "member add": ("post", api_url("household", app_id), {"relationship": "child"}, "json"),
        "member patch": ("patch", api_url("member", app_id, member_id=member.public_id), {"first_name": "A"}, "json"),
        "member delete": ("delete", api_url("member", app_id, member_id=member.public_id), None, None),
        "health insurance": (
            "patch",
            api_url("health-insurance-member", app_id, member_id=applicant),
            {"kind": "statutory"},
            "json",
        ),
        "income add": (
            "post",
            api_url("income-entries", app_id),
            {"member": str(member.public_id), "kind": "pension"},
            "json",
        ),
        "income patch": (
            "patch",
            api_url("income-entry", app_id, entry_id=income.public_id),
            {"source": "Firma"},
            "json",
        ),
        "income delete": ("delete", api_url("income-entry", app_id, entry_id=income.public_id), None, None),
        "asset add": (
            "post",
            api_url("asset-entries", app_id),
            {"member": str(member.public_id), "kind": "savings"},
            "json",
        ),
        "asset delete": ("delete", api_url("asset-entry", app_id, entry_id=asset.public_id), None, None),
        "document upload": ("post", api_url("documents", app_id), {"file": upload("a.pdf", PDF_BYTES)}, "multipart"),
        "document delete": ("delete", api_url("document", app_id, document_id=document.public_id), None, None),
        "lodge": ("post", api_url("lodge", app_id), None, None),
        "submit": ("post", api_url("submit", app_id), None, None),
        "delete": ("delete", api_url("application-detail", app_id), None, None),
    }


WRITES = [
    "personal",
    "housing",
    "bank account",
    "income question",
    "assets question",
    "member add",
    "member patch",
    "member delete",
    "health insurance",
    "income add",
    "income patch",
    "income delete",
    "asset add",
    "asset delete",
    "document upload",
    "document delete",
    "lodge",
    "submit",
    "delete",
]


@pytest.mark.parametrize("write", WRITES)
def test_it_refuses_a_stale_if_match_on_every_write(citizen_api, application, write):
    method, url, body, fmt = writes(application)[write]
    before = AuditEvent.objects.count()
    kwargs = {"format": fmt} if fmt else {}

    response = getattr(citizen_api, method)(url, body, HTTP_IF_MATCH=stale_etag(application), **kwargs)

    refused(response)
    assert Application.objects.get(pk=application.pk).version == application.version
    assert AuditEvent.objects.count() == before


def test_it_refuses_a_stale_if_match_on_withdrawal(citizen_api, citizen, jobcenter):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, in_review=True)
    Application.objects.filter(pk=application.pk).update(version=2)
    application.refresh_from_db()

    response = citizen_api.post(
        api_url("withdraw", application.public_id),
        {"reason": "I found a job."},
        format="json",
        HTTP_IF_MATCH=stale_etag(application),
    )

    refused(response)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.IN_REVIEW


def test_it_answers_a_write_with_the_new_etag(citizen_api, application):
    etag = f'"{application.public_id}-{application.version}"'

    response = citizen_api.post(api_url("household", application.public_id), {"relationship": "child"}, format="json")

    assert response.status_code == 201
    assert response["ETag"] == f'"{application.public_id}-{application.version + 1}"' != etag
    accepted = citizen_api.patch(
        api_url("housing", application.public_id), {"persons": 3}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert accepted.status_code == 200
    assert accepted["ETag"] == f'"{application.public_id}-{application.version + 2}"'


def test_it_gives_one_new_version_for_one_save_of_several_parts(citizen_api, application):
    response = citizen_api.patch(
        api_url("personal", application.public_id), {"first_name": "Olena", "city": "Kaiserslautern"}, format="json"
    )

    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).version == application.version + 1
    assert response["ETag"] == f'"{application.public_id}-{application.version + 1}"'
