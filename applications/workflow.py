"""The state machine of an application: the one table of allowed transitions.

::

    draft ──lodge──> lodged ──submit──> submitted ──> in_review ──> approved
      │                │                    │           │  ^    └──> rejected
      │                │                    │           v  │
      │                │                    │   documents_requested
      └─ (deleted)     └───────┴────────────┴───────────┴──> withdrawn (citizen)

A citizen may lodge, submit and withdraw their own application; staff move it
through review and decide; the system (actor ``None``: tasks, factories) may
do anything the table allows. ``application_transition`` is the only code that
changes ``Application.status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.constants import EDITABLE_STATUSES, PUBLIC_REASON_STATUSES, WITHDRAWABLE_STATUSES, TimelineKind
from applications.constants import ApplicationStatus as S
from applications.models import Application, StatusChange, TimelineEvent
from portal.api.conditional import if_match_check
from portal.api.problems import PreconditionFailed, Problem
from portal.audit import AuditAction, audit_record
from portal.constants import Role
from portal.versioning import save_new_version

CITIZEN = "citizen"
STAFF = "staff"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    by: frozenset[str]


def _t(source: str, target: str, *by: str) -> Transition:
    return Transition(source, target, frozenset(by))


TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, S.LODGED, CITIZEN),
    _t(S.LODGED, S.SUBMITTED, CITIZEN),
    _t(S.SUBMITTED, S.IN_REVIEW, STAFF),
    _t(S.IN_REVIEW, S.DOCUMENTS_REQUESTED, STAFF),
    _t(S.DOCUMENTS_REQUESTED, S.IN_REVIEW, STAFF),
    _t(S.IN_REVIEW, S.APPROVED, STAFF),
    _t(S.IN_REVIEW, S.REJECTED, STAFF),
    *(_t(source, S.WITHDRAWN, CITIZEN) for source in sorted(WITHDRAWABLE_STATUSES)),
)

# Timestamp field set when a state is entered.
STAMPS = {
    S.LODGED: "lodged_at",
    S.SUBMITTED: "submitted_at",
    S.APPROVED: "decided_at",
    S.REJECTED: "decided_at",
    S.WITHDRAWN: "withdrawn_at",
}
# The citizen's timeline entry for entering a state (with the reason in PUBLIC_REASON_STATUSES).
TIMELINE = {
    S.LODGED: TimelineKind.LODGED,
    S.SUBMITTED: TimelineKind.SUBMITTED,
    S.IN_REVIEW: TimelineKind.IN_REVIEW,
    S.DOCUMENTS_REQUESTED: TimelineKind.DOCUMENTS_REQUESTED,
    S.APPROVED: TimelineKind.APPROVED,
    S.REJECTED: TimelineKind.REJECTED,
    S.WITHDRAWN: TimelineKind.WITHDRAWN,
}


def side_of(actor, application: Application) -> str:
    """Which side of the table ``actor`` acts on for ``application``."""
    if actor is None:
        return SYSTEM
    if actor.pk == application.applicant_id:
        return CITIZEN
    if actor.has_role(Role.STAFF, Role.TEAM_LEAD) and actor.jobcenter_id == application.jobcenter_id:
        return STAFF
    return "none"


def allowed_targets(status: str, side: str | None = None) -> list[str]:
    """Next states from ``status``; for one side, or for anyone when ``side`` is None."""
    return [t.target for t in TRANSITIONS if t.source == status and (side is None or side == SYSTEM or side in t.by)]


def is_allowed(source: str, target: str, side: str) -> bool:
    return target in allowed_targets(source, side)


def citizen_actions(application: Application) -> dict[str, bool]:
    """What the applicant can do next with ``application`` (the table decides)."""
    next_states = allowed_targets(application.status, CITIZEN)
    return {
        "edit": application.status in EDITABLE_STATUSES,
        "lodge": S.LODGED in next_states,
        "submit": application.status in EDITABLE_STATUSES,
        "withdraw": S.WITHDRAWN in next_states,
        "delete": application.status == S.DRAFT,
        "message": application.lodged_at is not None,
    }


def application_lock(*, application: Application, if_match: str | None = None, queryset=None) -> Application:
    """Lock ``application``'s row for this transaction and check ``If-Match`` against it.

    Every write on an application starts here, so that two requests naming the
    same version are serialised and the second gets 412. A row deleted in the
    meantime is gone: 412 when the caller named a version (RFC 9110: no current
    representation matches), else 404. ``queryset`` lets a caller load more
    (``application_detail_queryset``) with the same lock.
    """
    queryset = Application.objects.all() if queryset is None else queryset
    try:
        locked = queryset.select_for_update(of=("self",)).get(pk=application.pk)
    except Application.DoesNotExist:
        if if_match:
            raise PreconditionFailed() from None
        raise Http404 from None
    if_match_check(if_match=if_match, obj=locked)
    return locked


@transaction.atomic
def application_transition(
    *,
    application: Application,
    target: str,
    actor,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    timeline_data: dict[str, Any] | None = None,
    if_match: str | None = None,
) -> Application:
    """Lock ``application`` (checking ``if_match``) and move it to ``target``
    (``transition_locked``)."""
    locked = application_lock(application=application, if_match=if_match)
    return transition_locked(
        locked=locked, target=target, actor=actor, reason=reason, changes=changes, timeline_data=timeline_data
    )


def transition_locked(
    *,
    locked: Application,
    target: str,
    actor,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    timeline_data: dict[str, Any] | None = None,
) -> Application:
    """Move ``locked`` (a row this transaction locked) to ``target``.

    1. Same status: nothing changes, return it (repeat requests are harmless).
    2. Check the table for the actor's side: 409 with the allowed next states.
    3. Apply ``changes`` (fields the calling service computed), stamp the time,
       save with a new version.
    4. Write the history row, the public timeline entry and the audit event.
    """
    source = locked.status
    if source == target:
        return locked
    side = side_of(actor, locked)
    if not is_allowed(source, target, side):
        allowed = allowed_targets(source, side)
        raise Problem(
            status=409,
            code="transition_not_allowed",
            detail=_("The application cannot go from “%(source)s” to “%(target)s”.")
            % {"source": S(source).label, "target": S(target).label if target in S.values else target},
            extra={"application_status": source, "allowed": allowed},
        )

    now = timezone.now()
    fields = {"status": target, **(changes or {})}
    if target in STAMPS:
        fields.setdefault(STAMPS[target], now)
    if target == S.WITHDRAWN:
        fields["withdrawal_reason"] = reason
    for name, value in fields.items():
        setattr(locked, name, value)
    save_new_version(locked, *fields)

    StatusChange.objects.create(application=locked, from_status=source, to_status=target, actor=actor, reason=reason)
    data = dict(timeline_data or {})
    if reason and target in PUBLIC_REASON_STATUSES:
        data["reason"] = reason
    TimelineEvent.objects.create(application=locked, kind=TIMELINE[target], data=data)
    audit_record(
        actor=actor, action=AuditAction.APPLICATION_TRANSITION, obj=locked, data={"from": source, "to": target}
    )
    return locked
