"""Claim-next skips its routing check while the rules are unchanged since the last check (issue #18)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import services
from casework.models import RoutingRule
from tests.casework.factories import ApplicationFactory

URL = "/api/v1/queue/applications/claim-next/"


def routing_checks(queries) -> int:
    """The routing check's query: submitted applications without a team."""
    return sum(1 for q in queries if '"team_id" IS NULL' in q["sql"] and "applications_application" in q["sql"])


def claim(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL)
    return response, routing_checks(queries.captured_queries)


def test_the_second_claim_does_not_check_routing_again(org, api_for):
    ApplicationFactory(jobcenter=org.a, surname="Abel")
    ApplicationFactory(jobcenter=org.a, surname="Berg")
    client = api_for(org.staff)
    first, checked_first = claim(client)
    second, checked_second = claim(client)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] != second.json()["id"]
    assert checked_first >= 1
    assert checked_second == 0


def test_a_new_rule_makes_the_next_claim_route_what_waited(org, api_for):
    RoutingRule.objects.filter(jobcenter=org.a).delete()
    waiting = ApplicationFactory(jobcenter=org.a, surname="Abel")
    client = api_for(org.staff)
    response, checked = claim(client)
    assert response.status_code == 204 and checked >= 1
    _response, checked_again = claim(client)
    assert checked_again == 0
    RoutingRule.objects.create(jobcenter=org.a, team=org.team1, is_default=True)  # the signal retires the rules
    response, checked = claim(client)
    assert checked >= 1
    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(waiting.public_id)
    waiting.refresh_from_db()
    assert waiting.team == org.team1 and waiting.assigned_to == org.staff


def test_a_deleted_rule_and_the_admin_hook_retire_the_generation(org):
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is True
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is False
    RoutingRule.objects.filter(jobcenter=org.a, is_default=True).delete()
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is True
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is False
    services.routing_rules_changed(jobcenter_id=org.a.pk)
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is True
    # Another Jobcenter's change does not retire this one's.
    RoutingRule.objects.filter(jobcenter=org.b).delete()
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is False


def test_settled_expires_so_rows_written_past_the_services_are_routed_later(org, api_for):
    client = api_for(org.staff)
    assert claim(client)[0].status_code == 204
    late = ApplicationFactory(jobcenter=org.a, surname="Abel")  # past the services: not routed
    response, checked = claim(client)
    assert (response.status_code, checked) == (204, 0)
    cache.delete(services._routing_keys(org.a.pk)[1])  # what the expiry does
    response, checked = claim(client)
    assert checked >= 1 and response.json()["id"] == str(late.public_id)


@pytest.mark.django_db
def test_without_the_cache_it_checks_every_time(org, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is True
    assert services.applications_route_pending_unless_settled(jobcenter_id=org.a.pk) is True
