"""Resetting the password by the code from the e-mail proves control of the
mailbox, not of the authenticator: a staff member still needs the second
factor afterwards, and the reset ends every session opened with the old password."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory, with_totp
from tests.portal.test_signup import code_from_outbox
from tests.security.flows import (
    APP,
    BROWSER,
    ME,
    app_login,
    browser_login,
    fresh_totp_code,
    me_with_token,
    pending_flows,
    post_json,
    recovery_codes,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Neue-Passphrase-Westpfalz-3"


def reset_by_code(base: str, client: Client, email: str) -> dict:
    """Request a code, submit it with a new password; returns the final response body."""
    response = post_json(client, f"{base}/auth/password/request", {"email": email})
    assert response.status_code == 401, response.content
    headers = {"X_Session_Token": response.json()["meta"]["session_token"]} if base == APP else {}
    code = code_from_outbox(email)
    response = post_json(client, f"{base}/auth/password/reset", {"key": code, "password": NEW_PASSWORD}, **headers)
    assert response.status_code in (200, 401), response.content
    return {"response": response, "headers": headers}


@pytest.mark.parametrize("base", [BROWSER, APP])
def test_it_still_asks_staff_for_the_second_factor_after_a_password_reset(base):
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    client = Client()

    result = reset_by_code(base, client, staff.email)
    response = result["response"]
    assert response.json()["meta"]["is_authenticated"] is False
    token = result["headers"].get("X_Session_Token")
    assert (me_with_token(token) if token else client.get(ME)).status_code == 401

    # The new password alone leads to the second factor, not into the API.
    login = Client()
    response = post_json(login, f"{base}/auth/login", {"email": staff.email, "password": NEW_PASSWORD})
    assert response.status_code == 401, response.content
    assert pending_flows(response) == ["mfa_authenticate"]
    headers = {"X_Session_Token": response.json()["meta"]["session_token"]} if base == APP else {}
    me = login.get(ME, headers={"X-Session-Token": headers["X_Session_Token"]} if headers else {})
    assert me.status_code == 401

    response = post_json(login, f"{base}/auth/2fa/authenticate", {"code": fresh_totp_code(secret)}, **headers)
    assert response.status_code == 200, response.content
    if base == APP:
        me = me_with_token(response.json()["meta"]["session_token"])
    else:
        me = login.get(ME)
    assert me.status_code == 200, me.content
    assert me.json()["id"] == str(staff.public_id)


def test_it_ends_the_sessions_opened_with_the_old_password():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    browser = browser_login(staff, secret)
    token = app_login(staff, secret, code=recovery_codes(staff)[0])
    assert browser.get(ME).status_code == 200
    assert me_with_token(token).status_code == 200

    reset_by_code(APP, Client(), staff.email)

    assert browser.get(ME).status_code == 401
    assert me_with_token(token).status_code == 401
