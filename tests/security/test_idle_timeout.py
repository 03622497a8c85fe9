"""Staff idle timeout beyond tests/portal/test_staff_idle_timeout.py (which
covers ``/api/v1/`` for cookie and token): allauth's own endpoints and the
admin site honour it too, and an idle session is deleted, not only refused."""

from __future__ import annotations

import time

import pytest
from allauth.headless.internal.sessionkit import session_store
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from portal.sessions import LAST_ACTIVITY_KEY
from tests.factories import PASSWORD, UserFactory, totp_code, with_totp
from tests.security.flows import APP, BROWSER, ME, app_login, browser_login, me_with_token

pytestmark = pytest.mark.django_db


def make_idle(session) -> None:
    session[LAST_ACTIVITY_KEY] = int(time.time() - settings.STAFF_IDLE_TIMEOUT - 5)
    session.save()


def test_it_ends_an_idle_app_token_on_allauths_endpoints_too():
    """Else an idle token could still change the password or the authenticators."""
    staff = UserFactory(staff=True)
    token = app_login(staff, with_totp(staff))
    headers = {"X-Session-Token": token}
    assert Client().get(f"{APP}/auth/session", headers=headers).status_code == 200
    make_idle(session_store(token))

    response = Client().get(f"{APP}/auth/session", headers=headers)
    assert response.status_code == 410, response.content
    response = Client().get(f"{APP}/account/authenticators", headers=headers)
    assert response.status_code in (401, 410), response.content
    assert not SessionStore().exists(token)
    assert me_with_token(token).status_code == 401


def test_it_ends_an_idle_browser_session_on_allauths_endpoints_and_deletes_it():
    staff = UserFactory(staff=True)
    browser = browser_login(staff, with_totp(staff))
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    make_idle(SessionStore(cookie))

    response = browser.get(f"{BROWSER}/auth/session")
    assert response.status_code == 401, response.content
    assert response.json()["meta"]["is_authenticated"] is False
    assert not SessionStore().exists(cookie)
    assert browser.get(ME).status_code == 401


def test_it_ends_an_idle_admin_session():
    admin = UserFactory(admin=True)
    secret = with_totp(admin)
    browser = Client()
    browser.post("/accounts/login/?next=/admin/", {"login": admin.email, "password": PASSWORD})
    browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert browser.get("/admin/").status_code == 200
    make_idle(browser.session)

    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in browser.session


def test_it_does_not_end_an_active_app_token():
    counsellor = UserFactory(counsellor=True)
    token = app_login(counsellor, with_totp(counsellor))
    session = session_store(token)
    session[LAST_ACTIVITY_KEY] = int(time.time() - settings.STAFF_IDLE_TIMEOUT + 60)
    session.save()
    assert Client().get(f"{APP}/auth/session", headers={"X-Session-Token": token}).status_code == 200
    assert me_with_token(token).status_code == 200
