"""The pages row (issue #18): its plan, and sessions the web pages accept as cookies."""

import pytest
from django.test import Client

from bench.auth import session_cookie
from bench.suite import REGISTRY, plan
from tests.factories import TeamFactory, UserFactory


def test_the_pages_row_is_read_against_the_floor_and_claim_too():
    assert "pages" in REGISTRY
    assert plan(["pages"]) == ["floor", "pages"]
    assert plan(["claim"]) == ["floor", "raw-claim", "claim"]


def _get(path, headers):
    return Client().get(path, HTTP_COOKIE=headers["Cookie"])


@pytest.mark.django_db
def test_a_citizen_cookie_opens_the_overview():
    citizen = UserFactory(citizen=True)
    response = _get("/overview/", session_cookie(citizen))
    assert response.status_code == 200
    assert response.context["user"] == citizen


@pytest.mark.django_db
def test_a_staff_cookie_opens_the_queue_page_and_a_foreign_one_does_not():
    team = TeamFactory()
    staff = UserFactory(staff=True, jobcenter=team.jobcenter, teams=[team])
    response = _get("/workbench/", session_cookie(staff))
    assert response.status_code == 200
    assert response.context["user"] == staff
    refused = _get("/workbench/", {"Cookie": "sessionid=not-a-session"})
    assert refused.status_code == 302 and "/login" in refused["Location"]
