"""POST /api/v1/queue/applications/<id>/transition/ - every state x every target."""

import pytest

from applications.constants import ApplicationStatus as S
from applications.models import StatusChange, TimelineEvent
from applications.workflow import STAFF, allowed_targets
from casework.models import Decision
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory

# What staff may do, written out: the test fails if the shared table changes unnoticed.
STAFF_MOVES = {
    S.SUBMITTED: [S.IN_REVIEW],
    S.IN_REVIEW: [S.DOCUMENTS_REQUESTED, S.APPROVED, S.REJECTED],
    S.DOCUMENTS_REQUESTED: [S.IN_REVIEW],
    S.APPROVED: [],
    S.REJECTED: [],
    S.WITHDRAWN: [],  # withdrawing is the citizen's act (applications.workflow)
}
NOT_IN_QUEUE = (S.DRAFT, S.LODGED)
DECISION_FIELDS = {S.APPROVED: {"starts_on": "2026-11-01"}, S.REJECTED: {"reason": "Einkommen übersteigt den Bedarf."}}


def url(app) -> str:
    return f"/api/v1/queue/applications/{app.public_id}/transition/"


@pytest.mark.parametrize("target", S.values)
@pytest.mark.parametrize("state", S.values)
def test_it_follows_the_one_transition_table(org, api_for, state, target):
    app = ApplicationFactory(jobcenter=org.a, status=state, assigned_to=org.staff, team=org.team1)
    if state not in NOT_IN_QUEUE:
        assert sorted(allowed_targets(state, STAFF)) == sorted(STAFF_MOVES[state])
    history_before = StatusChange.objects.filter(application=app).count()

    response = api_for(org.staff).post(url(app), {"target": target, **DECISION_FIELDS.get(target, {})}, format="json")

    app.refresh_from_db()
    body = response.json()
    if state in NOT_IN_QUEUE:
        assert response.status_code == 404  # not submitted: staff cannot see it at all
        assert app.status == state
    elif target == state:
        assert response.status_code == 200, body
        assert StatusChange.objects.filter(application=app).count() == history_before
    elif target in STAFF_MOVES[state]:
        assert response.status_code == 200, body
        assert body["status"] == target == app.status
        change = StatusChange.objects.filter(application=app).latest("id")
        assert (change.from_status, change.to_status, change.actor) == (state, target, org.staff)
        assert AuditEvent.objects.filter(
            action="application.transition", object_id=str(app.public_id), data__to=target
        ).exists()
        assert TimelineEvent.objects.filter(application=app, kind=target).exists()
        assert Decision.objects.filter(application=app).exists() == (target in (S.APPROVED, S.REJECTED))
    else:
        assert response.status_code == 409, body
        assert body["code"] == "transition_not_allowed"
        assert sorted(body["allowed"]) == sorted(STAFF_MOVES[state])
        assert app.status == state
        assert StatusChange.objects.filter(application=app).count() == history_before


def test_it_refuses_an_unknown_target_naming_the_field(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, assigned_to=org.staff)
    response = api_for(org.staff).post(url(app), {"target": "archived"}, format="json")
    assert response.status_code == 400
    assert "target" in response.json()["errors"]


def test_it_asks_for_the_decisions_fields(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, assigned_to=org.staff)
    client = api_for(org.staff)
    assert "starts_on" in client.post(url(app), {"target": "approved"}, format="json").json()["errors"]
    assert "reason" in client.post(url(app), {"target": "rejected"}, format="json").json()["errors"]
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW


def test_it_lets_only_the_assignee_or_a_team_lead_move_a_case(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, assigned_to=org.staff2, team=org.team1)
    response = api_for(org.staff).post(url(app), {"target": "in_review"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_assigned_to_you"
    unassigned = ApplicationFactory(jobcenter=org.a, team=org.team1)
    assert api_for(org.staff).post(url(unassigned), {"target": "in_review"}, format="json").status_code == 409
    assert api_for(org.lead).post(url(app), {"target": "in_review"}, format="json").status_code == 200


def test_it_refuses_a_stale_if_match(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, assigned_to=org.staff)
    response = api_for(org.staff).post(
        url(app), {"target": "in_review"}, format="json", HTTP_IF_MATCH=f'"{app.public_id}-{app.version - 1 or 99}"'
    )
    assert response.status_code == 412
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
