"""POST .../submit/: 422 with what is missing, frozen snapshot, receipt PDF, e-mail, idempotency."""

import io
import json
import os
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from applications.conf import app_settings
from applications.constants import ApplicationStatus
from applications.models import Application, StatusChange
from applications.snapshot import checksum
from tests.applications.conftest import PDF_BYTES, api_url, fill_through_api, upload
from tests.conftest import missing
from tests.factories import login


@pytest.fixture
def complete(citizen_api, draft):
    fill_through_api(citizen_api, draft["id"])
    citizen_api.post(api_url("documents", draft["id"]), {"file": upload("Ausweis.pdf", PDF_BYTES)}, format="multipart")
    return draft


def submit(client, app_id, key=None):
    return client.post(api_url("submit", app_id), HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


def test_it_lists_everything_missing(citizen_api, draft):
    response = submit(citizen_api, draft["id"])

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "application_incomplete"
    fields = {gap["field"] for gap in body["missing"]}
    assert {"personal.birth_date", "housing.housing_type", "bank_account.iban"} <= fields
    assert all(gap["reason"] for gap in body["missing"])
    assert Application.objects.get(public_id=draft["id"]).status == ApplicationStatus.DRAFT


def test_it_submits_lodges_freezes_and_mails_a_link_only(
    citizen_api, citizen, complete, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(citizen_api, complete["id"])

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    # Straight to the full form: lodged at the moment of submission.
    assert body["lodged_at"] == body["submitted_at"] and body["reference"]
    application = Application.objects.get(public_id=complete["id"])
    assert application.snapshot["reference"] == body["reference"]
    assert application.snapshot["personal"]["last_name"] == "Коваленко"
    assert application.snapshot["housing"]["base_rent"] == "420.00"
    assert len(application.snapshot["documents"]) == 1
    assert application.snapshot_sha256 == checksum(application.snapshot) == body["snapshot_sha256"]
    assert [c.to_status for c in StatusChange.objects.filter(application=application)] == ["lodged", "submitted"]

    assert len(mail.outbox) == 2  # date secured, then submitted
    message = mail.outbox[-1]
    assert message.to == [citizen.email]
    # Something is waiting, and the link to the application's page; no reference, no benefit (portal/mail.py).
    # (The Jobcenter signs with its name, "Jobcenter Kaiserslautern": the address is checked by street and postcode.)
    assert f"http://testserver/applications/{complete['id']}/" in message.body
    for social_data in (body["reference"], "Bürgergeld", "Коваленко", "67655", "DE89", "420", "Marktstraße"):
        assert social_data not in message.body and social_data not in message.subject


def test_it_refuses_changes_after_submission_and_keeps_the_snapshot(citizen_api, complete, _private_storage):
    submit(citizen_api, complete["id"])
    before = Application.objects.get(public_id=complete["id"])
    documents = citizen_api.get(api_url("documents", complete["id"])).json()["documents"]

    attempts = [
        citizen_api.patch(api_url("personal", complete["id"]), {"last_name": "Changed"}, format="json"),
        citizen_api.patch(api_url("housing", complete["id"]), {"base_rent": "999.00"}, format="json"),
        citizen_api.patch(api_url("bank-account", complete["id"]), {"account_holder": "Someone"}, format="json"),
        citizen_api.post(api_url("household", complete["id"]), {"relationship": "child"}, format="json"),
        citizen_api.delete(api_url("document", complete["id"], document_id=documents[0]["id"])),
        citizen_api.post(
            api_url("documents", complete["id"]), {"file": upload("x.pdf", PDF_BYTES)}, format="multipart"
        ),
    ]

    assert [r.status_code for r in attempts] == [409] * 6
    assert {r.json()["code"] for r in attempts} == {"application_submitted"}
    after = Application.objects.get(public_id=complete["id"])
    assert after.snapshot == before.snapshot and after.snapshot_sha256 == before.snapshot_sha256
    assert after.snapshot["personal"]["last_name"] == "Коваленко"
    assert checksum(after.snapshot) == after.snapshot_sha256
    assert after.version == before.version
    assert len([p for p in _private_storage.rglob("*") if p.is_file()]) == 1


def test_it_returns_the_same_result_for_a_repeated_submit(citizen_api, complete):
    key = str(uuid.uuid4())
    first = submit(citizen_api, complete["id"], key)
    replay = submit(citizen_api, complete["id"], key)
    other_key = submit(citizen_api, complete["id"])

    assert first.status_code == replay.status_code == other_key.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert other_key.json()["submitted_at"] == first.json()["submitted_at"]
    assert StatusChange.objects.filter(to_status=ApplicationStatus.SUBMITTED).count() == 1


def test_it_produces_a_receipt_pdf_that_parses_back(citizen_api, complete):
    if not any(os.path.isfile(path) for path in app_settings.PDF_FONTS):
        missing("needs a Unicode TrueType font (apt-get install fonts-dejavu-core)")
    body = submit(citizen_api, complete["id"]).json()

    response = citizen_api.get(api_url("receipt", complete["id"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{body["reference"]}.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    effective = body["effective_from"]  # ISO; the receipt shows DD.MM.YYYY
    year, month, day = effective.split("-")
    assert body["reference"] in text
    assert f"{day}.{month}.{year}" in text
    assert "Олена Коваленко" in text  # Ukrainian names render
    document = Application.objects.get(public_id=complete["id"]).snapshot["documents"][0]
    assert document["sha256"] in text.replace("\n", "")
    # The same frozen data gives the same receipt.
    assert citizen_api.get(api_url("receipt", complete["id"])).content == response.content


def test_it_has_no_receipt_before_submission(citizen_api, draft):
    response = citizen_api.get(api_url("receipt", draft["id"]))
    assert response.status_code == 404 and response.json()["code"] == "no_receipt"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_submits_once_under_two_concurrent_requests_with_the_same_key(django_capture_on_commit_callbacks):
    from tests.applications.factories import ApplicationFactory

    application = ApplicationFactory(complete=True)
    user = application.applicant
    user.save()
    key = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    results = []

    def worker():
        from rest_framework.test import APIClient

        try:
            client = APIClient()
            login(client, user)
            barrier.wait()
            response = client.post(api_url("submit", application.public_id), HTTP_IDEMPOTENCY_KEY=key)
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [status for status, _ in results] == [200, 200], results
    assert results[0][1] == results[1][1]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert StatusChange.objects.filter(application=application, to_status="submitted").count() == 1
    assert StatusChange.objects.filter(application=application, to_status="lodged").count() == 1
    assert len([m for m in mail.outbox if m.to == [application.applicant.email]]) == 2  # lodged + submitted, once each


def test_it_locks_the_application_once_and_loads_it_once(citizen_api, complete):
    """Submission (lodging included) takes one row lock and reads the household, entries
    and documents once; the response is rendered from what the service loaded."""
    with CaptureQueriesContext(connection) as queries:
        response = submit(citizen_api, complete["id"])

    assert response.status_code == 200, response.json()
    sql = [query["sql"] for query in queries.captured_queries]
    locks = [q for q in sql if "FOR UPDATE" in q and 'FROM "applications_application"' in q]
    assert len(locks) == 1, locks
    for table in ("applications_householdmember", "applications_incomeentry", "applications_document"):
        assert sum(f'FROM "{table}"' in q for q in sql) == 1, (table, [q for q in sql if table in q])
    assert len(sql) <= 40, len(sql)


def test_it_describes_the_frozen_snapshot_with_a_serializer_that_renders_it_unchanged(citizen_api, complete):
    """``SnapshotOut`` documents the stored format (casework shows it); it must not drift from it."""
    from applications.api.serializers import SnapshotOut

    assert submit(citizen_api, complete["id"]).status_code == 200
    snapshot = Application.objects.get(public_id=complete["id"]).snapshot
    assert snapshot["household"] and snapshot["documents"]

    assert json.loads(json.dumps(SnapshotOut(snapshot).data)) == snapshot
