"""``/api/v1/me/``: the logged-in user reads and changes their profile, with
``ETag`` / ``If-Match`` so that two devices cannot overwrite each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal.models import AuditEvent, User
from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db


def test_it_shows_the_user_with_an_etag_and_no_store(citizen_api, citizen):
    response = citizen_api.get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(citizen.public_id)
    assert body["email"] == citizen.email
    assert body["roles"] == ["citizen"]
    assert body["jobcenter"] is None
    assert body["version"] == 1
    assert response["ETag"] == f'"{citizen.public_id}-1"'
    assert "no-store" in response["Cache-Control"]


def test_it_shows_jobcenter_and_teams_of_staff(api_for):
    staff = UserFactory(staff=True)
    body = api_for(staff).get("/api/v1/me/").json()
    assert body["jobcenter"] == {"id": str(staff.jobcenter.public_id), "name": staff.jobcenter.name}
    assert body["roles"] == ["staff"]


def test_it_changes_names_and_language_with_a_matching_if_match(citizen_api, citizen):
    etag = citizen_api.get("/api/v1/me/")["ETag"]
    response = citizen_api.patch(
        "/api/v1/me/",
        {"first_name": "Olena", "last_name": "Kovalenko", "preferred_language": "uk"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["preferred_language"] == "uk"
    assert response.json()["version"] == 2
    assert response["ETag"] == f'"{citizen.public_id}-2"'
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name, citizen.preferred_language, citizen.version) == (
        "Olena",
        "Kovalenko",
        "uk",
        2,
    )


def test_it_turns_the_calendar_file_in_e_mails_on_and_records_only_the_field_name(citizen_api, citizen):
    assert citizen_api.get("/api/v1/me/").json()["email_calendar_attachment"] is False  # off by default
    response = citizen_api.patch("/api/v1/me/", {"email_calendar_attachment": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["email_calendar_attachment"] is True
    citizen.refresh_from_db()
    assert citizen.email_calendar_attachment is True and citizen.version == 2
    event = AuditEvent.objects.get(action="user.update", object_id=str(citizen.public_id))
    assert event.data == {"fields": ["email_calendar_attachment"]}

    response = citizen_api.patch("/api/v1/me/", {"email_calendar_attachment": "vielleicht"}, format="json")
    assert response.status_code == 400
    assert "email_calendar_attachment" in response.json()["errors"]


def test_it_refuses_a_stale_if_match_and_keeps_the_newer_change(citizen_api, citizen):
    old_etag = citizen_api.get("/api/v1/me/")["ETag"]
    phone = citizen_api.patch("/api/v1/me/", {"first_name": "From-Phone"}, format="json", HTTP_IF_MATCH=old_etag)
    assert phone.status_code == 200

    laptop = citizen_api.patch("/api/v1/me/", {"first_name": "From-Laptop"}, format="json", HTTP_IF_MATCH=old_etag)
    assert laptop.status_code == 412
    assert laptop.json()["code"] == "precondition_failed"
    citizen.refresh_from_db()
    assert citizen.first_name == "From-Phone"
    assert citizen.version == 2


def test_it_accepts_the_weak_form_a_compressing_proxy_makes(citizen_api):
    etag = citizen_api.get("/api/v1/me/")["ETag"]
    response = citizen_api.patch("/api/v1/me/", {"first_name": "Weak"}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    assert response.status_code == 200


def test_it_accepts_a_patch_without_if_match(citizen_api, citizen):
    response = citizen_api.patch("/api/v1/me/", {"last_name": "Ohne"}, format="json")
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.last_name == "Ohne"


def test_it_does_not_change_email_or_roles_through_the_profile(citizen_api, citizen):
    response = citizen_api.patch(
        "/api/v1/me/", {"email": "evil@example.org", "roles": ["admin"], "version": 99}, format="json"
    )
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.email != "evil@example.org"
    assert citizen.roles == {"citizen"}
    assert citizen.version == 1


def test_it_writes_an_audit_event_naming_fields_not_values(citizen_api, citizen):
    citizen_api.patch("/api/v1/me/", {"first_name": "Geheim", "preferred_language": "en"}, format="json")
    event = AuditEvent.objects.get(action="user.update")
    assert event.actor_id == citizen.pk
    assert event.actor_role == "citizen"
    assert (event.object_type, event.object_id) == ("portal.user", str(citizen.public_id))
    assert event.data == {"fields": ["first_name", "preferred_language"]}
    assert "Geheim" not in str(event.data)
    assert len(event.request_id) >= 8


def test_it_does_nothing_when_nothing_changes(citizen_api, citizen):
    response = citizen_api.patch("/api/v1/me/", {"first_name": citizen.first_name}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert not AuditEvent.objects.filter(action="user.update").exists()


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_patches_with_the_same_if_match_win():
    citizen = UserFactory(citizen=True)
    etag = f'"{citizen.public_id}-1"'
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def save_from_device(name: str) -> None:
        try:
            client = APIClient()
            login(client, citizen)
            barrier.wait()
            response = client.patch("/api/v1/me/", {"first_name": name}, format="json", HTTP_IF_MATCH=etag)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save_from_device, args=(name,)) for name in ("Phone", "Laptop")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 412]
    citizen.refresh_from_db()
    assert citizen.version == 2
    assert AuditEvent.objects.filter(action="user.update").count() == 1
    assert citizen.first_name in {"Phone", "Laptop"}
    assert User.objects.count() == 1
