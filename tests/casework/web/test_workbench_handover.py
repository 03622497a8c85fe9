"""The case page's "Hand over" to another team (``services.case_hand_over``, as the API's HandOver),
and "Continue the review" (the API's Transition to ``in_review``) after documents were requested."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from applications.constants import ApplicationStatus
from casework import services
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory
from tests.factories import login


@pytest.fixture
def client_for(db):
    def make(user, *, mfa: bool = True) -> Client:
        client = Client(headers={"accept-language": "en"})
        login(client, user, mfa=mfa)
        return client

    return make


@pytest.fixture
def my_case(org):
    return ApplicationFactory(
        jobcenter=org.a, team=org.team1, status=ApplicationStatus.IN_REVIEW, assigned_to=org.staff
    )


def page_of(application) -> str:
    return f"/workbench/cases/{application.public_id}/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_offers_the_jobcenters_other_teams(org, my_case, client_for):
    body = text_of(client_for(org.staff).get(page_of(my_case)))
    assert '<label class="kern-label" for="id_handover_team">Hand over to the team</label>' in body
    assert f'value="{org.team2.public_id}">Leistung L-Z</option>' in body
    assert f'value="{org.team1.public_id}"' not in body  # its own team
    assert str(org.team_b.public_id) not in body  # another Jobcenter's


def test_it_hands_the_case_over_and_it_leaves_me(org, my_case, client_for):
    client = client_for(org.staff)
    response = client.post(
        f"{page_of(my_case)}hand-over/", {"version": my_case.version, "team": str(org.team2.public_id)}
    )
    assert response.status_code == 302 and response["Location"] == page_of(my_case)
    my_case.refresh_from_db()
    assert (my_case.team, my_case.assigned_to) == (org.team2, None)
    assert AuditEvent.objects.get(action="application.assign").data["hand_over"] is True
    body = text_of(client.get(page_of(my_case)))
    assert "The case was handed over." in body
    assert 'id="id_handover_team"' not in body  # no longer mine to hand over


def test_no_team_chosen_is_said_at_the_field_and_in_the_summary(org, my_case, client_for):
    response = client_for(org.staff).post(f"{page_of(my_case)}hand-over/", {"version": my_case.version, "team": ""})
    assert response.status_code == 400
    body = text_of(response)
    assert 'href="#id_handover_team"' in body and 'id="id_handover_team-error"' in body
    my_case.refresh_from_db()
    assert my_case.team == org.team1


def test_a_stale_page_is_told_the_case_changed(org, my_case, client_for):
    version = my_case.version
    client_for(org.lead).post(f"{page_of(my_case)}release/", {"version": version})
    response = client_for(org.lead).post(
        f"{page_of(my_case)}hand-over/", {"version": version, "team": str(org.team2.public_id)}
    )
    assert response.status_code == 412
    assert "The case was changed meanwhile by someone else." in text_of(response)
    my_case.refresh_from_db()
    assert my_case.team == org.team1


def test_it_refuses_who_may_not(org, my_case, client_for, client):
    data = {"version": my_case.version, "team": str(org.team2.public_id)}
    url = f"{page_of(my_case)}hand-over/"
    not_mine = client_for(org.staff2).post(url, data)
    assert not_mine.status_code == 409 and "This case is not assigned to you." in text_of(not_mine)
    assert client_for(org.staff_b).post(url, data).status_code == 404
    citizen = client_for(my_case.applicant).post(url, data)
    assert citizen.status_code == 403 and "kern-heading" in citizen.content.decode()
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/?next=")
    my_case.refresh_from_db()
    assert (my_case.team, my_case.assigned_to) == (org.team1, org.staff)


# --- after a document request: back to review, then decide ------------------------------------
def test_it_continues_the_review_of_a_case_that_waits_for_documents(org, client_for):
    case = ApplicationFactory(
        jobcenter=org.a, team=org.team1, status=ApplicationStatus.DOCUMENTS_REQUESTED, assigned_to=org.staff
    )
    client = client_for(org.staff)
    body = text_of(client.get(page_of(case)))
    assert "Continue the review" in body and "Send the decision" not in body
    response = client.post(f"{page_of(case)}review/", {"version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ApplicationStatus.IN_REVIEW
    assert case.status_changes.last().actor == org.staff
    body = text_of(client.get(page_of(case)))
    assert "Send the decision" in body and "Continue the review" not in body


def test_continuing_the_review_is_refused_to_others_and_to_a_stale_page(org, client_for):
    case = ApplicationFactory(
        jobcenter=org.a, team=org.team1, status=ApplicationStatus.DOCUMENTS_REQUESTED, assigned_to=org.staff
    )
    not_mine = client_for(org.staff2).post(f"{page_of(case)}review/", {"version": case.version})
    assert not_mine.status_code == 409
    rendered = case.version
    services.document_request_create(application=case, actor=org.staff, description="Mietvertrag")  # meanwhile
    stale = client_for(org.staff).post(f"{page_of(case)}review/", {"version": rendered})
    assert stale.status_code == 412
    assert "The case was changed meanwhile by someone else." in text_of(stale)
    case.refresh_from_db()
    assert case.status == ApplicationStatus.DOCUMENTS_REQUESTED


def test_it_offers_no_hand_over_where_there_is_no_other_team(org, client_for):
    org.team2.delete()
    case = ApplicationFactory(
        jobcenter=org.a, team=org.team1, status=ApplicationStatus.IN_REVIEW, assigned_to=org.staff
    )
    body = text_of(client_for(org.staff).get(page_of(case)))
    assert 'id="id_handover_team"' not in body and "Release to the team" in body
