"""The appointments part of a citizen's copy of their data (Art. 15 DSGVO)."""

from __future__ import annotations

from typing import Any

from appointments.models import Appointment
from portal.clock import berlin_localtime
from portal.models import AuditEvent


def _at(value) -> str | None:
    # Local time with its offset, as the API and the .ics show it.
    return berlin_localtime(value).isoformat() if value is not None else None


def appointments_personal_data(user) -> list[dict[str, Any]]:
    """Every appointment and invitation of ``user``, cancelled ones included, with
    the notes they wrote, the answers they gave and who read it.

    Employees are named as the citizen meets them in the portal (the counsellor
    of the appointment) or by role only (the access log).
    """
    appointments = (
        Appointment.objects.filter(citizen=user)
        .select_related("appointment_type", "counsellor", "location", "legal_notice", "application")
        .order_by("start", "id")
    )
    rows = list(appointments)
    access: dict[str, list[dict]] = {}
    events = AuditEvent.objects.filter(
        object_type=Appointment._meta.label_lower, object_id__in=[str(a.public_id) for a in rows]
    ).order_by("created_at", "id")
    for event in events:
        access.setdefault(event.object_id, []).append(
            {"at": _at(event.created_at), "action": event.action, "by_role": event.actor_role}
        )
    return [_appointment(a, user, access.get(str(a.public_id), [])) for a in rows]


def _appointment(a: Appointment, user, access: list[dict]) -> dict[str, Any]:
    return {
        "id": str(a.public_id),
        "appointment_type": a.appointment_type.name,
        "start": _at(a.start),
        "end": _at(a.end),
        "channel": a.channel,
        "location": a.location.name if a.location else None,
        "status": a.status,
        "counsellor": a.counsellor.display_name,
        "application": str(a.application.public_id) if a.application else None,
        "languages": a.languages,
        "note": a.note,
        "booked_at": _at(a.created_at),
        "cancelled_at": _at(a.cancelled_at),
        "cancelled_by_you": a.cancelled_by_id == user.pk if a.cancelled_at else None,
        "cancel_reason": a.cancel_reason,
        "invitation": _invitation(a) if a.is_invitation else None,
        "access_log": access,
    }


def _invitation(a: Appointment) -> dict[str, Any]:
    notice = a.legal_notice
    return {
        "purpose": a.purpose,
        "legal_notice": {"code": notice.code, "version": notice.version, "valid_from": notice.valid_from.isoformat()}
        if notice
        else None,
        "response": a.response,
        "response_note": a.response_note,
        "responded_at": _at(a.responded_at),
    }
