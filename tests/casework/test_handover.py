"""POST /api/v1/queue/applications/<id>/hand-over/ and ``services.case_hand_over``:
the case's worker (or a team lead) hands it to another team of the Jobcenter."""

import pytest

from applications.constants import ApplicationStatus as S
from casework import services
from portal.api.conditional import etag_for
from portal.api.problems import Problem
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory


def url(app) -> str:
    return f"/api/v1/queue/applications/{app.public_id}/hand-over/"


@pytest.fixture
def my_case(org):
    return ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.IN_REVIEW, assigned_to=org.staff)


def test_it_hands_my_case_to_the_other_teams_queue_and_audits_it(org, my_case, api_for):
    version = my_case.version
    response = api_for(org.staff).post(url(my_case), {"team": str(org.team2.public_id)}, format="json")
    assert response.status_code == 200, response.json()
    row = response.json()
    assert row["team"] == {"id": str(org.team2.public_id), "name": "Leistung L-Z"}
    assert row["assigned_to"] is None
    my_case.refresh_from_db()
    assert (my_case.team, my_case.assigned_to, my_case.version) == (org.team2, None, version + 1)
    assert response["ETag"] == etag_for(my_case)
    event = AuditEvent.objects.get(action="application.assign")
    assert event.actor == org.staff
    assert event.data == {
        "assignee": None,
        "team": org.team2.pk,
        "hand_over": True,
        "previous": org.staff.pk,
        "previous_team": org.team1.pk,
    }


def test_the_other_team_can_claim_it_next(org, my_case, api_for):
    api_for(org.staff).post(url(my_case), {"team": str(org.team2.public_id)}, format="json")
    claimed = api_for(org.staff_team2).post("/api/v1/queue/applications/claim-next/", {}, format="json")
    assert claimed.status_code == 200
    assert claimed.json()["id"] == str(my_case.public_id)


def test_it_refuses_a_stale_version(org, my_case, api_for):
    client = api_for(org.staff)
    etag = client.get(f"/api/v1/queue/applications/{my_case.public_id}/")["ETag"]
    services.application_assign(application=my_case, actor=org.lead, assignee_public_id=org.staff2.public_id)
    response = client.post(url(my_case), {"team": str(org.team2.public_id)}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    my_case.refresh_from_db()
    assert (my_case.team, my_case.assigned_to) == (org.team1, org.staff2)
    assert not AuditEvent.objects.filter(action="application.assign", data__hand_over=True).exists()


def test_it_refuses_who_does_not_work_the_case(org, my_case, api_for):
    response = api_for(org.staff2).post(url(my_case), {"team": str(org.team2.public_id)}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_assigned_to_you"
    my_case.refresh_from_db()
    assert (my_case.team, my_case.assigned_to) == (org.team1, org.staff)


def test_a_team_lead_may_hand_over_any_case(org, api_for):
    case = ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.SUBMITTED)
    response = api_for(org.lead).post(url(case), {"team": str(org.team2.public_id)}, format="json")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.team == org.team2


@pytest.mark.parametrize("team", ["team_b", "missing"])
def test_it_refuses_a_team_of_another_jobcenter_naming_the_field(org, my_case, api_for, team):
    team_id = str(org.team_b.public_id) if team == "team_b" else "00000000-0000-0000-0000-000000000000"
    response = api_for(org.staff).post(url(my_case), {"team": team_id}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["team"]
    my_case.refresh_from_db()
    assert my_case.team == org.team1


def test_it_refuses_a_decided_case(org, api_for):
    case = ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.REJECTED, assigned_to=org.staff)
    response = api_for(org.staff).post(url(case), {"team": str(org.team2.public_id)}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "case_closed"


def test_strangers_and_citizens_are_refused(org, my_case, api_for):
    assert (
        api_for(org.staff_b).post(url(my_case), {"team": str(org.team_b.public_id)}, format="json").status_code == 404
    )
    assert (
        api_for(my_case.applicant).post(url(my_case), {"team": str(org.team2.public_id)}, format="json").status_code
        == 403
    )
    assert (
        api_for(org.counsellor).post(url(my_case), {"team": str(org.team2.public_id)}, format="json").status_code == 403
    )
    my_case.refresh_from_db()
    assert my_case.team == org.team1


def test_nothing_changes_when_it_is_already_that_teams_and_nobodys(org):
    case = ApplicationFactory(jobcenter=org.a, team=org.team2, status=S.SUBMITTED)
    version = case.version
    result = services.case_hand_over(application=case, actor=org.lead, team_public_id=org.team2.public_id)
    assert (result.team, result.version) == (org.team2, version)
    assert not AuditEvent.objects.exists()


def test_the_service_refuses_without_the_api(org, my_case):
    with pytest.raises(Problem) as refused:
        services.case_hand_over(application=my_case, actor=org.staff2, team_public_id=org.team2.public_id)
    assert refused.value.code == "not_assigned_to_you"
