"""Evidence: checklist, uploads decided by content, size limit, private download."""

import hashlib

from applications.models import Document
from portal.models import AuditEvent
from tests.applications.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, api_url, stored_files, upload


def post_file(client, app_id, name, content, **fields):
    return client.post(api_url("documents", app_id), {"file": upload(name, content), **fields}, format="multipart")


def test_it_stores_an_upload_privately_under_a_random_name(citizen_api, draft, _private_storage):
    response = post_file(citizen_api, draft["id"], "../../Mietvertrag; rm -rf.PDF", PDF_BYTES)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Mietvertrag_ rm -rf.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF_BYTES)
    assert body["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert body["checklist_key"] == "other"
    files = stored_files(_private_storage)
    assert len(files) == 1
    assert "Mietvertrag" not in files[0].name and files[0].read_bytes() == PDF_BYTES
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert AuditEvent.objects.filter(action="application.document.upload", object_id=draft["id"]).exists()


def test_it_decides_the_type_by_content_not_by_name(citizen_api, draft, _private_storage):
    png_named_pdf = post_file(citizen_api, draft["id"], "scan.pdf", PNG_BYTES)

    assert png_named_pdf.status_code == 201
    assert png_named_pdf.json()["content_type"] == "image/png"
    assert png_named_pdf.json()["name"] == "scan.png"


def test_it_refuses_a_renamed_executable(citizen_api, draft, _private_storage):
    response = citizen_api.post(
        api_url("documents", draft["id"]),
        {"file": upload("Kontoauszug.pdf", EXE_BYTES)},
        format="multipart",
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file_type"
    assert list(response.json()["errors"]) == ["file"]
    assert stored_files(_private_storage) == []
    assert not Document.objects.exists()


def test_it_refuses_an_oversized_upload_without_leaving_a_file_behind(citizen_api, draft, _private_storage, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024
    big_pdf = PDF_BYTES + b"%" * 4096

    response = post_file(citizen_api, draft["id"], "big.pdf", big_pdf)

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large" and body["max_bytes"] == 1024
    assert list(body["errors"]) == ["file"]
    assert stored_files(_private_storage) == []
    assert not Document.objects.exists()


def test_it_refuses_a_body_far_over_the_limit_before_reading_it(citizen_api, draft, _private_storage, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024
    response = post_file(citizen_api, draft["id"], "huge.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert stored_files(_private_storage) == []


def test_it_serves_the_file_only_as_an_attachment(citizen_api, draft):
    document = post_file(citizen_api, draft["id"], "Ausweis.pdf", PDF_BYTES).json()

    response = citizen_api.get(document["download_url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Ausweis.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_it_attaches_uploads_to_the_checklist(citizen_api, draft):
    citizen_api.patch(api_url("housing", draft["id"]), {"housing_type": "rent"}, format="json")
    before = citizen_api.get(api_url("checklist", draft["id"])).json()
    keys = {item["key"]: item for item in before["items"]}
    assert {"rental_contract", "rent_statement"} <= set(keys)
    assert keys["rental_contract"]["done"] is False

    uploaded = post_file(citizen_api, draft["id"], "Mietvertrag.pdf", PDF_BYTES, checklist_key="rental_contract")
    unknown = post_file(citizen_api, draft["id"], "x.pdf", PDF_BYTES, checklist_key="payslips:nobody")

    assert uploaded.status_code == 201
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["checklist_key"]
    after = {item["key"]: item for item in citizen_api.get(api_url("checklist", draft["id"])).json()["items"]}
    assert after["rental_contract"]["done"] is True
    assert after["rental_contract"]["documents"][0]["id"] == uploaded.json()["id"]
    assert citizen_api.get(api_url("checklist", draft["id"])).json()["open"] == before["open"] - 1


def test_it_asks_for_an_identity_document_of_each_adult(citizen_api, draft):
    citizen_api.patch(
        api_url("personal", draft["id"]), {"birth_date": "1980-01-01", "nationality": "UA"}, format="json"
    )
    child = citizen_api.post(
        api_url("household", draft["id"]), {"relationship": "child", "birth_date": "2015-01-01"}, format="json"
    ).json()
    applicant = citizen_api.get(api_url("household", draft["id"])).json()["members"][0]["id"]

    keys = {item["key"] for item in citizen_api.get(api_url("checklist", draft["id"])).json()["items"]}

    assert f"identity:{applicant}" in keys and f"residence_permit:{applicant}" in keys
    assert f"identity:{child['id']}" not in keys


def test_it_deletes_a_document_before_submission(
    citizen_api, draft, _private_storage, django_capture_on_commit_callbacks
):
    document = post_file(citizen_api, draft["id"], "x.pdf", PDF_BYTES).json()

    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_api.delete(api_url("document", draft["id"], document_id=document["id"]))

    assert response.status_code == 204
    assert not Document.objects.exists()
    assert stored_files(_private_storage) == []
    assert citizen_api.get(document["download_url"]).status_code == 404
