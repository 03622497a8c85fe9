"""Brute force beyond what tests/portal/test_rate_limits.py covers (wrong
passwords on the browser client, the login page and the admin login): the app
client, guessing the second factor, and the per-address ceiling on logins."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, UserFactory, with_totp
from tests.security.flows import APP, BROWSER, ME, error_codes, fresh_totp_code, pending_flows, post_json

pytestmark = pytest.mark.django_db
ALLOWED_FAILURES = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")[0])
LOGINS_PER_MINUTE = int(settings.ACCOUNT_RATE_LIMITS["login"].split("/")[0])


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def test_it_locks_the_app_login_after_repeated_wrong_passwords():
    citizen = UserFactory(citizen=True)
    for _ in range(ALLOWED_FAILURES):
        response = post_json(Client(), f"{APP}/auth/login", {"email": citizen.email, "password": "falsch-falsch-1"})
        assert error_codes(response) == ["email_password_mismatch"]

    response = post_json(Client(), f"{APP}/auth/login", {"email": citizen.email, "password": PASSWORD})
    assert response.status_code == 400
    assert error_codes(response) == ["too_many_login_attempts"]
    assert "session_token" not in response.json().get("meta", {})


@pytest.mark.parametrize("base", [BROWSER, APP])
def test_it_locks_the_second_factor_after_repeated_wrong_codes(base):
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    client = Client()
    response = post_json(client, f"{base}/auth/login", {"email": staff.email, "password": PASSWORD})
    assert pending_flows(response) == ["mfa_authenticate"]
    headers = {"X_Session_Token": response.json()["meta"]["session_token"]} if base == APP else {}

    for _ in range(ALLOWED_FAILURES):
        response = post_json(
            client, f"{base}/auth/2fa/authenticate", {"code": wrong(fresh_totp_code(secret))}, **headers
        )
        assert response.status_code == 400
        assert error_codes(response) == ["incorrect_code"]

    response = post_json(client, f"{base}/auth/2fa/authenticate", {"code": fresh_totp_code(secret)}, **headers)
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["too_many_login_attempts"]
    me = client.get(ME, headers={"X-Session-Token": headers["X_Session_Token"]} if headers else {})
    assert me.status_code == 401


def test_it_answers_429_when_one_address_logs_in_too_often():
    """Even correct logins: a script cycling through stolen credentials from one
    address is slowed down (``login`` limit per IP address)."""
    users = [UserFactory(citizen=True) for _ in range(LOGINS_PER_MINUTE + 1)]
    address = {"REMOTE_ADDR": "192.0.2.7"}
    for user in users[:LOGINS_PER_MINUTE]:
        response = post_json(Client(**address), f"{BROWSER}/auth/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 200, response.content

    client = Client(**address)
    response = post_json(client, f"{BROWSER}/auth/login", {"email": users[-1].email, "password": PASSWORD})
    assert response.status_code == 429, response.content
    assert client.get(ME).status_code == 401
    # Another address is not affected.
    other = post_json(
        Client(REMOTE_ADDR="192.0.2.8"), f"{BROWSER}/auth/login", {"email": users[-1].email, "password": PASSWORD}
    )
    assert other.status_code == 200
