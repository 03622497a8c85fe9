"""The objects of citizen A that every cell of the access matrix is driven against,
and the people who ask. Built once per test (a few hundred milliseconds).

A has: an application in work (documents requested, assigned to the staff member),
with a child, an income and an asset entry, an uploaded document answering an
open document request, Postfach messages both ways, an internal note and audit
events; a second, decided application with its notice (PDF); a video
appointment with the counsellor whose room is open now, with an invited guest;
and a binding invitation next week. Everything that identifies A is collected
in ``secrets``: no body outside A's own cells may contain any of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import AssetEntry, Document, IncomeEntry
from casework.models import InternalNote
from casework.services import application_decide
from portal.audit import audit_record
from portal.constants import Role
from tests.applications.factories import (
    VALID_IBAN,
    ApplicationFactory,
    DocumentRequestFactory,
    HouseholdMemberFactory,
    MessageFactory,
)
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory
from tests.factories import JobcenterFactory, TeamFactory, UserFactory, login
from tests.security.uploads_corpus import pdf
from tests.video.factories import VideoAppointmentFactory
from video.services import guest_invite

ROLES = ("anon", "a", "b", "counsellor", "guest", "staff", "lead", "foreign", "admin")
# Who may see (some of) A's data at all; every other role's bodies are searched for it.
STAFF_ONLY = "INTERN-NOTIZ-7Q"


@dataclass
class World:
    users: dict
    guest_key: str
    ids: dict[str, str]
    secrets: dict[str, str] = field(default_factory=dict)  # label -> text that must not leak
    objects: dict = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role == "guest":
            client.credentials(HTTP_X_VIDEO_GUEST=self.guest_key)
        elif role != "anon":
            login(client, self.users[role])
        return client


def build_world(storage_root) -> World:
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    jobcenter = JobcenterFactory(slug="kaiserslautern", name="Jobcenter Kaiserslautern", reference_prefix="KL")
    elsewhere = JobcenterFactory(slug="jc-elsewhere", name="Jobcenter Anderswo", reference_prefix="AW")
    team = TeamFactory(jobcenter=jobcenter)
    users = {
        "a": UserFactory(
            citizen=True, first_name="Wilhelmina", last_name="Zwackelmann", email="w.zwackelmann@example.org"
        ),
        "b": UserFactory(citizen=True, first_name="Bertold", last_name="Brecht-Nachbar"),
        "counsellor": UserFactory(counsellor=True, jobcenter=jobcenter),
        "staff": UserFactory(staff=True, jobcenter=jobcenter, teams=[team]),
        "lead": UserFactory(team_lead=True, jobcenter=jobcenter, teams=[team]),
        "foreign": UserFactory(staff=True, jobcenter=elsewhere, teams=[TeamFactory(jobcenter=elsewhere)]),
        "admin": UserFactory(admin=True),
    }
    a, staff = users["a"], users["staff"]

    # The decided application first: A may have one open application at a time.
    decided = ApplicationFactory(in_review=True, jobcenter=jobcenter, applicant=a, team=team, assigned_to=staff)
    decision = application_decide(
        application=decided,
        actor=staff,
        outcome="approved",
        starts_on=timezone.localdate().replace(day=1),
        upload=SimpleUploadedFile("bescheid.pdf", pdf("Bescheid Zwackelmann")),  # (generating one takes a second)
    )
    decided.refresh_from_db()

    app = ApplicationFactory(documents_requested=True, jobcenter=jobcenter, applicant=a, team=team, assigned_to=staff)
    app.refresh_from_db()
    child = HouseholdMemberFactory(application=app, first_name="Kasimir", last_name="Zwackelmann")
    applicant_member = app.members.get(relationship="applicant")
    income = IncomeEntry.objects.create(
        application=app,
        member=applicant_member,
        kind="employment",
        gross_monthly=Decimal("520.00"),
        net_monthly=Decimal("520.00"),
        source="Bäckerei Zwackelmann-Söhne",
    )
    asset = AssetEntry.objects.create(
        application=app, member=applicant_member, kind="savings", value=Decimal("1200.00"), description="Sparbuch"
    )
    request = DocumentRequestFactory(application=app, description="Kontoauszüge Girokonto Zwackelmann")
    content = pdf("Kontoauszug Zwackelmann")
    (storage_root / "documents").mkdir(parents=True, exist_ok=True)
    stored_name = "documents/" + "a" * 32 + ".pdf"
    (storage_root / stored_name).write_bytes(content)
    document = Document.objects.create(
        application=app,
        storage_name=stored_name,
        original_name="kontoauszug-zwackelmann.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        document_request=request,
        uploaded_by=a,
    )
    to_a = MessageFactory(
        application=app, from_jobcenter=True, author=staff, body="Bitte Kontoauszug BRIEF-11X senden."
    )
    from_a = MessageFactory(application=app, from_jobcenter=False, author=a, body="Anbei mein Kontoauszug BRIEF-22Y.")
    InternalNote.objects.create(application=app, author=staff, body=f"{STAFF_ONLY} Nachweise prüfen.")
    events = [
        audit_record(actor=staff, action="application.read", obj=app, jobcenter=jobcenter),
        audit_record(actor=staff, action="document.read", obj=app, jobcenter=jobcenter),
    ]

    appointment_type = AppointmentTypeFactory(jobcenter=jobcenter, team=team)
    users["counsellor"].teams.add(team)
    video = VideoAppointmentFactory(
        counsellor=users["counsellor"], citizen=a, appointment_type=appointment_type, note="Termin Zwackelmann"
    )
    video.application = app
    video.save(update_fields=["application"])
    guest, guest_key = guest_invite(
        appointment=video,
        actor=users["counsellor"],
        kind="interpreter",
        display_name="Dolmetscherin Olga",
        email="olga.dolmetsch@example.org",
        language="uk",
    )
    invitation = AppointmentFactory(
        invited=True,
        appointment_type=appointment_type,
        counsellor=users["counsellor"],
        citizen=a,
        invited_by=staff,
        start=timezone.now() + timedelta(days=8),
    )

    world = World(
        users=users,
        guest_key=guest_key,
        ids={
            "application": str(app.public_id),
            "decided": str(decided.public_id),
            "member": str(child.public_id),
            "applicant_member": str(applicant_member.public_id),
            "income_entry": str(income.public_id),
            "asset_entry": str(asset.public_id),
            "document": str(document.public_id),
            "request": str(request.public_id),
            "video": str(video.public_id),
            "invitation": str(invitation.public_id),
            "guest": str(guest.public_id),
            "appointment_type": str(appointment_type.public_id),
            "citizen_a": str(a.public_id),
            "jobcenter": str(jobcenter.public_id),
            "counsellor": str(users["counsellor"].public_id),
            "team": str(team.public_id),
            "staff": str(staff.public_id),
        },
        objects={"app": app, "decided": decided, "video": video, "invitation": invitation, "jobcenter": jobcenter},
    )
    world.secrets = {
        "A's surname": "Zwackelmann",
        "A's e-mail": a.email,
        "reference": app.reference,
        "reference of the decided application": decided.reference,
        "IBAN": VALID_IBAN,
        "application id": str(app.public_id),
        "decided application id": str(decided.public_id),
        "decision id": str(decision.public_id),
        "document id": str(document.public_id),
        "document request id": str(request.public_id),
        "message to A": "BRIEF-11X",
        "message from A": "BRIEF-22Y",
        "message id": str(from_a.public_id),
        "internal note": STAFF_ONLY,
        "income source": "Bäckerei",
        "video appointment id": str(video.public_id),
        "invitation id": str(invitation.public_id),
        "guest id": str(guest.public_id),
        "guest e-mail": "olga.dolmetsch@example.org",
        "audit event id": str(events[0].public_id),
        "PDF": "%PDF-",
        "calendar": "BEGIN:VCALENDAR",
    }
    world.secrets["message id to A"] = str(to_a.public_id)
    return world
