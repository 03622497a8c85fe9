"""Logins through allauth's headless API, and the second factor that
counsellors, staff, team leads and admins need before the API lets them in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory, login, totp_code, with_totp

pytestmark = pytest.mark.django_db
BROWSER = "/_allauth/browser/v1"
APP = "/_allauth/app/v1"


def post_json(client: Client, url: str, data: dict, **headers):
    return client.post(url, data, "application/json", headers=headers)


def pending_flows(response) -> list[str]:
    return [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]


def assert_mfa_required(response) -> None:
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "mfa_required"
    assert body["type"].endswith("/mfa-required")
    assert body["status"] == 403


def test_it_refuses_staff_who_logged_in_with_a_password_only():
    staff = UserFactory(staff=True)  # no authenticator: allauth asks for no second factor
    browser = Client()
    response = post_json(browser, f"{BROWSER}/auth/login", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 200, response.content

    assert_mfa_required(browser.get("/api/v1/me/"))
    assert_mfa_required(browser.get("/api/v1/audit-events/", {"object_type": "x", "object_id": "1"}))


@pytest.mark.parametrize("role", ["counsellor", "staff", "team_lead", "admin"])
def test_it_refuses_every_role_with_social_data_without_mfa(api_for, role):
    user = UserFactory(**{role: True})
    assert_mfa_required(api_for(user, mfa=False).get("/api/v1/me/"))


def test_it_lets_a_citizen_in_with_a_password_only():
    citizen = UserFactory(citizen=True)
    browser = Client()
    assert (
        post_json(browser, f"{BROWSER}/auth/login", {"email": citizen.email, "password": PASSWORD}).status_code == 200
    )
    assert browser.get("/api/v1/me/").status_code == 200


def test_it_lets_staff_in_after_a_totp_login_in_the_browser():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    browser = Client()

    response = post_json(browser, f"{BROWSER}/auth/login", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 401, response.content
    assert pending_flows(response) == ["mfa_authenticate"]
    assert browser.get("/api/v1/me/").status_code == 401  # half-way is not logged in

    response = post_json(browser, f"{BROWSER}/auth/2fa/authenticate", {"code": totp_code(secret)})
    assert response.status_code == 200, response.content

    me = browser.get("/api/v1/me/")
    assert me.status_code == 200, me.content
    assert me.json()["roles"] == ["staff"]
    audit = browser.get("/api/v1/audit-events/", {"object_type": "portal.user", "object_id": str(staff.public_id)})
    assert audit.status_code == 200, audit.content


def test_it_lets_staff_in_after_a_totp_login_in_the_app():
    counsellor = UserFactory(counsellor=True)
    secret = with_totp(counsellor)

    response = post_json(Client(), f"{APP}/auth/login", {"email": counsellor.email, "password": PASSWORD})
    assert response.status_code == 401, response.content
    assert pending_flows(response) == ["mfa_authenticate"]
    token = response.json()["meta"]["session_token"]
    assert Client().get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 401

    response = post_json(Client(), f"{APP}/auth/2fa/authenticate", {"code": totp_code(secret)}, X_Session_Token=token)
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    me = Client().get("/api/v1/me/", headers={"X-Session-Token": token})
    assert me.status_code == 200, me.content
    assert me.json()["roles"] == ["counsellor"]


def test_it_refuses_a_wrong_totp_code():
    staff = UserFactory(staff=True)
    secret = with_totp(staff)
    browser = Client()
    post_json(browser, f"{BROWSER}/auth/login", {"email": staff.email, "password": PASSWORD})
    right = totp_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = post_json(browser, f"{BROWSER}/auth/2fa/authenticate", {"code": wrong})
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "code"
    assert browser.get("/api/v1/me/").status_code == 401


def test_it_does_not_count_a_second_factor_recorded_for_someone_else():
    first = UserFactory(staff=True)
    second = UserFactory(staff=True)
    browser = Client()
    login(browser, second, mfa=True)
    session = browser.session
    session["account_authentication_methods_user"] = str(first.pk)
    session.save()
    assert_mfa_required(browser.get("/api/v1/me/"))
