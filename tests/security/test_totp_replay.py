"""A TOTP code that was used once is refused the second time, in another
session too (someone who watched it being typed cannot reuse it)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory, with_totp
from tests.security.flows import APP, BROWSER, ME, browser_login, error_codes, fresh_totp_code, post_json

pytestmark = pytest.mark.django_db


def test_it_refuses_a_used_code_in_a_second_browser_session():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    code = fresh_totp_code(secret, margin=10)
    first = browser_login(staff, secret, code=code)
    assert first.get(ME).status_code == 200

    second = Client()
    post_json(second, f"{BROWSER}/auth/login", {"email": staff.email, "password": PASSWORD})
    response = post_json(second, f"{BROWSER}/auth/2fa/authenticate", {"code": code})
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["incorrect_code"]
    assert second.get(ME).status_code == 401


def test_it_refuses_a_used_code_after_logout_in_the_app():
    counsellor = UserFactory(counsellor=True)
    secret = with_totp(counsellor)
    code = fresh_totp_code(secret, margin=10)

    token = post_json(Client(), f"{APP}/auth/login", {"email": counsellor.email, "password": PASSWORD}).json()["meta"][
        "session_token"
    ]
    response = post_json(Client(), f"{APP}/auth/2fa/authenticate", {"code": code}, X_Session_Token=token)
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    Client().delete(f"{APP}/auth/session", headers={"X-Session-Token": token})

    token = post_json(Client(), f"{APP}/auth/login", {"email": counsellor.email, "password": PASSWORD}).json()["meta"][
        "session_token"
    ]
    response = post_json(Client(), f"{APP}/auth/2fa/authenticate", {"code": code}, X_Session_Token=token)
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["incorrect_code"]
    assert Client().get(ME, headers={"X-Session-Token": token}).status_code == 401
