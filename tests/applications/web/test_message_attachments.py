"""Files with a Postfach reply on the citizen's page, and the attachments listed under
each message (citizen page and the staff case page). The checks are ``message_post``'s."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications.models import Document, Message
from applications.services import document_upload, message_post
from tests.applications.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, stored_files
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    login(client, user)
    return client


def pdf(name="Kontoauszug.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def application(citizen):
    return ApplicationFactory(in_review=True, applicant=citizen)


def thread(application) -> str:
    return f"/applications/{application.public_id}/messages/"


def test_it_offers_a_file_input_for_several_files(citizen, application):
    text = client_for(citizen).get(thread(application)).text

    assert 'enctype="multipart/form-data"' in text
    assert 'type="file" name="attachments"' in text and "multiple" in text
    assert 'accept="application/pdf,image/jpeg,image/png"' in text
    assert 'aria-describedby="id_attachments-hint"' in text


def test_it_sends_a_reply_with_files_and_lists_them_under_the_message(citizen, application, _private_storage):
    client = client_for(citizen)
    png = SimpleUploadedFile("foto.png", PNG_BYTES, content_type="image/png")

    response = client.post(thread(application), {"body": "Anbei die Auszüge.", "attachments": [pdf(), png]})

    assert response.status_code == 302 and response["Location"] == thread(application)
    message = Message.objects.get(application=application)
    documents = list(message.attachments.order_by("original_name"))
    assert [d.original_name for d in documents] == ["Kontoauszug.pdf", "foto.png"]
    page = client.get(response["Location"]).text
    for document in documents:
        link = f"/applications/{application.public_id}/documents/{document.public_id}/"
        assert f'href="{link}"' in page
        download = client.get(link)
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert "Attached files" in page


def test_it_shows_a_bad_file_at_the_field_and_saves_nothing(citizen, application, _private_storage):
    response = client_for(citizen).post(
        thread(application),
        {"body": "Hier die Datei", "attachments": [pdf(), pdf("tool.pdf", EXE_BYTES)]},
    )

    assert response.status_code == 400
    text = response.text
    assert 'id="error-summary"' in text and 'href="#id_attachments"' in text
    assert 'id="id_attachments-error"' in text
    assert text.count("tool.pdf: This file is not a PDF, JPEG or PNG file.") == 2
    assert "Hier die Datei" in text  # what was typed stays in the form
    assert not Message.objects.exists() and not Document.objects.exists()
    assert stored_files(_private_storage) == []


def test_it_shows_too_many_files_at_the_field(citizen, application, settings):
    settings.APPLICATION_MESSAGE_MAX_ATTACHMENTS = 1

    response = client_for(citizen).post(thread(application), {"body": "Zwei", "attachments": [pdf(), pdf()]})

    assert response.status_code == 400
    assert response.context["form"]["attachments"].errors == ["Please attach at most 1 files."]
    assert not Message.objects.exists()


def test_it_shows_a_file_over_the_size_limit_at_the_field(citizen, application, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024

    response = client_for(citizen).post(
        thread(application), {"body": "Groß", "attachments": [pdf(content=PDF_BYTES * 200)]}
    )

    assert response.status_code == 400
    assert response.context["form"]["attachments"].errors == ["Kontoauszug.pdf: File too large."]
    assert not Message.objects.exists()


def test_it_answers_a_body_far_over_the_cap_with_the_page(citizen, application, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024

    big = pdf(content=PDF_BYTES * 30_000)  # over the cap plus the form allowance (1 MiB)
    response = client_for(citizen).post(thread(application), {"body": "Groß", "attachments": [big]})

    assert response.status_code == 413
    assert "The file is larger than" in response.text and 'id="error-summary"' in response.text
    assert not Message.objects.exists()


def test_it_hides_another_citizens_thread_and_its_files(application, _private_storage):
    message = message_post(application=application, actor=application.applicant, body="Anbei", attachments=[pdf()])
    stranger = client_for(UserFactory(citizen=True))
    document = message.attachments.get()

    posted = stranger.post(thread(application), {"body": "x", "attachments": [pdf()]})
    download = stranger.get(f"/applications/{application.public_id}/documents/{document.public_id}/")

    assert posted.status_code == 404 and download.status_code == 404
    assert Message.objects.count() == 1 and Document.objects.count() == 1


def test_the_case_page_lists_the_citizens_attachments_with_the_workbench_link(application, _private_storage):
    staff = UserFactory(staff=True, jobcenter=application.jobcenter)
    application.assigned_to = staff
    application.save(update_fields=["assigned_to"])
    message = message_post(application=application, actor=application.applicant, body="Anbei", attachments=[pdf()])
    document = message.attachments.get()

    page = client_for(staff).get(f"/workbench/cases/{application.public_id}/")

    link = f"/workbench/cases/{application.public_id}/documents/{document.public_id}/"
    assert page.status_code == 200 and f'href="{link}"' in page.text
    assert "Download Kontoauszug.pdf" in page.text


def test_the_evidence_page_offers_no_delete_for_a_file_sent_with_a_message(citizen, _private_storage):
    lodged = ApplicationFactory(lodged=True, applicant=citizen)
    message = message_post(application=lodged, actor=citizen, body="Anbei", attachments=[pdf()])
    document = message.attachments.get()
    evidence = document_upload(application=lodged, actor=citizen, upload=pdf("Mietvertrag.pdf"))

    text = client_for(citizen).get(f"/applications/{lodged.public_id}/evidence/").text

    assert f"/documents/{evidence.public_id}/delete/" in text  # an ordinary upload can go
    assert f'/documents/{document.public_id}/"' in text  # listed with its download link
    assert f"/documents/{document.public_id}/delete/" not in text
