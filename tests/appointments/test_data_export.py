"""The appointments part of GET /api/v1/me/data-export/ (Art. 15 DSGVO)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.constants import AppointmentStatus, InvitationResponse
from portal.audit import audit_record
from tests.applications.factories import ApplicationFactory
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory, LegalNoticeFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/data-export/"


def test_it_exports_the_citizens_appointments_invitations_and_notes(citizen_api, citizen):
    appointment_type = AppointmentTypeFactory()
    application = ApplicationFactory(applicant=citizen, jobcenter=appointment_type.jobcenter)
    booked = AppointmentFactory(
        appointment_type=appointment_type, citizen=citizen, application=application, note="Bitte mit Dolmetscher"
    )
    cancelled = AppointmentFactory(
        appointment_type=appointment_type,
        citizen=citizen,
        start=booked.start + timedelta(hours=1),
        status=AppointmentStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancelled_by=citizen,
        cancel_reason="Krank",
    )
    notice = LegalNoticeFactory(version=7, text="Rechtsfolgenbelehrung v7")
    invitation = AppointmentFactory(
        appointment_type=appointment_type,
        citizen=citizen,
        start=booked.start + timedelta(hours=2),
        invited=True,
        legal_notice=notice,
        response=InvitationResponse.CHANGE_REQUESTED,
        response_note="Vorstellungsgespräch an dem Tag",
        responded_at=timezone.now(),
    )
    staff = UserFactory(staff=True, jobcenter=appointment_type.jobcenter)
    audit_record(actor=staff, action="appointment.read", obj=invitation)
    AppointmentFactory(appointment_type=appointment_type, note="someone else's")  # not the citizen's

    response = citizen_api.get(URL)

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["appointments"]}
    assert set(rows) == {str(booked.public_id), str(cancelled.public_id), str(invitation.public_id)}
    first = rows[str(booked.public_id)]
    assert first["note"] == "Bitte mit Dolmetscher"
    assert first["application"] == str(application.public_id)
    assert first["counsellor"] == booked.counsellor.display_name
    assert first["start"] == booked.start.isoformat()
    assert first["invitation"] is None
    second = rows[str(cancelled.public_id)]
    assert (second["status"], second["cancel_reason"], second["cancelled_by_you"]) == ("cancelled", "Krank", True)
    third = rows[str(invitation.public_id)]
    assert third["invitation"]["purpose"] == "placement"
    assert third["invitation"]["legal_notice"]["version"] == 7
    assert third["invitation"]["response"] == "change_requested"
    assert third["invitation"]["response_note"] == "Vorstellungsgespräch an dem Tag"
    assert [(e["action"], e["by_role"]) for e in third["access_log"]] == [("appointment.read", "staff")]
    assert "someone else's" not in response.content.decode()
