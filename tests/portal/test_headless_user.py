"""The user in allauth's headless responses is named by its public UUID, never by
the integer primary key (which would tell how many accounts exist and invite guessing)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
APP = "/_allauth/app/v1"
BROWSER = "/_allauth/browser/v1"


def assert_public_user(data: dict, user) -> None:
    assert data["user"]["id"] == str(user.public_id), data["user"]
    assert data["user"]["email"] == user.email
    assert set(data["user"]) == {"id", "display", "email", "has_usable_password"}, "no other id field"


def test_it_names_the_user_by_public_id_in_the_app_login_response():
    citizen = UserFactory(citizen=True)
    client = Client()

    response = client.post(f"{APP}/auth/login", {"email": citizen.email, "password": PASSWORD}, "application/json")

    assert response.status_code == 200, response.content
    assert_public_user(response.json()["data"], citizen)
    token = response.json()["meta"]["session_token"]
    session = client.get(f"{APP}/auth/session", headers={"X-Session-Token": token})
    assert session.status_code == 200, session.content
    assert_public_user(session.json()["data"], citizen)


def test_it_names_the_user_by_public_id_in_the_browser_session():
    citizen = UserFactory(citizen=True)
    browser = Client()
    login = browser.post(f"{BROWSER}/auth/login", {"email": citizen.email, "password": PASSWORD}, "application/json")
    assert login.status_code == 200, login.content

    response = browser.get(f"{BROWSER}/auth/session")

    assert response.status_code == 200, response.content
    assert_public_user(response.json()["data"], citizen)


def test_it_describes_the_id_as_a_uuid_string_in_allauths_openapi_document():
    response = Client().get("/_allauth/openapi.json")

    assert response.status_code == 200, response.content[:300]
    user = response.json()["components"]["schemas"]["User"]["properties"]["id"]
    assert "integer" not in json.dumps(user), user
    assert user["type"] == "string" or any(t.get("type") == "string" for t in user.get("anyOf", [])), user
