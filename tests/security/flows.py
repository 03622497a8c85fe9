"""The real login flows of allauth's headless API, for the security tests.

``BROWSER`` is the single-page app client (session cookie), ``APP`` the mobile
app client (``X-Session-Token``)."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from django.test import Client

from tests.factories import PASSWORD, totp_code

BROWSER = "/_allauth/browser/v1"
APP = "/_allauth/app/v1"
ME = "/api/v1/me/"


def post_json(client: Client, url: str, data: dict, **headers):
    return client.post(url, data, "application/json", headers=headers)


def pending_flows(response) -> list[str]:
    return [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]


def error_codes(response) -> list[str]:
    return [error.get("code") for error in response.json().get("errors", [])]


def fresh_totp_code(secret: str, *, margin: float = 4.0) -> str:
    """A code that stays valid for at least ``margin`` seconds (waits for the
    next period when the current one is about to end), so a test of "the same
    code again" cannot pass only because the period rolled over."""
    period = mfa_settings.TOTP_PERIOD
    left = period - (time.time() % period)
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret)


def recovery_codes(user) -> list[str]:
    """Give ``user`` recovery codes (besides TOTP): a second, distinct code for
    a second login within the same TOTP period, since a used TOTP code is refused."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    return RecoveryCodes.activate(user).get_unused_codes()


def browser_login(user, secret: str | None = None, *, client: Client | None = None, code: str | None = None) -> Client:
    """Log in through the browser client: password, then TOTP when ``secret`` is given."""
    client = client or Client()
    response = post_json(client, f"{BROWSER}/auth/login", {"email": user.email, "password": PASSWORD})
    if secret is None:
        assert response.status_code == 200, response.content
        return client
    assert response.status_code == 401 and pending_flows(response) == ["mfa_authenticate"], response.content
    response = post_json(client, f"{BROWSER}/auth/2fa/authenticate", {"code": code or fresh_totp_code(secret)})
    assert response.status_code == 200, response.content
    return client


def app_login(user, secret: str | None = None, *, code: str | None = None) -> str:
    """Log in through the app client; returns the ``X-Session-Token``."""
    response = post_json(Client(), f"{APP}/auth/login", {"email": user.email, "password": PASSWORD})
    token = response.json()["meta"]["session_token"]
    if secret is None:
        assert response.status_code == 200, response.content
        return token
    assert response.status_code == 401 and pending_flows(response) == ["mfa_authenticate"], response.content
    response = post_json(
        Client(), f"{APP}/auth/2fa/authenticate", {"code": code or fresh_totp_code(secret)}, X_Session_Token=token
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def me_with_token(token: str):
    return Client().get(ME, headers={"X-Session-Token": token})


def cookie_client(session_key: str) -> Client:
    """A new client that presents only the given session cookie (a copied or stolen one)."""
    from django.conf import settings

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client
