"""After logout the old session cookie and the old ``X-Session-Token`` are dead:
the session is deleted on the server, not only forgotten by the client."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.factories import UserFactory, with_totp
from tests.security.flows import APP, BROWSER, ME, app_login, browser_login, cookie_client, me_with_token

pytestmark = pytest.mark.django_db


def assert_dead_cookie(session_key: str) -> None:
    assert not SessionStore().exists(session_key)
    response = cookie_client(session_key).get(ME)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["citizen", "staff"])
def test_it_kills_the_cookie_at_a_headless_browser_logout(role):
    user = UserFactory(**{role: True})
    secret = with_totp(user) if role == "staff" else None
    browser = browser_login(user, secret)
    old = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert cookie_client(old).get(ME).status_code == 200

    response = browser.delete(f"{BROWSER}/auth/session")
    assert response.status_code == 401  # allauth: "now anonymous"
    assert response.json()["meta"]["is_authenticated"] is False
    assert_dead_cookie(old)


def test_it_kills_the_cookie_at_a_logout_on_the_page():
    staff = UserFactory(staff=True)
    browser = browser_login(staff, with_totp(staff))
    old = browser.cookies[settings.SESSION_COOKIE_NAME].value

    response = browser.post("/accounts/logout/")
    assert response.status_code == 302
    assert_dead_cookie(old)


@pytest.mark.parametrize("role", ["citizen", "counsellor"])
def test_it_kills_the_token_at_an_app_logout(role):
    user = UserFactory(**{role: True})
    secret = with_totp(user) if role == "counsellor" else None
    token = app_login(user, secret)
    assert me_with_token(token).status_code == 200

    response = Client().delete(f"{APP}/auth/session", headers={"X-Session-Token": token})
    assert response.status_code == 401
    assert me_with_token(token).status_code == 401
    assert me_with_token(token).json()["code"] == "not_authenticated"
    assert Client().get(f"{APP}/auth/session", headers={"X-Session-Token": token}).status_code == 410
    assert not SessionStore().exists(token)
