"""An API request with ``X-Session-Token`` resolves its session and user once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.auth import session_headers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def session_and_user_reads(queries) -> tuple[int, int]:
    sql = [q["sql"] for q in queries]
    return (
        sum('FROM "django_session"' in s for s in sql),
        sum('FROM "portal_user"' in s and "portal_user_groups" not in s for s in sql),
    )


@pytest.mark.parametrize("role", ["citizen", "staff"])
def test_it_reads_the_session_and_the_user_once_per_request(role):
    user = UserFactory(**{role: True})
    headers = session_headers(user)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/api/v1/me/", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["email"] == user.email
    assert session_and_user_reads(queries.captured_queries) == (1, 1), [q["sql"] for q in queries.captured_queries]


def test_it_still_refuses_an_unknown_token_with_one_read():
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/api/v1/me/", headers={"X-Session-Token": "x" * 32})
    assert response.status_code == 401
    assert session_and_user_reads(queries.captured_queries) == (1, 0)
