"""The audit trail: ``audit_record(...)`` is the only way to write one.

Every action that can be recorded is a member of ``AuditAction``; the audit
endpoint filters by the object types in ``AuditObjectType``. Both lists are
documented in docs/security.md ("Audit trail").
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import AuditEvent
from portal.requestid import current_request_id


class AuditAction(models.TextChoices):
    """Every event the portal records. Reads of a citizen's data by staff are events too."""

    # Accounts and the shared core
    USER_UPDATE = "user.update", _("Profile changed")
    PERSONAL_DATA_EXPORT = "personal_data.export", _("Personal data exported (Art. 15 GDPR)")
    AUDIT_EVENT_LIST = "audit_event.list", _("Audit trail read")
    RETENTION_RUN = "retention.run", _("Retention run")
    # Applications (citizen side and the shared state machine)
    APPLICATION_CREATE = "application.create", _("Application started")
    APPLICATION_UPDATE = "application.update", _("Application section changed")
    APPLICATION_MEMBER_ADD = "application.member.add", _("Household member added")
    APPLICATION_MEMBER_DELETE = "application.member.delete", _("Household member removed")
    APPLICATION_INCOME_ADD = "application.incomeentry.add", _("Income entry added")
    APPLICATION_INCOME_DELETE = "application.incomeentry.delete", _("Income entry removed")
    APPLICATION_ASSET_ADD = "application.assetentry.add", _("Asset entry added")
    APPLICATION_ASSET_DELETE = "application.assetentry.delete", _("Asset entry removed")
    APPLICATION_DOCUMENT_UPLOAD = "application.document.upload", _("Evidence uploaded")
    APPLICATION_DOCUMENT_DELETE = "application.document.delete", _("Evidence deleted")
    APPLICATION_DELETE = "application.delete", _("Draft deleted")
    APPLICATION_MESSAGE_CREATE = "application.message.create", _("Message sent")
    APPLICATION_MESSAGE_READ = "application.message.read", _("Messages marked as read")
    APPLICATION_TRANSITION = "application.transition", _("Application status changed")
    APPLICATION_RETENTION_DELETE = "application.retention_delete", _("Expired draft deleted")
    # Casework (staff side)
    APPLICATION_READ = "application.read", _("Case read")
    APPLICATION_DOCUMENT_REQUESTS_READ = "application.document_requests.read", _("Document requests read")
    APPLICATION_NOTES_READ = "application.notes.read", _("Internal notes read")
    APPLICATION_MESSAGES_READ = "application.messages.read", _("Messages read by staff")
    APPLICATION_ROUTE = "application.route", _("Case routed to a team")
    APPLICATION_CLAIM = "application.claim", _("Case claimed")
    APPLICATION_ASSIGN = "application.assign", _("Case assigned")
    APPLICATION_RELEASE = "application.release", _("Case released")
    APPLICATION_DECIDE = "application.decide", _("Decision made")
    APPLICATION_NOTE_CREATE = "application.note.create", _("Internal note written")
    DOCUMENT_REQUEST_CREATE = "document_request.create", _("Documents requested")
    DOCUMENT_REQUEST_ACCEPT = "document_request.accept", _("Document request accepted")
    DOCUMENT_REQUEST_REJECT = "document_request.reject", _("Document request rejected")
    DOCUMENT_REQUEST_REMIND = "document_request.remind", _("Document request reminder sent")
    DOCUMENT_READ = "document.read", _("Evidence read by staff")
    DECISION_READ = "decision.read", _("Decision read by staff")
    DECISION_DOCUMENT_READ = "decision.document.read", _("Decision notice read by staff")
    DECISION_DOCUMENT_DOWNLOAD = "decision.document.download", _("Decision notice downloaded")
    QUEUE_LIST = "queue.list", _("Queue read")
    # Appointments
    APPOINTMENT_BOOK = "appointment.book", _("Appointment booked")
    APPOINTMENT_INVITE = "appointment.invite", _("Invitation sent")
    APPOINTMENT_CANCEL = "appointment.cancel", _("Appointment cancelled")
    APPOINTMENT_RESCHEDULE = "appointment.reschedule", _("Appointment moved")
    APPOINTMENT_ATTENDED = "appointment.attended", _("Attendance recorded")
    APPOINTMENT_NO_SHOW = "appointment.no_show", _("Absence recorded")
    APPOINTMENT_READ = "appointment.read", _("Appointment read by staff")
    INVITATION_CONFIRMED = "invitation.confirmed", _("Invitation confirmed")
    INVITATION_CHANGE_REQUESTED = "invitation.change_requested", _("Another date requested")
    AVAILABILITY_UPDATE = "availability.update", _("Availability changed")
    # Video
    VIDEO_GUEST_INVITE = "video.guest.invite", _("Guest invited")
    VIDEO_GUEST_REVOKE = "video.guest.revoke", _("Guest withdrawn")


class AuditObjectType(models.TextChoices):
    """The kinds of object events are recorded for (``<app>.<model>``), the
    names the audit endpoint's ``object_type`` filter accepts."""

    USER = "portal.user", _("Account")
    APPLICATION = "applications.application", _("Application")
    DOCUMENT = "applications.document", _("Evidence")
    APPOINTMENT = "appointments.appointment", _("Appointment")
    AVAILABILITY = "appointments.counsellorprofile", _("Availability")
    QUEUE = "casework.queue", _("Queue")
    RETENTION = "portal.retention", _("Retention")


def _role_of(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system" if actor is None else "anonymous"
    roles = sorted(actor.roles)
    return roles[0] if len(roles) == 1 else ",".join(roles)[:20]


def _jobcenter_id(*, actor, obj, jobcenter) -> int | None:
    """The tenant the event belongs to: given, else the object's, else the actor's."""
    if jobcenter is not None:
        return getattr(jobcenter, "pk", jobcenter)
    if obj is not None and getattr(obj, "jobcenter_id", None):
        return obj.jobcenter_id
    if actor is not None and getattr(actor, "jobcenter_id", None):
        return actor.jobcenter_id
    return None


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    jobcenter=None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``data`` holds ids and codes only, never personal data.

    ``action`` is an ``AuditAction`` (an unknown string is a programming error).
    The Jobcenter is taken from ``obj`` (or the actor) unless given.
    """
    action = AuditAction(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", obj.pk))
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_role=_role_of(actor),
        action=action.value,
        object_type=object_type or "",
        object_id=object_id or "",
        jobcenter_id=_jobcenter_id(actor=actor, obj=obj, jobcenter=jobcenter),
        request_id=current_request_id() or "",
        data=data or {},
    )
