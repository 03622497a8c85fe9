"""A new submission goes to a team by its Jobcenter's routing rules: when it
is submitted, when the rules change, and (as a safety net) before a claim."""

import uuid

from django.contrib import admin

from casework.admin import RoutingRuleAdmin
from casework.models import RoutingRule
from casework.services import applications_route_pending
from portal.api.conditional import etag_for
from portal.models import AuditEvent
from tests.applications.factories import ApplicationFactory as CitizenApplicationFactory
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory


def test_it_routes_by_surname_range_and_default(org):
    abel = ApplicationFactory(jobcenter=org.a, surname="Ärger")
    zander = ApplicationFactory(jobcenter=org.a, surname="Zander")
    cyrillic = ApplicationFactory(jobcenter=org.a, surname="Шевченко")
    draft = ApplicationFactory(jobcenter=org.a, status="lodged", surname="Zander")
    foreign = ApplicationFactory(jobcenter=org.b, surname="Zander")

    assert applications_route_pending(jobcenter_id=org.a.pk) == 3
    assert applications_route_pending(jobcenter_id=org.a.pk) == 0  # once only

    for app, team in ((abel, org.team1), (zander, org.team2), (cyrillic, org.team1), (draft, None), (foreign, None)):
        app.refresh_from_db()
        assert app.team == team
    assert AuditEvent.objects.filter(action="application.route").count() == 3


def test_it_never_moves_an_application_that_has_a_team(org):
    app = ApplicationFactory(jobcenter=org.a, surname="Abel", team=org.team2)
    applications_route_pending(jobcenter_id=org.a.pk)
    app.refresh_from_db()
    assert app.team == org.team2


def test_it_leaves_applications_unrouted_without_rules(org):
    RoutingRule.objects.filter(jobcenter=org.a).delete()
    app = ApplicationFactory(jobcenter=org.a)
    assert applications_route_pending(jobcenter_id=org.a.pk) == 0
    app.refresh_from_db()
    assert app.team is None


def test_it_routes_a_submission_when_it_is_submitted(org, api_for):
    """Submission sends ``application_submitted``; casework routes in the same transaction."""
    citizen = UserFactory(citizen=True, last_name="Zander")
    app = CitizenApplicationFactory(lodged=True, complete=True, jobcenter=org.a, applicant=citizen)

    response = api_for(citizen).post(
        f"/api/v1/applications/{app.public_id}/submit/", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )

    assert response.status_code == 200, response.json()
    app.refresh_from_db()
    assert app.status == "submitted"
    assert app.team == org.team2
    # The citizen's answer carries the routed row's version: their next If-Match still fits.
    assert response["ETag"] == etag_for(app)
    assert AuditEvent.objects.filter(action="application.route", object_id=str(app.public_id)).count() == 1


def test_it_leaves_a_submission_unrouted_without_a_matching_rule(org, api_for):
    RoutingRule.objects.filter(jobcenter=org.a).delete()
    citizen = UserFactory(citizen=True, last_name="Zander")
    app = CitizenApplicationFactory(lodged=True, complete=True, jobcenter=org.a, applicant=citizen)

    response = api_for(citizen).post(
        f"/api/v1/applications/{app.public_id}/submit/", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )

    assert response.status_code == 200, response.json()
    app.refresh_from_db()
    assert app.team is None
    assert response["ETag"] == etag_for(app)
    assert not AuditEvent.objects.filter(action="application.route").exists()


def test_it_routes_nothing_when_the_queue_is_read(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, surname="Zander")  # submitted, never routed
    version = app.version

    rows = api_for(org.lead).get("/api/v1/queue/applications/").json()["results"]

    assert [(r["id"], r["team"]) for r in rows] == [(str(app.public_id), None)]
    app.refresh_from_db()
    assert (app.team, app.version) == (None, version)
    assert not AuditEvent.objects.filter(action="application.route").exists()


def test_it_routes_waiting_cases_when_the_rules_change_in_the_admin(org, rf, django_capture_on_commit_callbacks):
    RoutingRule.objects.filter(jobcenter=org.a).delete()
    waiting = ApplicationFactory(jobcenter=org.a, surname="Zander")
    rule = RoutingRule(jobcenter=org.a, team=org.team2, is_default=True)
    model_admin = RoutingRuleAdmin(RoutingRule, admin.site)

    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(rf.post("/admin/"), rule, form=None, change=False)

    waiting.refresh_from_db()
    assert waiting.team == org.team2
    assert AuditEvent.objects.filter(action="application.route", object_id=str(waiting.public_id)).exists()


def test_it_still_routes_what_missed_routing_before_a_claim(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, surname="Abel")  # built without the submit service

    response = api_for(org.staff).post("/api/v1/queue/applications/claim-next/")

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == str(app.public_id)
    assert response.json()["team"]["id"] == str(org.team1.public_id)
