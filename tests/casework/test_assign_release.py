"""Team leads assign and reassign; staff release their own cases."""

from applications.constants import ApplicationStatus as S
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory


def url(app, action) -> str:
    return f"/api/v1/queue/applications/{app.public_id}/{action}/"


def test_it_lets_a_team_lead_assign_and_reassign(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1, assigned_to=org.staff)
    lead = api_for(org.lead)
    response = lead.post(url(app, "assign"), {"assignee": str(org.staff2.public_id)}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["assigned_to"]["id"] == str(org.staff2.public_id)
    # To the other team, with someone of that team.
    response = lead.post(
        url(app, "assign"),
        {"assignee": str(org.staff_team2.public_id), "team": str(org.team2.public_id)},
        format="json",
    )
    app.refresh_from_db()
    assert (app.team, app.assigned_to) == (org.team2, org.staff_team2)
    event = AuditEvent.objects.filter(action="application.assign").latest("id")
    assert event.data == {"assignee": org.staff_team2.pk, "previous": org.staff2.pk, "team": org.team2.pk}
    # Unassign.
    assert lead.post(url(app, "assign"), {"assignee": None}, format="json").json()["assigned_to"] is None


def test_it_refuses_assignees_outside_the_team_or_jobcenter(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1)
    lead = api_for(org.lead)
    citizen = UserFactory(citizen=True)
    for assignee in (org.staff_team2, org.staff_b, org.counsellor, citizen):
        response = lead.post(url(app, "assign"), {"assignee": str(assignee.public_id)}, format="json")
        assert response.status_code == 400, assignee
        assert "assignee" in response.json()["errors"]
    response = lead.post(
        url(app, "assign"), {"assignee": str(org.staff.public_id), "team": str(org.team_b.public_id)}, format="json"
    )
    assert "team" in response.json()["errors"]
    app.refresh_from_db()
    assert app.assigned_to is None and app.team == org.team1


def test_it_refuses_assignment_by_staff_and_of_decided_cases(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1)
    response = api_for(org.staff).post(url(app, "assign"), {"assignee": str(org.staff.public_id)}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    decided = ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.REJECTED)
    response = api_for(org.lead).post(url(decided, "assign"), {"assignee": str(org.staff.public_id)}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "case_closed"


def test_it_lets_staff_release_their_own_case_only(org, api_for):
    mine = ApplicationFactory(jobcenter=org.a, team=org.team1, assigned_to=org.staff)
    theirs = ApplicationFactory(jobcenter=org.a, team=org.team1, assigned_to=org.staff2)
    client = api_for(org.staff)
    response = client.post(url(theirs, "release"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_your_case"
    response = client.post(url(mine, "release"))
    assert response.status_code == 200
    assert response.json()["assigned_to"] is None
    mine.refresh_from_db()
    assert mine.assigned_to is None
    assert AuditEvent.objects.filter(action="application.release", object_id=str(mine.public_id)).exists()
    # Back in the queue: the next claim gets it.
    assert client.post("/api/v1/queue/applications/claim-next/").json()["id"] == str(mine.public_id)
    # A team lead may release anyone's.
    assert api_for(org.lead).post(url(theirs, "release")).json()["assigned_to"] is None
