"""The evidence pages: the checklist with an upload per item, download, delete,
and the answer to a document request (applications/web/documents.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse

from applications.constants import DocumentRequestStatus
from applications.models import Document, DocumentRequest
from applications.services import application_create, document_upload
from casework.services import document_request_create, document_request_reject
from portal.api.conditional import etag_for
from portal.clock import berlin_today
from tests.applications.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, stored_files
from tests.applications.factories import ApplicationFactory, fill_complete
from tests.factories import JobcenterFactory, UserFactory, login
from tests.security import uploads_corpus as corpus
from tests.security.uploads_clamd import clamd  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """The source texts (the German and Ukrainian pages are walked in the browser tests)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def jobcenter(db):
    return JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")


@pytest.fixture
def draft(citizen, jobcenter):
    application = application_create(applicant=citizen, jobcenter_id=jobcenter.public_id, lodge=True)
    return fill_complete(application)


@pytest.fixture
def page(client, citizen):
    login(client, citizen)
    return client


def url(name, application, *args):
    return reverse(f"applications_web:{name}", args=[application.public_id, *args])


def pdf(name="Mietvertrag.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def version(application):
    application.refresh_from_db()
    return etag_for(application)


def submitted_with_request(citizen, *, deadline=None):
    application = ApplicationFactory(submitted=True, applicant=citizen)
    lead = UserFactory(team_lead=True, jobcenter=application.jobcenter)
    request = document_request_create(
        application=application, actor=lead, description="Kontoauszüge der letzten drei Monate", deadline=deadline
    )
    application.refresh_from_db()
    return application, request, lead


# --- evidence ---------------------------------------------------------------------------------
def test_it_lists_the_checklist_with_an_upload_per_item_offering_the_camera(page, draft):
    response = page.get(url("evidence", draft))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and html.count("<h1") == 1
    assert "Rental contract" in html and "Other documents" in html
    assert 'capture="environment"' in html
    assert 'accept="application/pdf,image/jpeg,image/png"' in html
    assert html.count('enctype="multipart/form-data"') == len(response.context["sections"])
    assert f'value="{etag_for(draft)}"' in html.replace("&quot;", '"')
    assert "Still missing" in html


def test_it_uploads_a_file_to_a_checklist_item_and_redirects_with_a_message(page, draft, _private_storage):
    response = page.post(
        url("evidence", draft),
        {"file": pdf(), "checklist_key": "rental_contract", "version": version(draft)},
        follow=True,
    )

    document = Document.objects.get(application=draft)
    assert document.checklist_key == "rental_contract" and document.original_name == "Mietvertrag.pdf"
    assert len(stored_files(_private_storage)) == 1
    assert response.redirect_chain == [(url("evidence", draft), 302)]
    html = response.content.decode()
    assert "Your file was uploaded." in html
    assert url("document", draft, document.public_id) in html


def test_it_takes_a_photo_from_the_camera_input(page, draft):
    photo = SimpleUploadedFile("IMG_0001.png", PNG_BYTES, content_type="image/png")
    response = page.post(url("evidence", draft), {"photo": photo, "checklist_key": "rent_statement"})

    assert response.status_code == 302
    assert Document.objects.get(application=draft).content_type == "image/png"


def test_it_asks_for_a_file_when_none_was_chosen(page, draft):
    response = page.post(url("evidence", draft), {"checklist_key": "rental_contract", "version": version(draft)})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert "Take a photo or choose a file." in html
    # the message at the field of the item that was posted, and the summary links to it
    field = next(s["form"] for s in response.context["sections"] if s["key"] == "rental_contract")
    assert field["file"].errors == ["Take a photo or choose a file."]
    assert f'href="#{field["file"].auto_id}"' in html
    assert not Document.objects.exists()


def test_it_shows_a_refused_file_type_at_the_field(page, draft, _private_storage):
    response = page.post(url("evidence", draft), {"file": pdf("Ausweis.pdf", EXE_BYTES), "checklist_key": "other"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html
    other = next(s["form"] for s in response.context["sections"] if s["key"] == "other")
    assert other["file"].errors and "PDF" in other["file"].errors[0]
    assert stored_files(_private_storage) == [] and not Document.objects.exists()


def test_it_shows_a_file_over_the_limit_at_the_field(page, draft, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024
    response = page.post(url("evidence", draft), {"file": pdf(content=PDF_BYTES + b"%" * 4096)})

    assert response.status_code == 400
    other = next(s["form"] for s in response.context["sections"] if s["key"] == "other")
    assert other["file"].errors[0].startswith("The file is larger than")
    assert not Document.objects.exists()


def test_it_shows_a_virus_at_the_field(page, draft, clamd, settings, _private_storage):  # noqa: F811 (the fixture)
    settings.APPLICATION_VIRUS_SCAN = True
    settings.APPLICATION_CLAMD_ADDRESS = clamd.unix_address
    settings.APPLICATION_CLAMD_TIMEOUT = 10

    response = page.post(url("evidence", draft), {"photo": pdf("rechnung.jpg", corpus.eicar())})

    assert response.status_code == 400
    other = next(s["form"] for s in response.context["sections"] if s["key"] == "other")
    assert other["photo"].errors and "virus" in other["photo"].errors[0].lower()
    assert stored_files(_private_storage) == [] and not Document.objects.exists()


def test_it_says_so_when_the_virus_scanner_cannot_answer(page, draft, settings, tmp_path):
    settings.APPLICATION_VIRUS_SCAN = True
    settings.APPLICATION_CLAMD_TIMEOUT = 1
    settings.APPLICATION_CLAMD_ADDRESS = str(tmp_path / "no-clamd.sock")

    response = page.post(url("evidence", draft), {"file": pdf()})

    assert response.status_code == 400
    other = next(s["form"] for s in response.context["sections"] if s["key"] == "other")
    assert other["file"].errors and not Document.objects.exists()
    assert other["file"].errors[0] in response.content.decode().replace("&#x27;", "'")


def test_it_answers_a_body_far_over_the_limit_with_the_page_and_a_message(page, draft, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024
    response = page.post(url("evidence", draft), {"file": pdf(content=PDF_BYTES + b"0" * (2 * 1024 * 1024))})

    html = response.content.decode()
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert 'id="error-summary"' in html and "Please upload a smaller file" in html
    assert not Document.objects.exists()


def test_it_refuses_a_stale_form_with_a_changed_meanwhile_message(page, draft):
    stale = version(draft)
    document_upload(application=draft, actor=draft.applicant, upload=pdf("other.pdf"))  # another window

    response = page.post(url("evidence", draft), {"file": pdf(), "checklist_key": "rental_contract", "version": stale})

    html = response.content.decode()
    assert response.status_code == 400
    assert "changed meanwhile" in html
    assert Document.objects.filter(application=draft).count() == 1
    # the form shown again names the current version, so sending it again works
    assert f'value="{version(draft)}"' in html.replace("&quot;", '"')


def test_it_refuses_a_checklist_upload_after_submission_and_points_to_the_request(page, citizen):
    application, request, _lead = submitted_with_request(citizen)

    get = page.get(url("evidence", application))
    post = page.post(url("evidence", application), {"file": pdf(), "checklist_key": "other"})

    assert 'enctype="multipart/form-data"' not in get.content.decode()
    assert url("request", application, request.public_id) in get.content.decode()
    assert post.status_code == 400
    assert "After submission, upload documents only in answer to a request" in post.content.decode()
    assert not Document.objects.exists()


# --- download and delete ----------------------------------------------------------------------
def test_it_serves_an_upload_only_as_an_attachment(page, draft):
    document = document_upload(application=draft, actor=draft.applicant, upload=pdf("Ausweis.pdf"))

    response = page.get(url("document", draft, document.public_id))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;") and "Ausweis.pdf" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_it_deletes_an_upload_before_submission(page, draft, _private_storage, django_capture_on_commit_callbacks):
    document = document_upload(application=draft, actor=draft.applicant, upload=pdf("Ausweis.pdf"))

    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(
            url("document-delete", draft, document.public_id), {"version": version(draft)}, follow=True
        )

    assert not Document.objects.exists()
    assert stored_files(_private_storage) == []
    assert response.redirect_chain[-1][0] == url("evidence", draft)
    assert "was deleted" in response.content.decode()


def test_it_only_deletes_on_a_post(page, draft):
    document = document_upload(application=draft, actor=draft.applicant, upload=pdf("Ausweis.pdf"))

    response = page.get(url("document-delete", draft, document.public_id))

    assert response.status_code == 302 and response["Location"] == url("evidence", draft)
    assert Document.objects.filter(pk=document.pk).exists()


def test_it_keeps_an_upload_when_the_delete_form_is_stale(page, draft):
    document = document_upload(application=draft, actor=draft.applicant, upload=pdf("Ausweis.pdf"))
    stale = version(draft)
    document_upload(application=draft, actor=draft.applicant, upload=pdf("second.pdf"))

    response = page.post(url("document-delete", draft, document.public_id), {"version": stale}, follow=True)

    assert Document.objects.filter(pk=document.pk).exists()
    assert "changed meanwhile" in response.content.decode()


def test_it_refuses_to_delete_after_submission(page, citizen):
    application, request, _lead = submitted_with_request(citizen)
    document = document_upload(application=application, actor=citizen, upload=pdf(), document_request=request)

    response = page.post(url("document-delete", application, document.public_id), follow=True)

    assert Document.objects.filter(pk=document.pk).exists()
    assert "can no longer be changed" in response.content.decode()
    assert response.redirect_chain[-1][0] == url("request", application, request.public_id)


# --- a document request -----------------------------------------------------------------------
def test_it_shows_the_request_with_deadline_and_the_warning_as_stored(page, citizen):
    application, request, _lead = submitted_with_request(citizen)
    request.refresh_from_db()

    response = page.get(url("request", application, request.public_id))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kontoauszüge der letzten drei Monate" in html
    assert (
        f'<div class="documents-legal" lang="de"><p class="kern-body">{linebreaksbr(request.consequences_text)}</p>'
        in html
    )
    assert 'lang="de"' in html
    assert request.deadline.strftime("%Y") in html and "Overdue" not in html
    assert 'capture="environment"' in html


def test_it_answers_a_request_by_uploading_to_it(page, citizen):
    application, request, _lead = submitted_with_request(citizen)

    response = page.post(
        url("request", application, request.public_id),
        {"file": pdf("Kontoauszug.pdf"), "version": version(application)},
    )

    assert response.status_code == 302 and response["Location"] == url("request", application, request.public_id)
    document = Document.objects.get()
    assert document.document_request == request and document.checklist_key == "other"
    assert "Kontoauszug.pdf" in page.get(response["Location"]).content.decode()


def test_it_says_a_request_is_overdue_in_words_and_still_takes_the_answer(page, citizen):
    application, request, _lead = submitted_with_request(citizen, deadline=berlin_today() + dt.timedelta(days=1))
    DocumentRequest.objects.filter(pk=request.pk).update(deadline=berlin_today() - dt.timedelta(days=2))

    html = page.get(url("request", application, request.public_id)).content.decode()
    response = page.post(url("request", application, request.public_id), {"file": pdf()})

    assert "Overdue: the deadline has passed" in html and "You can still send the documents" in html
    assert response.status_code == 302 and Document.objects.filter(document_request=request).exists()


def test_it_refuses_an_upload_to_a_closed_request_as_the_service_does(page, citizen):
    application, request, lead = submitted_with_request(citizen)
    document_request_reject(application=application, request=request, actor=lead, reason="Falsche Monate")

    html = page.get(url("request", application, request.public_id)).content.decode()
    response = page.post(url("request", application, request.public_id), {"file": pdf()})

    assert "did not accept" in html and "Falsche Monate" in html and 'enctype="multipart/form-data"' not in html
    assert response.status_code == 400
    assert "already dealt with" in response.content.decode()
    assert not Document.objects.exists()
    assert DocumentRequest.objects.get(pk=request.pk).status == DocumentRequestStatus.REJECTED


# --- who may see the pages --------------------------------------------------------------------
def test_it_sends_an_anonymous_visitor_to_the_login_and_back(client, draft):
    for name, args in (("evidence", ()), ("document", (draft.public_id,)), ("request", (draft.public_id,))):
        target = url(name, draft, *args)
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={target}"


def test_it_hides_another_citizens_application_and_files(client, draft):
    document = document_upload(application=draft, actor=draft.applicant, upload=pdf())
    login(client, UserFactory(citizen=True))

    assert client.get(url("evidence", draft)).status_code == 404
    assert client.get(url("document", draft, document.public_id)).status_code == 404
    assert client.post(url("document-delete", draft, document.public_id)).status_code == 404
    assert client.post(url("evidence", draft), {"file": pdf()}).status_code == 404
    assert Document.objects.count() == 1


def test_it_hides_a_request_of_another_application(page, citizen, draft):
    _application, request, _lead = submitted_with_request(UserFactory(citizen=True))

    assert page.get(url("request", draft, request.public_id)).status_code == 404


def test_it_refuses_staff_the_citizens_pages(client, draft):
    login(client, UserFactory(staff=True, jobcenter=draft.jobcenter))

    response = client.get(url("evidence", draft))

    assert response.status_code == 403
    assert "not available for your role" in response.content.decode()
