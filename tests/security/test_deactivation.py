"""An admin deactivates a staff account: every live session of it (browser
cookie, app token) stops working at its next request, and stays dead even
if the account is activated again (it must log in anew, with the second factor)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from portal.models import User
from tests.factories import PASSWORD, UserFactory, with_totp
from tests.security.flows import APP, ME, app_login, browser_login, me_with_token, recovery_codes

pytestmark = pytest.mark.django_db


def test_it_ends_the_live_sessions_of_a_deactivated_staff_account():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    browser = browser_login(staff, secret)
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    token = app_login(staff, secret, code=recovery_codes(staff)[0])
    assert browser.get(ME).status_code == 200
    assert me_with_token(token).status_code == 200

    User.objects.filter(pk=staff.pk).update(is_active=False)

    response = browser.get(ME)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"
    assert me_with_token(token).status_code == 401
    # allauth's own endpoints do not accept the token either.
    assert Client().get(f"{APP}/auth/session", headers={"X-Session-Token": token}).status_code in (401, 410)

    # The sessions are gone on the server, so re-activation does not revive them.
    assert not SessionStore().exists(cookie)
    assert not SessionStore().exists(token)
    User.objects.filter(pk=staff.pk).update(is_active=True)
    assert browser.get(ME).status_code == 401
    assert me_with_token(token).status_code == 401


def test_it_does_not_let_a_deactivated_account_log_in():
    staff = UserFactory(staff=True, is_active=False)
    with_totp(staff)
    response = Client().post(f"{APP}/auth/login", {"email": staff.email, "password": PASSWORD}, "application/json")
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["meta"] == {"is_authenticated": False}  # no session token handed out
    assert not [flow for flow in body["data"]["flows"] if flow.get("is_pending")]  # not even half-way
