"""The audit trail: ``audit_record(...)`` is the only way to write one."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.models import AuditEvent
from portal.requestid import current_request_id


def _role_of(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system" if actor is None else "anonymous"
    roles = sorted(actor.roles)
    return roles[0] if len(roles) == 1 else ",".join(roles)[:20]


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    jobcenter=None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``data`` holds ids and codes only, never personal data.

    ``action`` is dotted: ``application.read``, ``application.submit``, ...
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", obj.pk))
    if jobcenter is None and actor is not None and getattr(actor, "jobcenter_id", None):
        jobcenter_id = actor.jobcenter_id
    else:
        jobcenter_id = getattr(jobcenter, "pk", jobcenter)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_role=_role_of(actor),
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        jobcenter_id=jobcenter_id,
        request_id=current_request_id() or "",
        data=data or {},
    )
