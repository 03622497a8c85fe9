"""Counsellors, staff and admins are logged out after ``STAFF_IDLE_TIMEOUT``
of inactivity: in the browser and in the app (``X-Session-Token``)."""

from __future__ import annotations

import time

import pytest
from allauth.headless.internal.sessionkit import session_store
from django.conf import settings
from django.test import Client

from portal.sessions import LAST_ACTIVITY_KEY
from tests.factories import PASSWORD, UserFactory, login, totp_code, with_totp

pytestmark = pytest.mark.django_db


def idle_since(seconds: float) -> int:
    return int(time.time() - seconds)


def test_it_logs_staff_out_of_the_browser_after_the_idle_timeout():
    staff = UserFactory(staff=True)
    browser = Client()
    login(browser, staff)
    assert browser.get("/api/v1/me/").status_code == 200

    session = browser.session
    session[LAST_ACTIVITY_KEY] = idle_since(settings.STAFF_IDLE_TIMEOUT + 5)
    session.save()
    response = browser.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "_auth_user_id" not in browser.session  # logged out for good


def test_it_keeps_an_active_staff_session_and_records_the_activity():
    staff = UserFactory(staff=True)
    browser = Client()
    login(browser, staff)
    session = browser.session
    session[LAST_ACTIVITY_KEY] = idle_since(settings.STAFF_IDLE_TIMEOUT - 60)
    session.save()

    assert browser.get("/api/v1/me/").status_code == 200
    assert browser.session[LAST_ACTIVITY_KEY] >= idle_since(5)


def test_it_does_not_time_out_citizens():
    citizen = UserFactory(citizen=True)
    browser = Client()
    login(browser, citizen)
    session = browser.session
    session[LAST_ACTIVITY_KEY] = idle_since(settings.STAFF_IDLE_TIMEOUT * 2)
    session.save()
    assert browser.get("/api/v1/me/").status_code == 200


def test_it_logs_staff_out_of_the_app_after_the_idle_timeout():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    app = "/_allauth/app/v1"
    response = Client().post(f"{app}/auth/login", {"email": staff.email, "password": PASSWORD}, "application/json")
    token = response.json()["meta"]["session_token"]
    response = Client().post(
        f"{app}/auth/2fa/authenticate",
        {"code": totp_code(secret)},
        "application/json",
        headers={"X-Session-Token": token},
    )
    token = response.json()["meta"]["session_token"]
    assert Client().get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 200

    session = session_store(token)
    assert session[LAST_ACTIVITY_KEY] >= idle_since(5)  # the API call was recorded
    session[LAST_ACTIVITY_KEY] = idle_since(settings.STAFF_IDLE_TIMEOUT + 5)
    session.save()

    response = Client().get("/api/v1/me/", headers={"X-Session-Token": token})
    assert response.status_code == 401
    assert Client().get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 401
