"""Repeated wrong passwords lock the login for a while: allauth's rate limits
(``ACCOUNT_RATE_LIMITS["login_failed"]``, on the real cache), for the headless
API, allauth's login page, and so for the admin site, which logs in there."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, UserFactory, totp_code, with_totp

pytestmark = pytest.mark.django_db
ALLOWED_FAILURES = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")[0])


def headless_login(client: Client, email: str, password: str):
    return client.post("/_allauth/browser/v1/auth/login", {"email": email, "password": password}, "application/json")


def page_login(client: Client, email: str, password: str, next_url: str = "/"):
    return client.post(f"/accounts/login/?next={next_url}", {"login": email, "password": password})


def assert_locked(response) -> None:
    assert response.status_code == 400, response.content
    assert [e["code"] for e in response.json()["errors"]] == ["too_many_login_attempts"]


def assert_page_locked(response) -> None:
    assert response.status_code == 200  # the login form again, with the reason
    errors = response.context["form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["too_many_login_attempts"]


def test_it_locks_the_headless_login_after_repeated_wrong_passwords():
    citizen = UserFactory(citizen=True)
    for _ in range(ALLOWED_FAILURES):
        response = headless_login(Client(), citizen.email, "wrong-password-123")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "email_password_mismatch"

    browser = Client()
    response = headless_login(browser, citizen.email, PASSWORD)  # even the right one, for now
    assert_locked(response)
    assert browser.get("/api/v1/me/").status_code == 401


def test_it_counts_failures_per_account_across_addresses():
    citizen = UserFactory(citizen=True)
    for number in range(ALLOWED_FAILURES):
        Client(REMOTE_ADDR=f"10.0.0.{number + 1}").post(
            "/_allauth/browser/v1/auth/login",
            {"email": citizen.email, "password": "nope-nope-nope"},
            "application/json",
        )
    browser = Client(REMOTE_ADDR="10.0.1.1")
    assert_locked(headless_login(browser, citizen.email, PASSWORD))
    assert browser.get("/api/v1/me/").status_code == 401
    # Someone else, from that fresh address, is not affected.
    other = UserFactory(citizen=True)
    assert headless_login(Client(REMOTE_ADDR="10.0.1.1"), other.email, PASSWORD).status_code == 200


def test_it_locks_the_login_page_after_repeated_wrong_passwords():
    citizen = UserFactory(citizen=True)
    for _ in range(ALLOWED_FAILURES):
        response = page_login(Client(), citizen.email, "wrong-password-123")
        assert response.status_code == 200  # the form again, with an error
        assert "_auth_user_id" not in Client().session

    browser = Client()
    response = page_login(browser, citizen.email, PASSWORD)
    assert_page_locked(response)
    assert "_auth_user_id" not in browser.session
    assert browser.get("/api/v1/me/").status_code == 401


def test_it_never_shows_djangos_own_admin_login_form():
    admin = UserFactory(admin=True)
    browser = Client()

    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = browser.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{settings.LOGIN_URL}?next=/admin/"

    # Posting the admin form's fields to the admin login does not log anyone in.
    response = browser.post("/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)
    assert "_auth_user_id" not in browser.session


def test_it_locks_the_admin_login_after_repeated_wrong_passwords():
    admin = UserFactory(admin=True)
    with_totp(admin)
    for _ in range(ALLOWED_FAILURES):
        page_login(Client(), admin.email, "wrong-password-123", next_url="/admin/")

    browser = Client()
    assert_page_locked(page_login(browser, admin.email, PASSWORD, next_url="/admin/"))
    assert "_auth_user_id" not in browser.session
    assert browser.get("/accounts/2fa/authenticate/").status_code != 200  # no half-done login either
    assert browser.get("/admin/").status_code == 302


def test_it_lets_an_admin_into_the_admin_site_after_password_and_totp():
    admin = UserFactory(admin=True)
    secret = with_totp(admin)
    browser = Client()

    response = page_login(browser, admin.email, PASSWORD, next_url="/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert browser.get("/admin/").status_code == 302  # password alone is not enough

    response = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content
    assert response["Location"] == "/admin/"
    page = browser.get("/admin/")
    assert page.status_code == 200
    assert b"Jobcenter digital" in page.content


def test_it_refuses_the_admin_site_to_a_session_without_second_factor():
    admin = UserFactory(admin=True)
    browser = Client()
    browser.force_login(admin)
    assert browser.get("/admin/").status_code == 302
    assert browser.get("/admin/login/").status_code == 403
