"""The account page: the profile through the same service as ``PATCH /api/v1/me/``,
the links to allauth's pages and the data export (Art. 15 DSGVO)."""

import json
import re

import pytest
from django.test import Client

from portal.api.conditional import etag_for
from portal.audit import AuditAction
from portal.models import AuditEvent, User
from tests.factories import UserFactory, login

URL = "/account/"


@pytest.fixture
def citizen_client(jobcenter):
    citizen = UserFactory(citizen=True, first_name="Olena", last_name="Koval", preferred_language="de")
    client = Client()
    login(client, citizen)
    return citizen, client


def _post(client, user, **changes):
    """The form as the page renders it for ``user`` (values, the values shown, the version), with ``changes``."""
    shown = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
    }
    data = {**shown, **{f"initial-{k}": v for k, v in shown.items()}, "version": etag_for(user)}
    data["initial-email_calendar_attachment"] = str(user.email_calendar_attachment)
    if user.email_calendar_attachment:
        data["email_calendar_attachment"] = "on"
    data.update(changes)
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_it_shows_the_profile_with_its_version(citizen_client):
    citizen, client = citizen_client
    body = client.get(URL).content.decode()
    assert body.count("<h1") == 1
    assert 'value="Olena"' in body and 'value="Koval"' in body
    assert f'name="version" value="{etag_for(citizen)}"' in body.replace("&quot;", '"')
    for href in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/applications/",
        "/account/data-export/",
    ):
        assert f'href="{href}"' in body


def test_it_saves_the_profile_through_the_service(citizen_client):
    citizen, client = citizen_client
    response = _post(client, citizen, first_name="Olha", preferred_language="uk", email_calendar_attachment="on")
    assert response.status_code == 302 and response["Location"] == URL
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.preferred_language, citizen.email_calendar_attachment) == ("Olha", "uk", True)
    assert citizen.version == 2
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATE, object_id=str(citizen.public_id))
    assert sorted(event.data["fields"]) == ["email_calendar_attachment", "first_name", "preferred_language"]
    # The page now speaks the chosen language and confirms the save.
    page = client.get(URL).content.decode()
    assert '<html lang="uk">' in page and "Зміни збережено" in page


def test_it_switches_the_calendar_file_off_when_the_box_is_cleared(citizen_client):
    citizen, client = citizen_client
    citizen.email_calendar_attachment = True
    citizen.save()
    _post(client, citizen, email_calendar_attachment=None)
    citizen.refresh_from_db()
    assert citizen.email_calendar_attachment is False


def test_it_shows_an_invalid_entry_at_the_field_and_in_the_summary(citizen_client):
    citizen, client = citizen_client
    response = _post(client, citizen, first_name="x" * 151, preferred_language="fr")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="error-summary"' in body
    assert 'href="#id_preferred_language"' in body and 'href="#id_first_name"' in body
    assert 'id="id_preferred_language-error"' in body and 'aria-invalid="true"' in body
    citizen.refresh_from_db()
    assert citizen.first_name == "Olena" and citizen.version == 1


def test_it_refuses_a_stale_form_and_keeps_the_other_change(citizen_client):
    citizen, client = citizen_client
    rendered = User.objects.get(pk=citizen.pk)
    # Another device saves first (through the API's service).
    client.patch("/api/v1/me/", {"last_name": "Kovalenko"}, content_type="application/json")
    response = _post(client, rendered, first_name="Olha")
    assert response.status_code == 400
    body = response.content.decode()
    assert "inzwischen geändert" in body and 'id="error-summary"' in body
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name, citizen.version) == ("Olena", "Kovalenko", 2)
    # What was typed stays; the field not touched shows the other device's value; the current version.
    assert 'name="first_name" value="Olha"' in body
    assert 'name="last_name" value="Kovalenko"' in body
    assert f'name="version" value="{etag_for(citizen)}"' in body.replace("&quot;", '"')
    # Saving that form again keeps both changes.
    assert _post(client, citizen, first_name="Olha").status_code == 302
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name) == ("Olha", "Kovalenko")


def test_it_sends_anonymous_visitors_to_the_login(jobcenter):
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/account/"


def test_it_refuses_staff_without_a_second_factor(jobcenter):
    staff = UserFactory(staff=True, first_name="Eva")
    client = Client()
    login(client, staff, mfa=False)
    response = client.get(URL)
    assert response.status_code == 403 and "Eva" not in response.content.decode()


def test_it_lets_staff_edit_their_profile_but_offers_no_data_export(jobcenter):
    staff = UserFactory(staff=True)
    client = Client()
    login(client, staff)
    body = client.get(URL).content.decode()
    assert "/account/data-export/" not in body and "/applications/" not in body
    assert client.get("/account/data-export/").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORT).exists()


def test_it_downloads_the_same_export_as_the_api_and_audits_it(citizen_client):
    citizen, client = citizen_client
    response = client.get("/account/data-export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    page_export = json.loads(response.content)
    api_export = client.get("/api/v1/me/data-export/").json()
    assert page_export == api_export
    assert page_export["account"]["first_name"] == "Olena"
    assert (
        AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORT, object_id=str(citizen.public_id)).count()
        == 2
    )


def test_it_sends_an_anonymous_download_to_the_login(jobcenter):
    response = Client().get("/account/data-export/")
    assert response["Location"] == "/accounts/login/?next=/account/data-export/"
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORT).exists()


def test_it_keeps_the_account_and_error_pages_free_of_inline_script_and_style(citizen_client):
    _citizen, client = citizen_client
    for path in (URL, "/no-such-page/"):
        body = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), path
        assert "<style" not in body and " style=" not in body, path
