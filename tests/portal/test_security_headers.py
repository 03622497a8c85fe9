"""Security headers on every response, and no caching of personal data."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_sends_the_security_headers(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = {part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split("; ")}
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]


def test_it_sends_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/")


def test_it_marks_the_session_cookie_httponly_and_secure_in_production(client, settings, citizen):
    from tests.factories import PASSWORD

    settings.SESSION_COOKIE_SECURE = True  # the production default (tests run over plain http)
    response = client.post(
        "/_allauth/browser/v1/auth/login", {"email": citizen.email, "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 200
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_it_forbids_caching_of_api_responses(citizen_api, api):
    for response in (citizen_api.get("/api/v1/me/"), api.get("/api/v1/me/"), api.get("/api/v1/locations/")):
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control


def test_it_forbids_caching_of_account_pages(client):
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]


def test_it_gives_every_response_a_request_id(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-req-12345")["X-Request-ID"] == "proxy-req-12345"
    # A malformed one (log injection) is replaced.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad\nid value")["X-Request-ID"] != "bad\nid value"
