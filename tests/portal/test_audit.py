"""The audit trail: who did or read what, append-only, and the staff list of
one object's events (itself audited)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from portal.audit import audit_record
from portal.models import AuditEvent
from tests.factories import JobcenterFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit-events/"


def test_it_records_actor_role_jobcenter_and_request_id():
    staff = UserFactory(staff=True)
    event = audit_record(actor=staff, action="application.read", object_type="applications.application", object_id="a1")
    assert event.actor_id == staff.pk
    assert event.actor_role == "staff"
    assert event.jobcenter_id == staff.jobcenter_id
    assert event.created_at.utcoffset().total_seconds() == 0  # stored in UTC


def test_it_records_system_actions_without_an_actor():
    event = audit_record(actor=None, action="retention.run", object_type="job", object_id="1")
    assert event.actor is None
    assert event.actor_role == "system"


def test_it_lists_the_events_of_one_object_to_staff_of_the_same_jobcenter(api_for):
    jobcenter = JobcenterFactory()
    staff = UserFactory(staff=True, jobcenter=jobcenter)
    colleague = UserFactory(staff=True, jobcenter=jobcenter)
    mine = audit_record(
        actor=colleague, action="application.read", object_type="applications.application", object_id="A-1"
    )
    audit_record(actor=colleague, action="application.read", object_type="applications.application", object_id="A-2")

    response = api_for(staff).get(URL, {"object_type": "applications.application", "object_id": "A-1"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == str(mine.public_id)
    assert row["actor"] == str(colleague.public_id)
    assert row["action"] == "application.read"
    assert "no-store" in response["Cache-Control"]


def test_it_hides_events_of_another_jobcenter(api_for):
    stranger = UserFactory(staff=True)  # another Jobcenter
    audit_record(actor=stranger, action="application.read", object_type="applications.application", object_id="B-1")
    staff = UserFactory(staff=True)
    response = api_for(staff).get(URL, {"object_type": "applications.application", "object_id": "B-1"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_it_records_who_read_the_trail(api_for):
    staff = UserFactory(staff=True)
    response = api_for(staff).get(URL, {"object_type": "applications.application", "object_id": "C-1"})
    assert response["X-Request-ID"]
    event = AuditEvent.objects.get(action="audit_event.list")
    assert (event.actor_id, event.object_type, event.object_id) == (staff.pk, "applications.application", "C-1")
    assert event.jobcenter_id == staff.jobcenter_id
    assert event.request_id == response["X-Request-ID"]


def test_it_names_missing_parameters(api_for):
    response = api_for(UserFactory(staff=True)).get(URL, {"object_type": "applications.application"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["object_id"]
    assert not AuditEvent.objects.exists()


def test_it_refuses_citizens_and_counsellors(citizen_api, api_for):
    params = {"object_type": "portal.user", "object_id": "1"}
    assert citizen_api.get(URL, params).json()["code"] == "role_required"
    assert api_for(UserFactory(counsellor=True)).get(URL, params).json()["code"] == "role_required"
    assert not AuditEvent.objects.exists()


def test_it_lets_a_team_lead_read_the_trail(api_for):
    team_lead = UserFactory(team_lead=True)
    response = api_for(team_lead).get(URL, {"object_type": "portal.user", "object_id": "1"})
    assert response.status_code == 200


@pytest.mark.postgres
def test_it_refuses_update_and_delete_on_postgresql():
    event = audit_record(actor=None, action="retention.run", object_type="x", object_id="1")
    for sql in (
        "UPDATE portal_auditevent SET action = 'x.changed' WHERE id = %s",
        "DELETE FROM portal_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "retention.run"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # SET LOCAL must end with a real transaction
def test_it_lets_retention_delete_inside_its_own_transaction():
    event = audit_record(actor=None, action="retention.run", object_type="x", object_id="1")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.audit_retention = 'on'")
        cursor.execute("DELETE FROM portal_auditevent WHERE id = %s", [event.pk])
    assert not AuditEvent.objects.filter(pk=event.pk).exists()
    # The permission ended with the transaction.
    other = audit_record(actor=None, action="retention.run", object_type="x", object_id="2")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=other.pk).delete()


@pytest.mark.django_db
def test_it_refuses_an_action_that_is_not_in_the_list():
    with pytest.raises(ValueError):
        audit_record(actor=None, action="made.up", object_type="x", object_id="1")
    assert not AuditEvent.objects.filter(action="made.up").exists()


@pytest.mark.parametrize("object_type", ["portal.user", "appointments.appointment", "casework.queue"])
def test_it_accepts_every_documented_object_type(api_for, object_type):
    staff = UserFactory(staff=True)
    audit_record(actor=staff, action="application.read", object_type=object_type, object_id="D-1")

    response = api_for(staff).get(URL, {"object_type": object_type, "object_id": "D-1"})

    assert response.status_code == 200
    assert [e["object_type"] for e in response.json()["results"]] == [object_type]


def test_it_names_an_unknown_object_type(api_for):
    staff = UserFactory(staff=True)

    response = api_for(staff).get(URL, {"object_type": "applications.applicaton", "object_id": "D-1"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation"
    assert list(body["errors"]) == ["object_type"]
    assert "applications.application" in body["errors"]["object_type"][0]
    # A refused read is not on record as a read of the trail.
    assert not AuditEvent.objects.filter(action="audit_event.list").exists()
