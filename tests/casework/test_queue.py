"""GET /api/v1/queue/applications/"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.constants import ApplicationStatus, DocumentRequestStatus
from applications.models import DocumentRequest, Message
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory

URL = "/api/v1/queue/applications/"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_own_jobcenters_undecided_cases_oldest_lodged_first(org, api_for):
    now = timezone.now()
    newer = ApplicationFactory(jobcenter=org.a, lodged_at=now - timedelta(days=2))
    older = ApplicationFactory(jobcenter=org.a, lodged_at=now - timedelta(days=40))
    ApplicationFactory(jobcenter=org.a, status=ApplicationStatus.APPROVED)
    ApplicationFactory(jobcenter=org.a, status=ApplicationStatus.LODGED)  # not submitted: not staff's yet
    ApplicationFactory(jobcenter=org.b)
    assert ids(api_for(org.staff).get(URL)) == [str(older.public_id), str(newer.public_id)]
    assert ids(api_for(org.staff).get(URL, {"ordering": "-lodged_at"})) == [str(newer.public_id), str(older.public_id)]


def test_it_shows_what_staff_need_to_triage(org, api_for):
    app = ApplicationFactory(
        jobcenter=org.a,
        surname="Lange",
        household_size=4,
        team=org.team2,
        lodged_at=timezone.now() - timedelta(days=130),
    )
    DocumentRequest.objects.create(
        application=app,
        description="x",
        legal_basis="y",
        consequences_text="z",
        consequences_version="1",
        deadline=timezone.localdate() - timedelta(days=1),
    )
    DocumentRequest.objects.create(
        application=app,
        description="x",
        legal_basis="y",
        consequences_text="z",
        consequences_version="1",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    DocumentRequest.objects.create(
        application=app,
        description="x",
        legal_basis="y",
        consequences_text="z",
        consequences_version="1",
        deadline=timezone.localdate() - timedelta(days=5),
        status=DocumentRequestStatus.FULFILLED,
    )
    Message.objects.create(application=app, body="Hallo", from_jobcenter=False)
    Message.objects.create(application=app, body="Antwort", from_jobcenter=True)
    row = api_for(org.staff).get(URL).json()["results"][0]
    assert row["reference"] == app.reference
    assert row["applicant_name"] == "Alex Lange"
    assert row["household_size"] == 4
    assert row["team"] == {"id": str(org.team2.public_id), "name": "Leistung L-Z"}
    assert row["assigned_to"] is None
    assert row["open_document_requests"] == 2
    assert row["overdue_document_requests"] == 1
    assert row["unread_messages"] == 1
    assert row["inaction_deadline"]["flag"] == "warning"
    assert 45 <= row["inaction_deadline"]["days_left"] <= 55


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "in_review"}, ["review"]),
        ({"status": "approved,rejected"}, ["approved"]),
        ({"assigned": "me"}, ["mine"]),
        ({"assigned": "unassigned"}, ["old", "review", "team2"]),
        ({"assigned": "others"}, ["other"]),
        ({"deadline": "critical"}, ["old"]),
        ({"overdue": "true"}, ["old"]),
        ({"documents_overdue": "true"}, ["review"]),
        ({"lodged_from": "2026-10-01", "lodged_to": "2026-10-31"}, ["review", "mine"]),
    ],
)
def test_it_filters(org, api_for, query, expected, settings):
    berlin = timezone.get_default_timezone()
    from datetime import datetime

    def at(day):
        return datetime(2026, *day, 12, tzinfo=berlin)

    apps = {
        "old": ApplicationFactory(jobcenter=org.a, surname="Abel", lodged_at=at((5, 20))),
        "review": ApplicationFactory(jobcenter=org.a, surname="Bach", status="in_review", lodged_at=at((10, 2))),
        "mine": ApplicationFactory(jobcenter=org.a, surname="Cramer", assigned_to=org.staff, lodged_at=at((10, 30))),
        "other": ApplicationFactory(jobcenter=org.a, surname="Dahl", assigned_to=org.staff2, lodged_at=at((11, 1))),
        "team2": ApplicationFactory(jobcenter=org.a, surname="Zander", lodged_at=at((11, 2))),
        "approved": ApplicationFactory(jobcenter=org.a, status="approved", lodged_at=at((3, 1))),
    }
    DocumentRequest.objects.create(
        application=apps["review"],
        description="x",
        legal_basis="y",
        consequences_text="z",
        consequences_version="1",
        deadline=timezone.localdate() - timedelta(days=1),
    )
    names = {str(v.public_id): k for k, v in apps.items()}
    got = [names[i] for i in ids(api_for(org.staff).get(URL, query))]
    assert got == expected


def test_it_filters_by_team(org, api_for):
    ApplicationFactory(jobcenter=org.a, surname="Abel", team=org.team1)
    zander = ApplicationFactory(jobcenter=org.a, surname="Zander", team=org.team2)
    assert ids(api_for(org.staff).get(URL, {"team": str(org.team2.public_id)})) == [str(zander.public_id)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "bogus"}, "status.0"),
        ({"assigned": "somebody"}, "assigned"),
        ({"deadline": "soon"}, "deadline"),
        ({"lodged_from": "31.12.2026"}, "lodged_from"),
        ({"lodged_from": "2026-12-01", "lodged_to": "2026-11-01"}, "lodged_to"),
        ({"team": "not-a-uuid"}, "team"),
    ],
)
def test_it_refuses_bad_filters_naming_the_field(org, api_for, query, field):
    response = api_for(org.staff).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_it_pages_with_a_cursor(org, api_for):
    now = timezone.now()
    apps = [ApplicationFactory(jobcenter=org.a, lodged_at=now - timedelta(days=30 - n)) for n in range(7)]
    client = api_for(org.staff)
    first = client.get(URL, {"page_size": 5}).json()
    assert [r["id"] for r in first["results"]] == [str(a.public_id) for a in apps[:5]]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [str(a.public_id) for a in apps[5:]]
    assert second["next"] is None


def test_it_does_not_grow_queries_with_the_page_size(org, api_for):
    now = timezone.now()
    for n in range(25):
        app = ApplicationFactory(
            jobcenter=org.a, household_size=2, lodged_at=now - timedelta(days=n), assigned_to=org.staff
        )
        Message.objects.create(application=app, body="?", from_jobcenter=False)
    client = api_for(org.staff)
    client.get(URL)  # routes all 25 (one-off writes)

    def count(page_size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(ctx.captured_queries)

    assert count(5) == count(25)


def test_it_records_who_saw_which_applications(org, api_for):
    app = ApplicationFactory(jobcenter=org.a)
    api_for(org.staff).get(URL)
    event = AuditEvent.objects.get(action="queue.list")
    assert event.actor == org.staff
    assert event.data["applications"] == [str(app.public_id)]
    assert event.jobcenter == org.a
