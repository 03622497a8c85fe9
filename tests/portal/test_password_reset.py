"""A citizen who forgot the password gets a code by e-mail and sets a new one."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.portal.test_signup import CODE_PATTERN, code_from_outbox

pytestmark = pytest.mark.django_db
APP = "/_allauth/app/v1"
NEW_PASSWORD = "Neues-Passwort-Pfalz-9"


def post(url: str, data: dict, **headers):
    return Client().post(url, data, "application/json", headers=headers)


def test_it_resets_the_password_with_the_code_from_the_email():
    citizen = UserFactory(citizen=True)
    response = post(f"{APP}/auth/password/request", {"email": citizen.email})
    assert response.status_code == 401, response.content  # a pending "password_reset_by_code" flow
    token = response.json()["meta"]["session_token"]
    code = code_from_outbox(citizen.email)
    assert PASSWORD not in mail.outbox[-1].body

    response = post(f"{APP}/auth/password/reset", {"key": code, "password": NEW_PASSWORD}, X_Session_Token=token)
    assert response.status_code == 401, response.content  # reset, but not logged in by it
    assert response.json()["meta"]["is_authenticated"] is False

    assert post(f"{APP}/auth/login", {"email": citizen.email, "password": PASSWORD}).status_code == 400
    assert post(f"{APP}/auth/login", {"email": citizen.email, "password": NEW_PASSWORD}).status_code == 200


def test_it_does_not_tell_whether_an_address_has_an_account():
    response = post(f"{APP}/auth/password/request", {"email": "nobody@example.org"})
    known = post(f"{APP}/auth/password/request", {"email": UserFactory(citizen=True).email})
    assert response.status_code == known.status_code == 401
    assert response.json()["data"] == known.json()["data"]
    # The stranger's address gets a note that it has no account, not a code.
    [note] = [m for m in mail.outbox if m.to == ["nobody@example.org"]]
    assert not re.search(CODE_PATTERN, note.body, re.MULTILINE)
