"""A citizen signs up, verifies the e-mail address with the code from the
e-mail, and logs in: through allauth's headless API, as a browser (session
cookie) and as an app (``X-Session-Token``)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from portal.constants import Role
from portal.models import User

PASSWORD = "Kaffeetasse-Rhein-77"
CODE_PATTERN = r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4}|[A-Z0-9]{6})\s*$"  # how allauth writes a code
pytestmark = pytest.mark.django_db


def code_from_outbox(email: str) -> str:
    """The verification code in the last e-mail sent to ``email``."""
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, f"no e-mail to {email}"
    match = re.search(CODE_PATTERN, messages[-1].body, re.MULTILINE)
    assert match, messages[-1].body
    return match.group(1)


def pending_flows(body: dict) -> list[str]:
    return [flow["id"] for flow in body["data"]["flows"] if flow.get("is_pending")]


def test_it_signs_up_verifies_and_logs_in_a_citizen_in_the_browser():
    browser = Client(enforce_csrf_checks=False)
    base = "/_allauth/browser/v1"

    response = browser.post(
        f"{base}/auth/signup", {"email": "olena@example.org", "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 401, response.content
    assert pending_flows(response.json()) == ["verify_email"]
    # Not logged in yet: the API refuses until the address is verified.
    assert browser.get("/api/v1/me/").status_code == 401

    response = browser.post(
        f"{base}/auth/email/verify", {"key": code_from_outbox("olena@example.org")}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["is_authenticated"] is True

    user = User.objects.get(email="olena@example.org")
    assert user.roles == {Role.CITIZEN}
    assert EmailAddress.objects.get(user=user).verified
    me = browser.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["roles"] == ["citizen"]
    assert me.json()["email"] == "olena@example.org"

    assert browser.delete(f"{base}/auth/session").status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401
    response = browser.post(
        f"{base}/auth/login", {"email": "olena@example.org", "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert browser.get("/api/v1/me/").json()["id"] == str(user.public_id)


def test_it_signs_up_verifies_and_logs_in_a_citizen_in_the_app():
    app = Client()
    base = "/_allauth/app/v1"

    response = app.post(f"{base}/auth/signup", {"email": "taras@example.org", "password": PASSWORD}, "application/json")
    assert response.status_code == 401, response.content
    assert pending_flows(response.json()) == ["verify_email"]
    token = response.json()["meta"]["session_token"]

    response = app.post(
        f"{base}/auth/email/verify",
        {"key": code_from_outbox("taras@example.org")},
        "application/json",
        headers={"X-Session-Token": token},
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    # The app has no cookies: the token alone identifies it to the portal's API.
    assert not app.cookies.get("sessionid")
    me = Client().get("/api/v1/me/", headers={"X-Session-Token": token})
    assert me.status_code == 200, me.content
    assert me.json()["email"] == "taras@example.org"
    assert me.json()["roles"] == ["citizen"]

    response = Client().post(
        f"{base}/auth/login", {"email": "taras@example.org", "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 200, response.content
    second_token = response.json()["meta"]["session_token"]
    assert second_token != token
    assert Client().get("/api/v1/me/", headers={"X-Session-Token": second_token}).status_code == 200


def test_it_refuses_login_before_the_address_is_verified():
    browser = Client()
    base = "/_allauth/browser/v1"
    browser.post(f"{base}/auth/signup", {"email": "ahmad@example.org", "password": PASSWORD}, "application/json")
    cache.clear()  # a few minutes later: allauth sends at most one code per 3 minutes
    mail.outbox.clear()

    other_device = Client()
    response = other_device.post(
        f"{base}/auth/login", {"email": "ahmad@example.org", "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 401, response.content
    assert pending_flows(response.json()) == ["verify_email"]
    assert other_device.get("/api/v1/me/").status_code == 401
    assert not EmailAddress.objects.get(email="ahmad@example.org").verified
    # A fresh code is sent, and it completes the login.
    response = other_device.post(
        f"{base}/auth/email/verify", {"key": code_from_outbox("ahmad@example.org")}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert other_device.get("/api/v1/me/").status_code == 200


def test_it_refuses_a_wrong_verification_code():
    browser = Client()
    base = "/_allauth/browser/v1"
    browser.post(f"{base}/auth/signup", {"email": "mila@example.org", "password": PASSWORD}, "application/json")
    real = code_from_outbox("mila@example.org")
    wrong = "AAAAAA" if real != "AAAAAA" else "BBBBBB"

    response = browser.post(f"{base}/auth/email/verify", {"key": wrong}, "application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "key"
    assert not EmailAddress.objects.get(email="mila@example.org").verified


def test_it_refuses_a_weak_password_at_signup():
    response = Client().post(
        "/_allauth/browser/v1/auth/signup", {"email": "weak@example.org", "password": "12345678"}, "application/json"
    )
    assert response.status_code == 400
    assert {error["param"] for error in response.json()["errors"]} == {"password"}
    assert not User.objects.filter(email="weak@example.org").exists()


def test_it_refuses_the_browser_api_without_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/_allauth/browser/v1/auth/signup", {"email": "csrf@example.org", "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="csrf@example.org").exists()
