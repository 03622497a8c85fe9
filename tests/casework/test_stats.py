"""GET /api/v1/queue/stats/ on a fixture with known answers."""

from datetime import timedelta

from django.utils import timezone

from applications.constants import ApplicationStatus as S
from applications.constants import DocumentRequestStatus
from applications.models import DocumentRequest
from tests.casework.factories import ApplicationFactory

URL = "/api/v1/queue/stats/"


def decided(org, team, *, days_ago: int, took: int, status=S.APPROVED):
    now = timezone.now()
    at = now - timedelta(days=days_ago)
    return ApplicationFactory(
        jobcenter=org.a, team=team, status=status, decided_at=at, lodged_at=at - timedelta(days=took)
    )


def request(app, *, deadline_in_days: int, status=DocumentRequestStatus.OPEN):
    DocumentRequest.objects.create(
        application=app,
        description="x",
        legal_basis="y",
        consequences_text="z",
        consequences_version="1",
        deadline=timezone.localdate() + timedelta(days=deadline_in_days),
        status=status,
    )


def test_it_computes_the_figures(org, api_for):
    for took in (10, 20, 30, 40):
        decided(org, org.team1, days_ago=3, took=took)
    decided(org, org.team2, days_ago=1, took=5, status=S.REJECTED)
    decided(org, org.team2, days_ago=60, took=100)
    decided(org, org.team2, days_ago=120, took=1)  # outside both windows
    ApplicationFactory(jobcenter=org.a, team=org.team2, status=S.WITHDRAWN)  # no decision: no duration
    ApplicationFactory(jobcenter=org.b, status=S.APPROVED, decided_at=timezone.now())  # another Jobcenter

    now = timezone.now()
    warning = ApplicationFactory(jobcenter=org.a, team=org.team1, lodged_at=now - timedelta(days=140))
    ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.IN_REVIEW, lodged_at=now - timedelta(days=165))
    ApplicationFactory(
        jobcenter=org.a, team=org.team1, status=S.DOCUMENTS_REQUESTED, lodged_at=now - timedelta(days=200)
    )
    ApplicationFactory(jobcenter=org.a, team=org.team2, lodged_at=now - timedelta(days=3))
    request(warning, deadline_in_days=-2)
    request(warning, deadline_in_days=-1)
    request(warning, deadline_in_days=-5, status=DocumentRequestStatus.FULFILLED)
    request(warning, deadline_in_days=3)

    response = api_for(org.lead).get(URL)
    assert response.status_code == 200, response.json()
    body = response.json()
    jc = body["jobcenter"]
    assert jc["counts"] == {
        "submitted": 2,
        "in_review": 1,
        "documents_requested": 1,
        "approved": 6,
        "rejected": 1,
        "withdrawn": 1,
    }
    assert jc["processing_days"] == {
        "last_30_days": {"count": 5, "median_days": 20.0, "p90_days": 36.0},
        "last_90_days": {"count": 6, "median_days": 25.0, "p90_days": 70.0},
    }
    assert jc["overdue_document_requests"] == 2
    assert jc["inaction_deadline"] == {"warning": 1, "critical": 1, "expired": 1}

    teams = {t["team"]["name"]: t for t in body["teams"]}
    assert teams["Leistung A-K"]["processing_days"]["last_30_days"] == {
        "count": 4,
        "median_days": 25.0,
        "p90_days": 37.0,
    }
    assert teams["Leistung A-K"]["overdue_document_requests"] == 2
    assert teams["Leistung A-K"]["inaction_deadline"] == {"warning": 1, "critical": 1, "expired": 1}
    assert teams["Leistung L-Z"]["processing_days"]["last_90_days"] == {
        "count": 2,
        "median_days": 52.5,
        "p90_days": 90.5,
    }
    assert teams["Leistung L-Z"]["inaction_deadline"] == {"warning": 0, "critical": 0, "expired": 0}


def test_it_shows_a_foreign_jobcenter_nothing(org, api_for):
    decided(org, org.team1, days_ago=3, took=10)
    body = api_for(org.staff_b).get(URL).json()
    assert body["jobcenter"]["processing_days"]["last_30_days"]["count"] == 0
    assert body["teams"] == []
