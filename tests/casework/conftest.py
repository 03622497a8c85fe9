"""A Jobcenter A with two benefits teams and its people, and a foreign Jobcenter B."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from casework.models import RoutingRule
from tests.factories import JobcenterFactory, TeamFactory, UserFactory


@pytest.fixture
def org(db):
    a = JobcenterFactory(slug="jc-a", name="Jobcenter A", reference_prefix="A")
    b = JobcenterFactory(slug="jc-b", name="Jobcenter B", reference_prefix="B")
    team1 = TeamFactory(jobcenter=a, name="Leistung A-K")
    team2 = TeamFactory(jobcenter=a, name="Leistung L-Z")
    team_b = TeamFactory(jobcenter=b, name="Leistung B")
    RoutingRule.objects.create(jobcenter=a, team=team1, surname_from="A", surname_to="K", position=1)
    RoutingRule.objects.create(jobcenter=a, team=team2, surname_from="L", surname_to="Z", position=2)
    RoutingRule.objects.create(jobcenter=a, team=team1, is_default=True)
    RoutingRule.objects.create(jobcenter=b, team=team_b, is_default=True)
    return SimpleNamespace(
        a=a,
        b=b,
        team1=team1,
        team2=team2,
        team_b=team_b,
        staff=UserFactory(staff=True, jobcenter=a, teams=[team1], email="staff1@a.example"),
        staff2=UserFactory(staff=True, jobcenter=a, teams=[team1], email="staff2@a.example"),
        staff_team2=UserFactory(staff=True, jobcenter=a, teams=[team2], email="staff3@a.example"),
        lead=UserFactory(team_lead=True, jobcenter=a, teams=[team1, team2], email="lead@a.example"),
        counsellor=UserFactory(counsellor=True, jobcenter=a, email="ifk@a.example"),
        staff_b=UserFactory(staff=True, jobcenter=b, teams=[team_b], email="staff@b.example"),
        lead_b=UserFactory(team_lead=True, jobcenter=b, teams=[team_b], email="lead@b.example"),
    )
