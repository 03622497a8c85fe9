"""The session id changes at login (no session fixation): a session id known
before the login, or from half-way through it, is worth nothing afterwards."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.factories import PASSWORD, UserFactory, with_totp
from tests.security.flows import APP, BROWSER, ME, cookie_client, fresh_totp_code, me_with_token, post_json

pytestmark = pytest.mark.django_db


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def planted_session() -> str:
    """A session id an attacker made and slipped to the victim's browser."""
    session = SessionStore()
    session["planted"] = True
    session.create()
    return session.session_key


def test_it_rotates_a_planted_session_id_at_a_citizen_login():
    citizen = UserFactory(citizen=True)
    planted = planted_session()
    browser = cookie_client(planted)

    response = post_json(browser, f"{BROWSER}/auth/login", {"email": citizen.email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    assert session_cookie(browser) != planted
    assert browser.get(ME).status_code == 200
    assert not SessionStore().exists(planted)
    assert cookie_client(planted).get(ME).status_code == 401


def test_it_rotates_the_session_id_again_when_the_second_factor_completes_the_login():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    planted = planted_session()
    browser = cookie_client(planted)

    post_json(browser, f"{BROWSER}/auth/login", {"email": staff.email, "password": PASSWORD})
    half_way = session_cookie(browser)
    assert half_way != planted
    response = post_json(browser, f"{BROWSER}/auth/2fa/authenticate", {"code": fresh_totp_code(secret)})
    assert response.status_code == 200, response.content

    logged_in = session_cookie(browser)
    assert logged_in not in (planted, half_way)
    assert browser.get(ME).status_code == 200
    for old in (planted, half_way):
        assert not SessionStore().exists(old)
        assert cookie_client(old).get(ME).status_code == 401


def test_it_gives_the_app_a_new_token_when_the_login_completes():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    response = post_json(Client(), f"{APP}/auth/login", {"email": staff.email, "password": PASSWORD})
    pending = response.json()["meta"]["session_token"]

    response = post_json(
        Client(), f"{APP}/auth/2fa/authenticate", {"code": fresh_totp_code(secret)}, X_Session_Token=pending
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    assert token != pending
    assert me_with_token(token).status_code == 200
    assert me_with_token(pending).status_code == 401
    assert Client().get(f"{APP}/auth/session", headers={"X-Session-Token": pending}).status_code == 410
