"""The applications part of a citizen's copy of their data (Art. 15 DSGVO)."""

from __future__ import annotations

from typing import Any

from applications.api.output import (
    application_summary,
    document_request_out,
    message_out,
    timeline_out,
)
from applications.models import Application
from applications.selectors import application_detail_queryset
from applications.snapshot import application_data, plain
from portal.models import AuditEvent


def applications_personal_data(user) -> list[dict[str, Any]]:
    """Every application of ``user`` with all its parts, history and who accessed it.

    Staff are named by role only: the citizen learns that and when their data
    was read (Art. 15(1)(c)), not the private data of employees.
    """
    applications = (
        application_detail_queryset()
        .filter(applicant=user)
        .prefetch_related("timeline", "messages", "status_changes", "document_requests__documents")
        .order_by("created_at", "id")
    )
    out = []
    for application in applications:
        access = AuditEvent.objects.filter(
            object_type=Application._meta.label_lower, object_id=str(application.public_id)
        ).order_by("created_at", "id")
        out.append(
            {
                **application_summary(application),
                "withdrawal_reason": application.withdrawal_reason,
                **application_data(application),
                "snapshot": application.snapshot,
                "snapshot_sha256": application.snapshot_sha256 or None,
                "status_history": [
                    {
                        "from": change.from_status,
                        "to": change.to_status,
                        "at": plain(change.created_at),
                        "by_you": change.actor_id == user.pk,
                    }
                    for change in application.status_changes.all()
                ],
                "timeline": [timeline_out(e) for e in application.timeline.all()],
                "messages": [message_out(m) for m in application.messages.all()],
                "document_requests": [
                    document_request_out(r, application) for r in application.document_requests.all()
                ],
                "access_log": [
                    {"at": plain(e.created_at), "action": e.action, "by_role": e.actor_role} for e in access
                ],
            }
        )
    return out
