"""bench.auth writes sessions the API accepts, with MFA only where asked."""

import pytest
from rest_framework.test import APIClient

from bench.auth import session_headers
from tests.factories import UserFactory


def _me(headers):
    return APIClient().get("/api/v1/me/", headers=headers)


@pytest.mark.django_db
def test_it_logs_a_citizen_in_with_the_session_token():
    citizen = UserFactory(citizen=True)
    response = _me(session_headers(citizen))
    assert response.status_code == 200
    assert response.json()["email"] == citizen.email


@pytest.mark.django_db
def test_it_gives_staff_a_second_factor_unless_told_not_to():
    staff = UserFactory(staff=True)
    assert _me(session_headers(staff)).json()["email"] == staff.email
    refused = _me(session_headers(staff, mfa=False))
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"


@pytest.mark.django_db
def test_it_refuses_an_unknown_token():
    response = _me({"X-Session-Token": "not-a-session"})
    assert response.status_code in (401, 403)
    assert "email" not in response.json()
