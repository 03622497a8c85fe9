"""Files sent with a Postfach message: ``message_post(attachments=...)`` and the API's
multipart messages endpoint (one rule: every file checked as every upload; all or nothing)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Document, Message
from applications.services import document_delete, message_post
from casework.services import staff_message_send
from portal.api.problems import Problem
from portal.audit import AuditAction
from portal.models import AuditEvent
from tests.applications.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, api_url, stored_files, upload
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory, login
from tests.security import uploads_corpus as corpus
from tests.security.uploads_clamd import clamd  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def pdf(name="Kontoauszug.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def submitted(citizen, jobcenter):
    return ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)


# --- service ----------------------------------------------------------------------------------
def test_it_stores_the_files_with_the_message_and_audits_each_upload(submitted, citizen, _private_storage):
    version = submitted.version

    message = message_post(
        application=submitted,
        actor=citizen,
        body="Anbei die Kontoauszüge.",
        attachments=[pdf(), SimpleUploadedFile("foto.png", PNG_BYTES, content_type="image/png")],
    )

    documents = list(message.attachments.order_by("original_name"))
    assert [(d.original_name, d.content_type, d.size) for d in documents] == [
        ("Kontoauszug.pdf", "application/pdf", len(PDF_BYTES)),
        ("foto.png", "image/png", len(PNG_BYTES)),
    ]
    assert all(d.application_id == submitted.pk and d.uploaded_by == citizen for d in documents)
    assert len(stored_files(_private_storage)) == 2
    uploads = AuditEvent.objects.filter(action=AuditAction.APPLICATION_DOCUMENT_UPLOAD)
    assert sorted(e.data["document"] for e in uploads) == sorted(str(d.public_id) for d in documents)
    assert {e.data["message"] for e in uploads} == {str(message.public_id)}
    submitted.refresh_from_db()
    assert submitted.version == version + 1


def test_it_refuses_more_files_than_the_limit_before_storing_any(submitted, citizen, settings, _private_storage):
    settings.APPLICATION_MESSAGE_MAX_ATTACHMENTS = 2

    with pytest.raises(Problem) as refused:
        message_post(application=submitted, actor=citizen, body="Drei Dateien", attachments=[pdf(), pdf(), pdf()])

    assert refused.value.status_code == 400 and refused.value.code == "too_many_files"
    assert list(refused.value.errors) == ["attachments"]
    assert not Message.objects.exists() and not Document.objects.exists()
    assert stored_files(_private_storage) == []


def test_it_refuses_the_whole_message_when_one_file_is_bad(submitted, citizen, _private_storage):
    with pytest.raises(Problem) as refused:
        message_post(
            application=submitted,
            actor=citizen,
            body="Eine gute, eine schlechte Datei",
            attachments=[pdf(), SimpleUploadedFile("tool.pdf", EXE_BYTES, content_type="application/pdf")],
        )

    assert refused.value.status_code == 415
    assert list(refused.value.errors) == ["attachments"]
    assert [error.split(": ")[0] for error in refused.value.errors["attachments"]] == ["tool.pdf"]
    assert not Message.objects.exists() and not Document.objects.exists()
    assert stored_files(_private_storage) == []


def test_it_refuses_a_file_with_a_virus(submitted, citizen, clamd, settings, _private_storage):  # noqa: F811
    settings.APPLICATION_VIRUS_SCAN = True
    settings.APPLICATION_CLAMD_ADDRESS = clamd.unix_address
    settings.APPLICATION_CLAMD_TIMEOUT = 10

    with pytest.raises(Problem) as refused:
        message_post(
            application=submitted,
            actor=citizen,
            body="Rechnung",
            attachments=[SimpleUploadedFile("rechnung.pdf", corpus.eicar(), content_type="application/pdf")],
        )

    assert refused.value.code == "virus_found" and list(refused.value.errors) == ["attachments"]
    assert not Message.objects.exists() and stored_files(_private_storage) == []


def test_it_removes_stored_files_when_the_message_cannot_be_saved(citizen, jobcenter, _private_storage):
    draft = ApplicationFactory(applicant=citizen, jobcenter=jobcenter)  # not lodged: no messages yet

    with pytest.raises(Problem) as refused:
        message_post(application=draft, actor=citizen, body="Hallo", attachments=[pdf()])

    assert refused.value.code == "application_not_lodged"
    assert not Document.objects.exists() and stored_files(_private_storage) == []


def test_staff_may_attach_a_file_to_a_reply(submitted, jobcenter, _private_storage):
    staff = UserFactory(staff=True, jobcenter=jobcenter)
    submitted.assigned_to = staff
    submitted.save(update_fields=["assigned_to"])

    message = staff_message_send(application=submitted, actor=staff, body="Das Formular anbei.", attachments=[pdf()])

    assert message.from_jobcenter and [d.original_name for d in message.attachments.all()] == ["Kontoauszug.pdf"]


def test_an_attachment_stays_with_its_message(citizen, jobcenter, _private_storage):
    lodged = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, lodged=True)
    message = message_post(application=lodged, actor=citizen, body="Anbei", attachments=[pdf()])

    with pytest.raises(Problem) as refused:
        document_delete(application=lodged, actor=citizen, document=message.attachments.get())

    assert refused.value.code == "message_attachment" and Document.objects.count() == 1


# --- API --------------------------------------------------------------------------------------
def test_the_api_takes_files_as_multipart_and_answers_with_them(citizen_api, submitted, _private_storage):
    response = citizen_api.post(
        api_url("messages", submitted.public_id),
        {"body": "Anbei", "attachments": [upload("a.pdf", PDF_BYTES), upload("b.png", PNG_BYTES)]},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    files = response.json()["attachments"]
    assert [(f["name"], f["content_type"], f["size"]) for f in files] == [
        ("a.pdf", "application/pdf", len(PDF_BYTES)),
        ("b.png", "image/png", len(PNG_BYTES)),
    ]
    download = citizen_api.get(files[0]["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    thread = citizen_api.get(api_url("messages", submitted.public_id)).json()["results"]
    assert [f["id"] for f in thread[0]["attachments"]] == [f["id"] for f in files]


def test_the_api_still_takes_a_message_as_json(citizen_api, submitted):
    response = citizen_api.post(api_url("messages", submitted.public_id), {"body": "Nur Text"}, format="json")

    assert response.status_code == 201 and response.json()["attachments"] == []


def test_the_api_saves_nothing_when_one_file_is_bad(citizen_api, submitted, _private_storage):
    response = citizen_api.post(
        api_url("messages", submitted.public_id),
        {"body": "Anbei", "attachments": [upload("a.pdf", PDF_BYTES), upload("b.pdf", EXE_BYTES)]},
        format="multipart",
    )

    assert response.status_code == 415
    assert list(response.json()["errors"]) == ["attachments"]
    assert not Message.objects.exists() and stored_files(_private_storage) == []


def test_the_api_refuses_a_body_over_the_upload_cap(citizen_api, submitted, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 10

    response = citizen_api.post(
        api_url("messages", submitted.public_id),
        {"body": "Anbei", "attachments": [upload("a.pdf", PDF_BYTES * 40_000)]},
        format="multipart",
    )

    assert response.status_code == 413 and response.json()["code"] == "file_too_large"
    assert not Message.objects.exists()


def test_the_api_hides_another_citizens_thread_and_files(client, submitted, _private_storage):
    message = message_post(application=submitted, actor=submitted.applicant, body="Anbei", attachments=[pdf()])
    document = message.attachments.get()
    login(client, UserFactory(citizen=True))

    posted = client.post(api_url("messages", submitted.public_id), {"body": "x", "attachments": [pdf()]})
    download = client.get(api_url("document-file", submitted.public_id, document_id=document.public_id))

    assert posted.status_code == 404 and download.status_code == 404
    assert Message.objects.count() == 1 and Document.objects.count() == 1


def test_the_api_refuses_staff_and_anonymous_callers(client, submitted):
    anonymous = client.post(api_url("messages", submitted.public_id), {"body": "x", "attachments": [pdf()]})
    login(client, UserFactory(staff=True, jobcenter=submitted.jobcenter))
    staff = client.post(api_url("messages", submitted.public_id), {"body": "x", "attachments": [pdf()]})

    assert anonymous.status_code in (401, 403) and staff.status_code == 403
    assert not Message.objects.exists()
