"""Writes of the staff side (Leistungssachbearbeitung).

Every service locks the application row, checks the caller's ``If-Match``
against the locked row (412 when the case changed meanwhile), refuses what the
case's state or the caller's position does not allow (a problem naming why),
writes with a new version (``portal.versioning.save_new_version``), records an
audit event (ids only) and sends e-mail only after the commit. Status changes
go through the one state machine, ``applications.workflow``.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import files
from applications.constants import (
    IN_CASEWORK_STATUSES,
    ApplicationStatus,
    DocumentRequestStatus,
    Relationship,
    TimelineKind,
)
from applications.models import Application, DocumentRequest, HouseholdMember, Message
from applications.selectors import messages_for
from applications.services import message_post, messages_mark_read, timeline_record
from applications.workflow import application_transition
from casework import conf, legal, notify
from casework.access import ensure_may_work, ensure_undecided
from casework.models import Decision, DecisionOutcome, InternalNote, RoutingRule
from casework.pdf import decision_pdf
from casework.routing import Rule, pick_team
from casework.selectors import case_read_for_staff, staff_member_of_jobcenter, team_of_jobcenter, with_queue_columns
from portal.api.conditional import if_match_check
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_today
from portal.constants import Role
from portal.versioning import save_new_version

DECISION_FOLDER = "decisions"


def _lock(application: Application, *, if_match: str | None = None) -> Application:
    """Lock the case's row and check ``If-Match`` against it, in the caller's transaction.

    The check must see the locked row: checked before the lock, two staff members
    sending the same ``If-Match`` at once would both pass and the second would
    overwrite the first."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("assigned_to", "team", "applicant", "jobcenter")
        .get(pk=application.pk)
    )
    if_match_check(if_match=if_match, obj=locked)
    return locked


logger = logging.getLogger(__name__)


# --- routing ----------------------------------------------------------------------------------
def _rules_of(jobcenter_id: int) -> list[Rule]:
    return [
        Rule(
            team_id=r.team_id,
            surname_from=r.surname_from,
            surname_to=r.surname_to,
            is_default=r.is_default,
            position=r.position,
        )
        for r in RoutingRule.objects.filter(jobcenter_id=jobcenter_id)
    ]


def application_route(*, application: Application) -> Application:
    """Give a just submitted application the team its Jobcenter's routing rules name.

    Called (through ``applications.signals.application_submitted``) inside the
    submit transaction with the locked row: the application enters the queue
    with its team, and the citizen's answer carries the row's final version.
    Without a matching rule it stays unrouted (team leads assign it).
    """
    if application.team_id is not None:
        return application
    member = application.applicant_member  # from the members the submit already loaded
    surname = (member.last_name if member else "") or application.applicant.last_name or ""
    team_id = pick_team(surname, _rules_of(application.jobcenter_id))
    if team_id is None:
        return application
    application.team_id = team_id
    save_new_version(application, "team")
    audit_record(actor=None, action=AuditAction.APPLICATION_ROUTE, obj=application, data={"team": team_id})
    return application


def applications_route_pending(*, jobcenter_id: int) -> int:
    """Give every submitted application of the Jobcenter that has no team yet the
    team its routing rules name. Returns how many were routed.

    Submission routes each application (``application_route``); this catches
    the ones submitted while no rule matched, after the rules changed
    (``routing_rules_changed``), and is claim-next's safety net. The update
    only touches rows still without a team, so concurrent routers never
    overwrite each other.
    """
    unrouted = Application.objects.filter(
        jobcenter_id=jobcenter_id, submitted_at__isnull=False, team__isnull=True, status__in=IN_CASEWORK_STATUSES
    ).order_by()
    # Usually there is nothing to route: a plain query says so (every claim asks).
    if not unrouted.exists():
        return 0
    surname = HouseholdMember.objects.filter(application=OuterRef("pk"), relationship=Relationship.APPLICANT)
    pending = list(
        unrouted.annotate(surname=Subquery(surname.values("last_name")[:1])).values_list(
            "pk", "public_id", "surname", "applicant__last_name"
        )
    )
    rules = _rules_of(jobcenter_id)
    routed = 0
    for pk, public_id, member_surname, account_surname in pending:
        team_id = pick_team(member_surname or account_surname or "", rules)
        if team_id is None:
            continue
        with transaction.atomic():
            # A compare-and-swap on "still no team" in one UPDATE, without locking
            # the row first (``save_new_version`` needs a locked row): a case
            # claimed or assigned meanwhile is not waited for, and one routed
            # meanwhile does not match.
            if Application.objects.filter(pk=pk, team__isnull=True).update(team_id=team_id, version=F("version") + 1):
                routed += 1
                audit_record(
                    actor=None,
                    action=AuditAction.APPLICATION_ROUTE,
                    object_type="applications.application",
                    object_id=str(public_id),
                    jobcenter=jobcenter_id,
                    data={"team": team_id},
                )
    return routed


def routing_rules_changed(*, jobcenter_id: int) -> None:
    """The Jobcenter's routing rules changed (admin): route what waits for a team, after the commit."""
    routing_retire(jobcenter_id=jobcenter_id)
    transaction.on_commit(lambda: applications_route_pending(jobcenter_id=jobcenter_id))


# Claim-next's routing check is skipped while nothing it depends on changed (issue #18):
# after a check, what is still unrouted matched no rule, and new submissions route
# themselves (``application_route``). The rules have a generation token per Jobcenter in
# the cache, retired at once and on commit by every change of a rule or team (the
# signals connected in ``casework.apps``); a check records the generation it saw before
# it read the rules as "settled". A change in between retires that generation, so the
# next claim checks again. "Settled" expires after ROUTING_SETTLED_SECONDS, which keeps
# the check a safety net for rows written past the services.
ROUTING_SETTLED_SECONDS = 60
ROUTING_GENERATION_SECONDS = 24 * 3600


def _routing_keys(jobcenter_id: int) -> tuple[str, str]:
    return f"casework:routing:rules:{jobcenter_id}", f"casework:routing:settled:{jobcenter_id}"


def applications_route_pending_unless_settled(*, jobcenter_id: int) -> bool:
    """``applications_route_pending`` unless the last check saw the current rules. True if it ran."""
    rules_key, settled_key = _routing_keys(jobcenter_id)
    try:
        found = cache.get_many([rules_key, settled_key])
        generation = found.get(rules_key)
        if generation is not None and found.get(settled_key) == generation:
            return False
        if generation is None:
            generation = uuid.uuid4().hex
            if not cache.add(rules_key, generation, timeout=ROUTING_GENERATION_SECONDS):
                generation = cache.get(rules_key) or generation
    except Exception:  # the cache's own errors: check every time, as without it
        logger.warning("cache unavailable; routing checked on every claim", exc_info=True)
        applications_route_pending(jobcenter_id=jobcenter_id)
        return True
    applications_route_pending(jobcenter_id=jobcenter_id)
    try:
        cache.set(settled_key, generation, timeout=ROUTING_SETTLED_SECONDS)
    except Exception:
        logger.warning("cache unavailable; routing check not recorded", exc_info=True)
    return True


def routing_retire(*, jobcenter_id: int | None) -> None:
    """A rule or team changed: the next claim of the Jobcenter checks routing (now and after the commit)."""
    if jobcenter_id is None:
        return
    rules_key, _settled = _routing_keys(jobcenter_id)

    def retire() -> None:
        try:
            cache.delete(rules_key)
        except Exception:
            logger.warning("cache unavailable; routing generation not retired", exc_info=True)

    retire()
    transaction.on_commit(retire, robust=True)


# --- claiming and assigning -------------------------------------------------------------------
# What a claimed case's queue row shows (the snapshot, the legal record, can be large: not read).
_ROW_FIELDS = (
    "id",
    "public_id",
    "version",
    "jobcenter_id",
    "reference",
    "status",
    "lodged_at",
    "submitted_at",
    "effective_from",
    "updated_at",
    "team",
    "assigned_to_id",
)


def _claimable(*, jobcenter_id: int, teams) -> QuerySet[Application]:
    """The unassigned undecided cases of ``teams`` (ids or a subquery of them), oldest first.

    The filter and the order are those of the partial index ``casework_claim_queue_idx``
    (migration 0003): PostgreSQL walks the index from the oldest case and stops at
    the first row it can lock, instead of sorting every unassigned row of the table.
    """
    return Application.objects.filter(
        jobcenter_id=jobcenter_id,
        team_id__in=teams,
        assigned_to__isnull=True,
        status__in=IN_CASEWORK_STATUSES,
        submitted_at__isnull=False,
    ).order_by("lodged_at", "id")


def application_claim_next(*, user, team_public_id: uuid.UUID | str | None = None) -> Application | None:
    """Assign the oldest unassigned case of the caller's team(s) (or of the one
    team named) to the caller.

    1. Route what still waits for a team (own short transactions). Submission
       routes (``application_route``); this is the safety net for cases that
       missed it, skipped while the rules are unchanged since the last check
       (``applications_route_pending_unless_settled``). It runs before the claim's transaction, not in it: routing
       inside would hold the routed rows' locks until the claim commits, and
       concurrent claimers would queue behind them.
    2. In one short transaction, pick the oldest unassigned undecided case of
       the caller's teams, with the columns of its queue row, in one statement.
       On PostgreSQL ``FOR UPDATE SKIP LOCKED``: a row that another claimer holds
       is skipped, not waited for, and a row that was claimed meanwhile no
       longer matches ``assigned_to IS NULL`` when re-checked. On SQLite the
       IMMEDIATE transaction takes the write lock at BEGIN, so claimers run one
       after another: correct, just serial.
    3. Assign it, bump the version, write the audit event.
    Returns None when there is nothing to claim (409 ``no_team`` when the caller
    has no team to claim from). The result carries the queue row's annotations
    (``selectors.with_queue_columns``), so the caller need not read it again.
    """
    teams = user.teams.filter(jobcenter_id=user.jobcenter_id)
    if team_public_id is not None:
        team = team_of_jobcenter(jobcenter_id=user.jobcenter_id, public_id=team_public_id)
        if not teams.filter(pk=team.pk).exists():
            raise Problem.invalid("team", _("You are not a member of this team."))
        team_ids = [team.pk]
    else:
        team_ids = teams.order_by().values("pk")  # a subquery: no round trip of its own
    applications_route_pending_unless_settled(jobcenter_id=user.jobcenter_id)
    with transaction.atomic():
        candidates = with_queue_columns(
            _claimable(jobcenter_id=user.jobcenter_id, teams=team_ids).only(*_ROW_FIELDS),
            today=berlin_today(),
            related=("team",),
        )
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        application = candidates.first()
        if application is None:
            if team_public_id is None and not teams.exists():
                raise Problem(
                    status=409,
                    code="no_team",
                    detail=_("You are not a member of any team of your Jobcenter, so there is no queue to claim from."),
                )
            return None
        application.assigned_to = user
        save_new_version(application, "assigned_to")
        audit_record(
            actor=user, action=AuditAction.APPLICATION_CLAIM, obj=application, data={"team": application.team_id}
        )
    return application


def _is_caseworker_of(user, jobcenter_id: int) -> bool:
    return user.is_active and user.jobcenter_id == jobcenter_id and user.has_role(Role.STAFF, Role.TEAM_LEAD)


@transaction.atomic
def application_assign(
    *,
    application: Application,
    actor,
    assignee_public_id: uuid.UUID | str | None,
    team_public_id: uuid.UUID | str | None = None,
    if_match: str | None = None,
) -> Application:
    """A team lead assigns (or with ``assignee_public_id=None`` unassigns) a case,
    and may move it to another team of the Jobcenter (hand-over).

    1. Lock the case and check ``If-Match`` on the locked row; only undecided cases.
    2. The team and the assignee must be of the case's Jobcenter (400 naming the
       field), the assignee staff or a team lead of the (new) team.
    3. Nothing changes: return the case as it is (no new version, no audit row).
    4. Save with a new version and write the audit event.
    """
    locked = _lock(application, if_match=if_match)
    ensure_undecided(locked)
    team = None
    if team_public_id is not None:
        team = team_of_jobcenter(jobcenter_id=locked.jobcenter_id, public_id=team_public_id)
    assignee = None
    if assignee_public_id is not None:
        assignee = staff_member_of_jobcenter(jobcenter_id=locked.jobcenter_id, public_id=assignee_public_id)
    target_team = team or locked.team
    if assignee is not None:
        if not _is_caseworker_of(assignee, locked.jobcenter_id):
            raise Problem.invalid("assignee", _("There is no staff member with this id in your Jobcenter."))
        if target_team is None or not assignee.teams.filter(pk=target_team.pk).exists():
            raise Problem.invalid(
                "assignee", _("This staff member is not in the case's team; choose the team as well.")
            )
    if locked.assigned_to_id == getattr(assignee, "pk", None) and locked.team_id == getattr(target_team, "pk", None):
        return locked
    previous = locked.assigned_to_id
    locked.assigned_to = assignee
    locked.team = target_team
    save_new_version(locked, "assigned_to", "team")
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_ASSIGN,
        obj=locked,
        data={
            "assignee": getattr(assignee, "pk", None),
            "previous": previous,
            "team": getattr(target_team, "pk", None),
        },
    )
    return locked


@transaction.atomic
def application_release(*, application: Application, actor, if_match: str | None = None) -> Application:
    """Give a case back to the team's queue: its assignee may, and a team lead."""
    locked = _lock(application, if_match=if_match)
    if locked.assigned_to_id is None:
        return locked
    if locked.assigned_to_id != actor.pk and not actor.has_role(Role.TEAM_LEAD):
        raise Problem(
            status=403,
            code="not_your_case",
            detail=_("Only the person the case is assigned to or a team lead can release it."),
        )
    previous = locked.assigned_to_id
    locked.assigned_to = None
    save_new_version(locked, "assigned_to")
    audit_record(actor=actor, action=AuditAction.APPLICATION_RELEASE, obj=locked, data={"previous": previous})
    return locked


@transaction.atomic
def case_hand_over(
    *, application: Application, actor, team_public_id: uuid.UUID | str, if_match: str | None = None
) -> Application:
    """Hand a case over to another team of its Jobcenter ("an anderes Team abgeben"):
    it leaves its worker and waits, unassigned, in that team's queue.

    1. Lock the case and check ``If-Match`` on the locked row; only undecided cases,
       only by the one who may work it (its assignee or a team lead), as every change.
    2. The team must be of the case's Jobcenter (400 naming ``team``, as ``application_assign``).
    3. Already that team's and nobody's: nothing changes (no new version, no audit row).
    4. Save with a new version and write the audit event of a (re)assignment, marked as a hand-over.
    """
    locked = _lock(application, if_match=if_match)
    ensure_undecided(locked)
    ensure_may_work(user=actor, application=locked)
    team = team_of_jobcenter(jobcenter_id=locked.jobcenter_id, public_id=team_public_id)
    if locked.team_id == team.pk and locked.assigned_to_id is None:
        return locked
    previous = {"previous": locked.assigned_to_id, "previous_team": locked.team_id}
    locked.team = team
    locked.assigned_to = None
    save_new_version(locked, "assigned_to", "team")
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_ASSIGN,
        obj=locked,
        data={"assignee": None, "team": team.pk, "hand_over": True, **previous},
    )
    return locked


# --- the state machine ------------------------------------------------------------------------
@transaction.atomic
def case_transition(
    *, application: Application, actor, target: str, reason: str = "", if_match: str | None = None
) -> Application:
    """A status change by staff (not a decision: see ``application_decide``)."""
    locked = _lock(application, if_match=if_match)
    ensure_may_work(user=actor, application=locked)
    return application_transition(application=locked, target=target, actor=actor, reason=reason)


# --- document requests (Mitwirkung, §60 SGB I) ------------------------------------------------
@transaction.atomic
def document_request_create(
    *,
    application: Application,
    actor,
    description: str,
    deadline: date | None = None,
    legal_basis: str = "",
    if_match: str | None = None,
) -> DocumentRequest:
    """Ask the citizen for documents.

    1. Lock the case, check ``If-Match``; only the case's worker (or a team
       lead), only while undecided.
    2. A submitted case goes into review first; a case in review becomes
       ``documents_requested`` (both through the state machine); a case that
       already waits for documents gets a new version (a new part).
    3. The request stores the warning of consequences (§66 SGB I) with its version,
       in German, with the citizen's language as an aid (``legal.official_texts``).
    4. The citizen gets a timeline entry and an e-mail without social data.
    """
    locked = _lock(application, if_match=if_match)
    ensure_may_work(user=actor, application=locked)
    ensure_undecided(locked)
    deadline = deadline or berlin_today() + timedelta(days=conf.document_request_default_days())
    texts = legal.official_texts(citizen_language=locked.applicant.preferred_language)
    if legal_basis:
        texts["legal_basis"] = legal_basis
    request = DocumentRequest.objects.create(
        application=locked, description=description, deadline=deadline, created_by=actor, **texts
    )
    public = {"deadline": deadline.isoformat(), "request": str(request.public_id)}
    if locked.status == ApplicationStatus.SUBMITTED:
        locked = application_transition(application=locked, target=ApplicationStatus.IN_REVIEW, actor=actor)
    if locked.status == ApplicationStatus.IN_REVIEW:
        locked = application_transition(
            application=locked, target=ApplicationStatus.DOCUMENTS_REQUESTED, actor=actor, timeline_data=public
        )
    else:
        timeline_record(application=locked, kind=TimelineKind.DOCUMENTS_REQUESTED, data=public)
        save_new_version(locked)
    audit_record(
        actor=actor, action=AuditAction.DOCUMENT_REQUEST_CREATE, obj=locked, data={"request": str(request.public_id)}
    )
    notify.notify_documents_requested(locked)
    request.application = locked  # the case with its new version (the caller's ETag)
    return request


def _lock_request(application: Application, request: DocumentRequest) -> DocumentRequest:
    """Lock the request of the locked case; ``request.application`` is that case (its current version)."""
    locked = DocumentRequest.objects.select_for_update().get(pk=request.pk, application=application)
    locked.application = application
    return locked


def _closed_request(request: DocumentRequest) -> Problem:
    return Problem(
        status=409,
        code="document_request_closed",
        detail=_("This document request is already closed."),
        extra={"request_status": request.status},
    )


@transaction.atomic
def document_request_accept(
    *, application: Application, request: DocumentRequest, actor, if_match: str | None = None
) -> DocumentRequest:
    """The uploads answer the request: it is fulfilled (also after the deadline, §67 SGB I).

    ``If-Match`` names the case's version: a request is a part of the case, and
    answering it gives the case a new version (accept and reject at once: one wins)."""
    locked = _lock(application, if_match=if_match)
    ensure_may_work(user=actor, application=locked)
    request = _lock_request(locked, request)
    if request.status == DocumentRequestStatus.FULFILLED:
        return request
    if request.status != DocumentRequestStatus.OPEN:
        raise _closed_request(request)
    if not request.documents.exists():
        raise Problem(
            status=409,
            code="nothing_uploaded",
            detail=_("Nothing was uploaded for this request yet, so it cannot be accepted."),
        )
    request.status = DocumentRequestStatus.FULFILLED
    request.resolved_at = timezone.now()
    request.resolved_by = actor
    request.save(update_fields=["status", "resolved_at", "resolved_by"])
    save_new_version(locked)
    timeline_record(
        application=locked, kind=TimelineKind.DOCUMENT_REQUEST_FULFILLED, data={"request": str(request.public_id)}
    )
    audit_record(
        actor=actor, action=AuditAction.DOCUMENT_REQUEST_ACCEPT, obj=locked, data={"request": str(request.public_id)}
    )
    return request


@transaction.atomic
def document_request_reject(
    *, application: Application, request: DocumentRequest, actor, reason: str, if_match: str | None = None
) -> DocumentRequest:
    """The uploads do not answer the request (or it is withdrawn); the reason is shown to the citizen.

    ``If-Match`` names the case's version, as for ``document_request_accept``."""
    locked = _lock(application, if_match=if_match)
    ensure_may_work(user=actor, application=locked)
    request = _lock_request(locked, request)
    if request.status != DocumentRequestStatus.OPEN:
        raise _closed_request(request)
    request.status = DocumentRequestStatus.REJECTED
    request.rejection_reason = reason
    request.resolved_at = timezone.now()
    request.resolved_by = actor
    request.save(update_fields=["status", "rejection_reason", "resolved_at", "resolved_by"])
    save_new_version(locked)
    timeline_record(
        application=locked,
        kind=TimelineKind.DOCUMENT_REQUEST_REJECTED,
        data={"request": str(request.public_id), "reason": reason},
    )
    audit_record(
        actor=actor, action=AuditAction.DOCUMENT_REQUEST_REJECT, obj=locked, data={"request": str(request.public_id)}
    )
    return request


def document_request_reminders_send(*, today: date | None = None) -> int:
    """Remind citizens of open requests whose deadline is within
    ``CASEWORK_REMINDER_DAYS_BEFORE`` days: once per request, however often
    this runs: the stamp is set with a compare-and-swap and the e-mail task is queued
    in the same transaction, so both commit or neither does."""
    today = today or berlin_today()
    due = DocumentRequest.objects.filter(
        status=DocumentRequestStatus.OPEN,
        reminder_sent_at__isnull=True,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=conf.reminder_days_before()),
        application__status__in=IN_CASEWORK_STATUSES,
    ).select_related("application__applicant")
    sent = 0
    for request in due:
        with transaction.atomic():
            claimed = DocumentRequest.objects.filter(pk=request.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            notify.notify_document_request_reminder(request)
            audit_record(
                actor=None,
                action=AuditAction.DOCUMENT_REQUEST_REMIND,
                obj=request.application,
                data={"request": str(request.public_id)},
            )
            sent += 1
    return sent


# --- decision ---------------------------------------------------------------------------------
def _decision_file(*, upload: UploadedFile | None, application: Application, values: dict) -> tuple[bytes, str, bool]:
    """The notice's PDF: the upload (PDF only, checked by content) or one generated from the text."""
    if upload is None:
        return decision_pdf(application=application, values=values), f"{application.reference}-decision.pdf", True
    checked = files.check_upload(upload)
    if checked.content_type != "application/pdf":
        raise Problem(
            status=415,
            code="unsupported_file_type",
            detail=_("The decision document must be a PDF file."),
            errors={"file": [_("This file is not a PDF file.")]},
        )
    upload.seek(0)
    return upload.read(), checked.original_name, False


def decision_values_check(*, outcome: str, reason: str) -> None:
    """What every decision needs, whoever calls: a rejection names its reason
    (the citizen reads it in the notice; §35 SGB X). 400 naming the field, as
    the API's serializers answer; the database constraint is the backstop."""
    if outcome == DecisionOutcome.REJECTED and not (reason or "").strip():
        raise Problem.invalid("reason", _("A rejection needs a reason."))


def _notice_values(
    *, outcome: str, starts_on: date | None, ends_on: date | None, amounts: dict | None, reason: str, text: str
) -> dict:
    return {
        "outcome": outcome,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "reason": reason,
        "text": text,
        **(amounts or {}),
    }


def decision_notice_preview(
    *,
    application: Application,
    outcome: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    amounts: dict[str, Decimal | None] | None = None,
    reason: str = "",
    text: str = "",
) -> bytes:
    """The notice ``application_decide`` would generate from these values, as a
    PDF, without deciding anything (staff look at it before they send it)."""
    decision_values_check(outcome=outcome, reason=reason)
    values = _notice_values(
        outcome=outcome, starts_on=starts_on, ends_on=ends_on, amounts=amounts, reason=reason, text=text
    )
    return decision_pdf(application=application, values=values)


def application_decide(
    *,
    application: Application,
    actor,
    outcome: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    amounts: dict[str, Decimal | None] | None = None,
    reason: str = "",
    text: str = "",
    upload: UploadedFile | None = None,
    if_match: str | None = None,
) -> Decision:
    """Approve or reject (Bescheid).

    1. Lock the case and check ``If-Match`` on the locked row (two decisions at
       once: one wins, the other gets 412). Only the case's worker (or a team
       lead); the state machine decides whether the case may be decided now
       (409 with the allowed next states).
    2. Store the notice's PDF (uploaded or generated) under a random name.
    3. Write the decision, move the case, give the citizen a timeline entry
       that links the notice, and send an e-mail without social data.
    If anything fails, the transaction rolls back and the file is removed.
    """
    decision_values_check(outcome=outcome, reason=reason)
    values = _notice_values(
        outcome=outcome, starts_on=starts_on, ends_on=ends_on, amounts=amounts, reason=reason, text=text
    )
    storage = files.private_storage()
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(application, if_match=if_match)
            ensure_may_work(user=actor, application=locked)
            decision_id = uuid.uuid4()
            locked = application_transition(
                application=locked,
                target=outcome,
                actor=actor,
                reason=reason,
                timeline_data={"decision": str(decision_id)},
            )
            content, name, generated = _decision_file(upload=upload, application=locked, values=values)
            storage_name = storage.save(f"{DECISION_FOLDER}/{uuid.uuid4().hex}.pdf", ContentFile(content))
            stored.append(storage_name)
            decision = Decision.objects.create(
                application=locked,
                public_id=decision_id,
                outcome=outcome,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason,
                text=text,
                storage_name=storage_name,
                document_name=name,
                document_size=len(content),
                document_sha256=hashlib.sha256(content).hexdigest(),
                generated=generated,
                decided_by=actor,
                decided_at=locked.decided_at,
                **(amounts or {}),
            )
            audit_record(
                actor=actor,
                action=AuditAction.APPLICATION_DECIDE,
                obj=locked,
                data={"decision": str(decision.public_id), "outcome": outcome},
            )
            notify.notify_decided(locked)
    except BaseException:
        for name in stored:
            files.discard(name)
        raise
    return decision


# --- notes and messages -----------------------------------------------------------------------
@transaction.atomic
def note_add(*, application: Application, actor, body: str) -> InternalNote:
    """An internal note: staff only, never shown to the citizen."""
    note = InternalNote.objects.create(application=application, author=actor, body=body)
    audit_record(
        actor=actor, action=AuditAction.APPLICATION_NOTE_CREATE, obj=application, data={"note": str(note.public_id)}
    )
    return note


@transaction.atomic
def staff_messages_read(*, user, public_id: uuid.UUID | str) -> QuerySet[Message]:
    """Staff open the case's Postfach thread: the read is audited and the
    citizen's messages count as read by the Jobcenter from now on."""
    application = case_read_for_staff(user=user, public_id=public_id, action=AuditAction.APPLICATION_MESSAGES_READ)
    messages_mark_read(application=application, actor=user, by_jobcenter=True)
    return messages_for(application=application).select_related("author")


@transaction.atomic
def staff_message_send(*, application: Application, actor, body: str, attachments=()) -> Message:
    """Answer the citizen's Postfach thread (marks their messages read), with files if any
    (checked and stored by ``message_post``)."""
    locked = _lock(application)
    ensure_may_work(user=actor, application=locked)
    messages_mark_read(application=locked, actor=actor, by_jobcenter=True)
    return message_post(application=locked, actor=actor, body=body, from_jobcenter=True, attachments=attachments)
