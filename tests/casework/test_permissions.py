"""Every queue endpoint x every role and foreign tenant.

- citizens (the applicant included), counsellors, admins without a Jobcenter: 403
- staff and team leads of Jobcenter B: 404 on everything of Jobcenter A, and
  their lists and figures show nothing of it
- counsellors with ``CASEWORK_COUNSELLORS_READ_OWN_CLIENTS``: read their own
  clients' applications (list, detail), nothing else; a client is a citizen
  they have or had a (not cancelled) appointment with
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.constants import ApplicationStatus as S
from applications.models import Application, Document, DocumentRequest
from appointments.constants import AppointmentStatus
from casework.models import InternalNote
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory


@pytest.fixture
def target(org, _private_storage):
    """A case of Jobcenter A with a document, a request and a decision-ready state."""
    app = ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.IN_REVIEW, assigned_to=org.staff)
    (_private_storage / "documents").mkdir(parents=True, exist_ok=True)
    (_private_storage / "documents" / "p.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    request = DocumentRequest.objects.create(
        application=app,
        description="x",
        legal_basis="y",
        consequences_text="z",
        consequences_version="1",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    document = Document.objects.create(
        application=app,
        storage_name="documents/p.pdf",
        original_name="p.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        document_request=request,
    )
    return app, document, request


def endpoints(app, document, request):
    case = f"/api/v1/queue/applications/{app.public_id}/"
    req = f"{case}document-requests/{request.public_id}/"
    return [
        # (name, method, url, body, concerns one object of Jobcenter A)
        ("list", "get", "/api/v1/queue/applications/", None, False),
        ("claim-next", "post", "/api/v1/queue/applications/claim-next/", {}, False),
        ("unread", "get", "/api/v1/queue/unread/", None, False),
        ("stats", "get", "/api/v1/queue/stats/", None, False),
        ("case", "get", case, None, True),
        ("assign", "post", case + "assign/", {"assignee": None}, True),
        ("release", "post", case + "release/", {}, True),
        ("transition", "post", case + "transition/", {"target": "documents_requested"}, True),
        ("decision.get", "get", case + "decision/", None, True),
        ("decision.post", "post", case + "decision/", {"outcome": "rejected", "reason": "x"}, True),
        ("decision.document", "get", case + "decision/document/", None, True),
        ("document", "get", f"{case}documents/{document.public_id}/", None, True),
        ("requests.get", "get", case + "document-requests/", None, True),
        ("requests.post", "post", case + "document-requests/", {"description": "x"}, True),
        ("request.accept", "post", req + "accept/", {}, True),
        ("request.reject", "post", req + "reject/", {"reason": "x"}, True),
        ("notes.get", "get", case + "notes/", None, True),
        ("notes.post", "post", case + "notes/", {"body": "x"}, True),
        ("messages.get", "get", case + "messages/", None, True),
        ("messages.post", "post", case + "messages/", {"body": "x"}, True),
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return client.post(url, body, format="json")


def snapshot(app):
    app.refresh_from_db()
    return (
        app.status,
        app.assigned_to_id,
        app.team_id,
        app.version,
        app.document_requests.count(),
        app.messages.count(),
        InternalNote.objects.filter(application=app).count(),
    )


@pytest.mark.parametrize("who", ["applicant", "other_citizen", "counsellor", "admin"])
def test_it_refuses_everyone_without_a_benefits_role(org, target, api_for, who):
    app, document, request = target
    user = {
        "applicant": app.applicant,
        "other_citizen": UserFactory(citizen=True),
        "counsellor": org.counsellor,
        "admin": UserFactory(admin=True),
    }[who]
    client = api_for(user)
    before = snapshot(app)
    for name, method, url, body, _ in endpoints(app, document, request):
        response = call(client, method, url, body)
        assert response.status_code == 403, (name, response.status_code)
        assert response.json()["code"] == "role_required", name
    assert snapshot(app) == before


def test_it_refuses_anonymous_callers(org, target, api):
    app, document, request = target
    for name, method, url, body, _ in endpoints(app, document, request):
        response = call(api, method, url, body)
        assert response.status_code in (401, 403), name
        assert response.json()["code"] == "not_authenticated", name


def test_it_asks_staff_for_the_second_factor(org, target, api_for):
    app, document, request = target
    client = api_for(org.staff, mfa=False)
    for name, method, url, body, _ in endpoints(app, document, request):
        assert call(client, method, url, body).json()["code"] == "mfa_required", name


@pytest.mark.parametrize("who", ["staff_b", "lead_b"])
def test_it_shows_jobcenter_b_nothing_of_jobcenter_a(org, target, api_for, who):
    app, document, request = target
    ApplicationFactory(jobcenter=org.a, team=org.team1)  # an unassigned one, claimable in A
    client = api_for(getattr(org, who))
    before = snapshot(app)
    for name, method, url, body, of_a in endpoints(app, document, request):
        response = call(client, method, url, body)
        if of_a:
            expected = 403 if (name == "assign" and who == "staff_b") else 404  # assigning needs the role first
            assert response.status_code == expected, (name, response.status_code)
        elif name == "list":
            assert response.json()["results"] == []
        elif name == "claim-next":
            assert response.status_code == 204
        elif name == "stats":
            assert response.json()["jobcenter"]["counts"]["in_review"] == 0
        elif name == "unread":
            assert response.json()["total"] == 0
    assert snapshot(app) == before
    assert not Application.objects.filter(jobcenter=org.a, assigned_to=getattr(org, who)).exists()


def test_it_lets_staff_and_leads_of_jobcenter_a_in(org, target, api_for):
    app, document, request = target
    for user in (org.staff, org.lead):
        client = api_for(user)
        for name, method, url, _body, _ in endpoints(app, document, request):
            if method == "get" and not name.startswith("decision"):
                assert call(client, method, url, None).status_code == 200, (user, name)


def appointment_with(counsellor, citizen, status=AppointmentStatus.ATTENDED, *, jobcenter=None):
    """An appointment of ``counsellor`` with ``citizen``; attended ones lie in the past."""
    extra = {}
    if status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        extra["start"] = timezone.now() - timedelta(days=30)
    return AppointmentFactory(
        appointment_type=AppointmentTypeFactory(jobcenter=jobcenter or counsellor.jobcenter),
        counsellor=counsellor,
        citizen=citizen,
        status=status,
        **extra,
    )


def test_it_keeps_benefit_applications_from_counsellors_by_default(org, target, api_for, settings):
    settings.CASEWORK_COUNSELLORS_READ_OWN_CLIENTS = False
    app, _document, _request = target
    appointment_with(org.counsellor, app.applicant)
    client = api_for(org.counsellor)
    for url in ("/api/v1/queue/applications/", f"/api/v1/queue/applications/{app.public_id}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "role_required"


@pytest.mark.parametrize("status", [AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW])
def test_it_lets_counsellors_read_their_own_clients_when_allowed(org, target, api_for, settings, status):
    settings.CASEWORK_COUNSELLORS_READ_OWN_CLIENTS = True
    app, document, request = target
    other = ApplicationFactory(jobcenter=org.a, team=org.team1)
    appointment_with(org.counsellor, app.applicant, status)
    client = api_for(org.counsellor)

    rows = client.get("/api/v1/queue/applications/", {"status": "in_review,submitted"}).json()["results"]
    assert [r["id"] for r in rows] == [str(app.public_id)]
    detail = client.get(f"/api/v1/queue/applications/{app.public_id}/")
    assert detail.status_code == 200
    assert detail.json()["allowed_transitions"] == []
    assert client.get(f"/api/v1/queue/applications/{other.public_id}/").status_code == 404

    before = snapshot(app)
    for name, method, url, body, _ in endpoints(app, document, request):
        if name in ("list", "case"):
            continue
        response = call(client, method, url, body)
        assert response.status_code == 403, (name, response.status_code)
    assert snapshot(app) == before


def test_it_shows_counsellors_no_client_without_an_appointment_of_their_own(org, target, api_for, settings):
    """A cancelled appointment, a colleague's appointment and an appointment in another
    Jobcenter make no one a client."""
    settings.CASEWORK_COUNSELLORS_READ_OWN_CLIENTS = True
    app, _document, _request = target
    appointment_with(org.counsellor, app.applicant, AppointmentStatus.CANCELLED)
    appointment_with(UserFactory(counsellor=True, jobcenter=org.a), app.applicant)
    appointment_with(org.counsellor, app.applicant, jobcenter=org.b)
    client = api_for(org.counsellor)

    assert client.get("/api/v1/queue/applications/").json()["results"] == []
    response = client.get(f"/api/v1/queue/applications/{app.public_id}/")
    assert response.status_code == 404
    assert response.json()["status"] == 404
