"""Art. 15 DSGVO copy and deleting a draft that was never lodged."""

from applications.models import Application, Document, HouseholdMember
from portal.models import AuditEvent
from tests.applications.conftest import PDF_BYTES, api_url, stored_files, upload
from tests.applications.factories import ApplicationFactory, MessageFactory
from tests.factories import UserFactory


def test_it_exports_everything_stored_about_the_citizen(citizen_api, citizen, jobcenter):
    old = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, withdrawn=True)
    current = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)
    MessageFactory(application=current, body="Bitte Mietvertrag senden.")
    ApplicationFactory(applicant=UserFactory(citizen=True), jobcenter=jobcenter, submitted=True)

    response = citizen_api.get("/api/v1/me/data-export/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    body = response.json()
    assert body["account"]["email"] == citizen.email
    exported = {a["id"]: a for a in body["applications"]}
    assert set(exported) == {str(old.public_id), str(current.public_id)}
    item = exported[str(current.public_id)]
    assert item["personal"]["birth_place"] == "Kyiv"
    assert item["bank_account"]["iban"] == "DE89370400440532013000"
    assert item["messages"][0]["body"] == "Bitte Mietvertrag senden."
    assert item["snapshot_sha256"] == current.snapshot_sha256
    assert AuditEvent.objects.filter(action="personal_data.export", object_id=str(citizen.public_id)).exists()


def test_it_deletes_a_draft_that_was_never_lodged(
    citizen_api, draft, _private_storage, django_capture_on_commit_callbacks
):
    citizen_api.post(api_url("documents", draft["id"]), {"file": upload("a.pdf", PDF_BYTES)}, format="multipart")
    assert len(stored_files(_private_storage)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_api.delete(api_url("application-detail", draft["id"]))

    assert response.status_code == 204
    assert not Application.objects.exists() and not HouseholdMember.objects.exists()
    assert not Document.objects.exists() and stored_files(_private_storage) == []
    assert AuditEvent.objects.filter(action="application.delete", object_id=draft["id"]).exists()


def test_it_never_deletes_a_lodged_application(citizen_api, draft):
    citizen_api.post(api_url("lodge", draft["id"]))

    response = citizen_api.delete(api_url("application-detail", draft["id"]))

    assert response.status_code == 409
    assert response.json()["code"] == "application_lodged"
    assert Application.objects.filter(public_id=draft["id"]).exists()
