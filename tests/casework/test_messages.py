"""The Postfach thread from the staff side, with unread counters on both sides."""

from django.core import mail

from applications.models import Message
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory


def staff_url(app) -> str:
    return f"/api/v1/queue/applications/{app.public_id}/messages/"


def citizen_url(app, suffix="") -> str:
    return f"/api/v1/applications/{app.public_id}/messages/{suffix}"


def test_it_answers_the_citizen_and_counts_unread_on_both_sides(org, api_for, django_capture_on_commit_callbacks):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1, assigned_to=org.staff)
    citizen = api_for(app.applicant)
    staff = api_for(org.staff)
    assert citizen.post(citizen_url(app), {"body": "Wann wird entschieden?"}, format="json").status_code == 201
    assert citizen.post(citizen_url(app), {"body": "Und noch etwas."}, format="json").status_code == 201

    row = staff.get("/api/v1/queue/applications/").json()["results"][0]
    assert row["unread_messages"] == 2
    assert staff.get("/api/v1/queue/unread/").json() == {"total": 2, "mine": 2, "cases": 1}

    thread = staff.get(staff_url(app)).json()  # reading marks them read
    assert [m["body"] for m in thread] == ["Wann wird entschieden?", "Und noch etwas."]
    assert staff.get("/api/v1/queue/unread/").json()["total"] == 0
    assert staff.get("/api/v1/queue/applications/").json()["results"][0]["unread_messages"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(staff_url(app), {"body": "In der nächsten Woche."}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["from_jobcenter"] is True
    assert citizen.get(citizen_url(app)).json()["unread"] == 1
    assert len(mail.outbox) == 1 and "nächsten Woche" not in mail.outbox[0].body
    events = citizen.get(f"/api/v1/applications/{app.public_id}/timeline/").json()["events"]
    assert events[-1]["kind"] == "message_from_jobcenter"


def test_it_lets_only_the_assignee_or_a_team_lead_answer(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, team=org.team1, assigned_to=org.staff2)
    response = api_for(org.staff).post(staff_url(app), {"body": "Hallo"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_assigned_to_you"
    assert api_for(org.lead).post(staff_url(app), {"body": "Hallo"}, format="json").status_code == 201
    assert Message.objects.filter(application=app).count() == 1


def test_it_refuses_an_empty_or_overlong_answer(org, api_for, settings):
    settings.APPLICATION_MESSAGE_MAX_LENGTH = 10
    app = ApplicationFactory(jobcenter=org.a, assigned_to=org.staff)
    for body in ("", "x" * 11):
        response = api_for(org.staff).post(staff_url(app), {"body": body}, format="json")
        assert response.status_code == 400
        assert "body" in response.json()["errors"]
    assert not Message.objects.exists()


def test_it_audits_every_read_of_the_thread(org, api_for):
    app = ApplicationFactory(jobcenter=org.a)
    api_for(org.staff2).get(staff_url(app))
    assert AuditEvent.objects.filter(
        action="application.messages.read", actor=org.staff2, object_id=str(app.public_id)
    ).exists()
