"""Writes on applications. Views parse input, call one service, render output.

Each service locks the application row, refuses what its state does not allow
(409 problem), writes, records an audit event (ids only) and sends e-mail only
after the commit. Status changes go through ``workflow.application_transition``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import files
from applications.checklist import checklist_keys
from applications.completeness import missing_for
from applications.conf import app_settings
from applications.constants import (
    EDITABLE_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    OTHER_DOCUMENT,
    ApplicationKind,
    ApplicationStatus,
    DocumentRequestStatus,
    Relationship,
    TimelineKind,
)
from applications.lodging import complete_by, effective_from
from applications.models import (
    Application,
    AssetEntry,
    BankAccount,
    Document,
    DocumentRequest,
    HouseholdMember,
    HousingCosts,
    IncomeEntry,
    Message,
    ReferenceSequence,
    TimelineEvent,
)
from applications.selectors import application_detail_queryset
from applications.signals import application_submitted
from applications.snapshot import ADDRESS_FIELDS, build_snapshot, checksum
from applications.workflow import application_lock, application_transition, transition_locked
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_date
from portal.mail import Mail, Notice, mail_enqueue, mail_language, notice_mail, portal_url
from portal.models import Jobcenter
from portal.versioning import save_new_version

ENTRY_ACTIONS = {
    IncomeEntry: (AuditAction.APPLICATION_INCOME_ADD, AuditAction.APPLICATION_INCOME_DELETE),
    AssetEntry: (AuditAction.APPLICATION_ASSET_ADD, AuditAction.APPLICATION_ASSET_DELETE),
}


# --- helpers ----------------------------------------------------------------------------------
def _lock_editable(application: Application, if_match: str | None) -> Application:
    """Lock the row, check ``If-Match`` on it, and refuse a submitted application (409)."""
    locked = application_lock(application=application, if_match=if_match)
    if locked.status not in EDITABLE_STATUSES:
        raise _submitted(
            locked,
            _(
                "This application was submitted and can no longer be changed. "
                "Send changes to the Jobcenter as a message."
            ),
        )
    return locked


def _submitted(locked: Application, detail: str) -> Problem:
    return Problem(status=409, code="application_submitted", detail=detail, extra={"application_status": locked.status})


def _part(locked: Application, part: models.Model) -> models.Model:
    """``part`` of ``locked`` as it is now: read again under the application's
    lock (parts change only under it), 404 when a concurrent request removed it."""
    if isinstance(part, Application):
        return locked
    current = type(part).objects.filter(pk=part.pk, application=locked).first()
    if current is None:
        raise Http404
    current.application = locked
    return current


def application_link(application: Application) -> str:
    """The page that shows the application (an opaque id, no social data in the link)."""
    return portal_url(f"/applications/{application.public_id}/")


def application_notice(application: Application, *, notice: Notice = Notice.NEWS) -> Mail:
    """The e-mail that tells the applicant something new is waiting (portal/mail.py:
    no benefit, reference, status or content in it), in their language."""
    user = application.applicant
    return notice_mail(
        to=user.email,
        language=mail_language(user),
        link=application_link(application),
        jobcenter_name=application.jobcenter.name,
        notice=notice,
    )


def _notify(application: Application) -> None:
    """E-mail the applicant after the commit that something new is waiting."""
    mail = application_notice(application)
    transaction.on_commit(lambda: mail_enqueue(mail))


def timeline_record(*, application: Application, kind: str, data: dict | None = None) -> TimelineEvent:
    """A public entry in the citizen's timeline (ids and dates only in ``data``)."""
    return TimelineEvent.objects.create(application=application, kind=kind, data=data or {})


# --- creating and lodging ---------------------------------------------------------------------
def _open_first_application(applicant) -> Application | None:
    return Application.objects.filter(applicant=applicant, kind=ApplicationKind.FIRST, status__in=OPEN_STATUSES).first()


def _open_application_conflict(open_app: Application) -> Problem:
    return Problem(
        status=409,
        code="open_application_exists",
        detail=_("You already have an open application. Continue that one instead of starting a new one."),
        extra={
            "open_application": {
                "id": str(open_app.public_id),
                "status": open_app.status,
                "url": reverse("applications_api:application-detail", kwargs={"application_id": open_app.public_id}),
            }
        },
    )


def _jobcenter_for(jobcenter_id) -> Jobcenter:
    if jobcenter_id:
        jobcenter = Jobcenter.objects.filter(public_id=jobcenter_id).first()
        if jobcenter is None:
            raise Problem.invalid("jobcenter", _("There is no Jobcenter with this id."))
        return jobcenter
    candidates = list(Jobcenter.objects.all()[:2])
    if len(candidates) != 1:
        raise Problem.invalid("jobcenter", _("Choose the Jobcenter responsible for where you live."))
    return candidates[0]


def application_create(*, applicant, jobcenter_id=None, lodge: bool = False) -> Application:
    """Start a first application (a draft), optionally lodging it at once.

    1. Refuse a second open first application (409 with a link to the open one;
       the partial unique index is the guarantee under concurrency).
    2. Create the application with the applicant as first household member,
       empty housing and bank sections; prefill the name from the account.
    3. Lodge it in the same transaction when asked (secures the date).
    """
    jobcenter = _jobcenter_for(jobcenter_id)
    open_app = _open_first_application(applicant)
    if open_app is not None:
        raise _open_application_conflict(open_app)
    try:
        with transaction.atomic():
            application = Application.objects.create(jobcenter=jobcenter, applicant=applicant)
            HouseholdMember.objects.create(
                application=application,
                relationship=Relationship.APPLICANT,
                first_name=applicant.first_name[:100],
                last_name=applicant.last_name[:100],
            )
            HousingCosts.objects.create(application=application)
            BankAccount.objects.create(application=application)
            timeline_record(application=application, kind=TimelineKind.CREATED)
            audit_record(actor=applicant, action=AuditAction.APPLICATION_CREATE, obj=application)
            if lodge:
                application = application_lodge(application=application, actor=applicant)
    except IntegrityError:
        open_app = _open_first_application(applicant)
        if open_app is None:
            raise
        raise _open_application_conflict(open_app) from None
    return application


def reference_next(*, jobcenter: Jobcenter, year: int) -> str:
    """Next human-readable reference, e.g. ``KL-2026-000123`` (counted per Jobcenter and year).

    The UPDATE locks the counter row until the transaction ends, so two
    lodgings never get the same number.
    """
    sequence, _created = ReferenceSequence.objects.get_or_create(jobcenter=jobcenter, year=year)
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db(fields=["last_number"])
    return f"{jobcenter.reference_prefix}-{year}-{sequence.last_number:06d}"


@transaction.atomic
def application_lodge(*, application: Application, actor, at=None, if_match: str | None = None) -> Application:
    """Secure the application date (§37 SGB II); lodging twice changes nothing (``lodge_locked``)."""
    return lodge_locked(locked=application_lock(application=application, if_match=if_match), actor=actor, at=at)


def lodge_locked(*, locked: Application, actor, at=None) -> Application:
    """Lodge ``locked`` (a row this transaction locked): ``lodged_at`` now,
    ``effective_from`` the first of that Berlin month, ``complete_by`` a few
    weeks later, and a reference number; e-mail the applicant after the commit."""
    if locked.lodged_at is not None:
        return locked
    lodged_at = at or timezone.now()
    changes = {
        "lodged_at": lodged_at,
        "effective_from": effective_from(lodged_at),
        "complete_by": complete_by(lodged_at),
        "reference": reference_next(jobcenter=locked.jobcenter, year=berlin_date(lodged_at).year),
    }
    lodged = transition_locked(
        locked=locked,
        target=ApplicationStatus.LODGED,
        actor=actor,
        changes=changes,
        timeline_data={"effective_from": changes["effective_from"].isoformat()},
    )
    _notify(lodged)
    return lodged


# --- form sections ----------------------------------------------------------------------------
def _save_parts(locked: Application, *changes: tuple[models.Model, dict[str, Any]]) -> list[str]:
    """Set the ``values`` that differ on each part (``locked`` itself or one of its parts),
    save them, and give ``locked`` one new version if anything changed; returns the field names."""
    changed: list[str] = []
    own: list[str] = []
    for part, values in changes:
        names = [name for name, value in values.items() if getattr(part, name) != value]
        for name in names:
            setattr(part, name, values[name])
        if part is locked:
            own += names
        elif names:
            part.save(update_fields=names)
        changed += names
    if changed:
        save_new_version(locked, *own)
    return changed


@transaction.atomic
def section_update(
    *,
    application: Application,
    actor,
    section: str,
    instance: models.Model,
    values: dict[str, Any],
    if_match: str | None = None,
) -> models.Model:
    """Save already validated ``values`` on one part of a draft (``instance``:
    the application itself, or one of its parts, read again under the lock).

    Returns the part as saved (a part's ``application`` is the locked
    application, with a new version if a field changed).
    """
    locked = _lock_editable(application, if_match)
    part = _part(locked, instance)
    changed = _save_parts(locked, (part, values))
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_UPDATE,
            obj=locked,
            data={"section": section, "fields": sorted(changed)},
        )
    return part


@transaction.atomic
def personal_update(
    *, application: Application, actor, values: dict[str, Any], if_match: str | None = None
) -> HouseholdMember:
    """The Hauptantrag's personal data (on the applicant member) and address (on the application).

    Returns the applicant member; its ``application`` is the locked application.
    """
    locked = _lock_editable(application, if_match)
    applicant = locked.members.get(relationship=Relationship.APPLICANT)
    address = {name: value for name, value in values.items() if name in ADDRESS_FIELDS}
    person = {name: value for name, value in values.items() if name not in ADDRESS_FIELDS}
    changed = _save_parts(locked, (applicant, person), (locked, address))
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_UPDATE,
            obj=locked,
            data={"section": "personal", "fields": sorted(changed)},
        )
    return applicant


@transaction.atomic
def member_add(
    *, application: Application, actor, values: dict[str, Any], if_match: str | None = None
) -> HouseholdMember:
    """Add a person to the household; ``member.application`` is the application with its new version."""
    locked = _lock_editable(application, if_match)
    if values.get("relationship") == Relationship.APPLICANT:
        raise Problem.invalid("relationship", _("The applicant is already part of the household."))
    position = (locked.members.aggregate(m=models.Max("position"))["m"] or 0) + 1
    member = HouseholdMember.objects.create(application=locked, position=position, **values)
    save_new_version(locked)
    audit_record(
        actor=actor, action=AuditAction.APPLICATION_MEMBER_ADD, obj=locked, data={"member": str(member.public_id)}
    )
    return member


@transaction.atomic
def member_delete(
    *, application: Application, actor, member: HouseholdMember, if_match: str | None = None
) -> Application:
    locked = _lock_editable(application, if_match)
    member = _part(locked, member)
    if member.relationship == Relationship.APPLICANT:
        raise Problem(
            status=409,
            code="applicant_required",
            detail=_("The applicant cannot be removed from the household."),
        )
    member_id = str(member.public_id)
    member.delete()  # with the person's income and asset entries
    save_new_version(locked)
    audit_record(actor=actor, action=AuditAction.APPLICATION_MEMBER_DELETE, obj=locked, data={"member": member_id})
    return locked


@transaction.atomic
def entry_add(
    *,
    application: Application,
    actor,
    model: type[IncomeEntry | AssetEntry],
    values: dict[str, Any],
    if_match: str | None = None,
) -> IncomeEntry | AssetEntry:
    """An income (Anlage EK) or asset (Anlage VM) entry for one household member."""
    locked = _lock_editable(application, if_match)
    entry = model.objects.create(application=locked, **values)
    flag = "has_income" if model is IncomeEntry else "has_assets"
    changed = []
    if getattr(locked, flag) is not True:  # an entry answers the question "any income?"
        setattr(locked, flag, True)
        changed.append(flag)
    save_new_version(locked, *changed)
    audit_record(actor=actor, action=ENTRY_ACTIONS[model][0], obj=locked, data={"entry": str(entry.public_id)})
    return entry


@transaction.atomic
def entry_delete(
    *, application: Application, actor, entry: IncomeEntry | AssetEntry, if_match: str | None = None
) -> Application:
    locked = _lock_editable(application, if_match)
    entry = _part(locked, entry)
    entry_id = str(entry.public_id)
    entry.delete()
    save_new_version(locked)
    audit_record(actor=actor, action=ENTRY_ACTIONS[type(entry)][1], obj=locked, data={"entry": entry_id})
    return locked


# --- documents --------------------------------------------------------------------------------
def _check_document_target(locked: Application, checklist_key: str, document_request: DocumentRequest | None) -> None:
    if document_request is not None:
        if document_request.application_id != locked.pk or locked.status in FINAL_STATUSES:
            raise Problem(
                status=409,
                code="document_request_closed",
                detail=_("This application is closed; documents can no longer be added."),
            )
        if document_request.status != DocumentRequestStatus.OPEN:
            raise Problem(
                status=409,
                code="document_request_closed",
                detail=_("This request was already dealt with; documents can no longer be added to it."),
                extra={"request_status": document_request.status},
            )
        return
    if locked.status not in EDITABLE_STATUSES:
        raise _submitted(
            locked,
            _(
                "After submission, upload documents only in answer to a request of the Jobcenter, "
                "or send them with a message."
            ),
        )
    detail = application_detail_queryset().get(pk=locked.pk)
    if checklist_key not in checklist_keys(detail):
        raise Problem.invalid("checklist_key", _("This is not an item of your checklist; use “other”."))


def document_upload(
    *,
    application: Application,
    actor,
    upload: UploadedFile,
    checklist_key: str = OTHER_DOCUMENT,
    document_request: DocumentRequest | None = None,
    if_match: str | None = None,
) -> Document:
    """Attach a file to a checklist item (or "other"), or to a document request.

    The file is checked first (``applications.files``), then stored under a
    random name; if anything fails afterwards the stored file is removed again.
    ``document.application`` is the application with its new version.
    """
    checked = files.check_upload(upload)
    stored: str | None = None
    try:
        with transaction.atomic():
            locked = application_lock(application=application, if_match=if_match)
            if document_request is not None:  # its status as it is now (staff close it under the same lock)
                document_request = _part(locked, document_request)
            _check_document_target(locked, checklist_key, document_request)
            stored = files.store(upload, checked)
            document = Document.objects.create(
                application=locked,
                storage_name=stored,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                active_content=list(checked.active_content),
                checklist_key=OTHER_DOCUMENT if document_request else checklist_key,
                document_request=document_request,
                uploaded_by=actor,
            )
            save_new_version(locked)
            if document_request is not None:
                timeline_record(
                    application=locked,
                    kind=TimelineKind.DOCUMENTS_RECEIVED,
                    data={"request": str(document_request.public_id)},
                )
            audit_record(
                actor=actor,
                action=AuditAction.APPLICATION_DOCUMENT_UPLOAD,
                obj=locked,
                data={
                    "document": str(document.public_id),
                    "request": str(document_request.public_id) if document_request else None,
                },
            )
    except BaseException:
        if stored:
            files.discard(stored)
        raise
    return document


@transaction.atomic
def document_delete(*, application: Application, actor, document: Document, if_match: str | None = None) -> Application:
    locked = _lock_editable(application, if_match)
    document = _part(locked, document)
    if document.message_id is not None:
        raise Problem(
            status=409,
            code="message_attachment",
            detail=_("This file was sent with a message; it stays with the message."),
        )
    name, document_id = document.storage_name, str(document.public_id)
    document.delete()
    save_new_version(locked)
    audit_record(
        actor=actor, action=AuditAction.APPLICATION_DOCUMENT_DELETE, obj=locked, data={"document": document_id}
    )
    transaction.on_commit(lambda: files.discard(name))
    return locked


# --- submission -------------------------------------------------------------------------------
@transaction.atomic
def application_submit(*, application: Application, actor, if_match: str | None = None) -> Application:
    """Submit the application.

    1. Lock the row and load everything the rules read, once (check ``If-Match``).
       Already submitted (a repeated request): return it unchanged.
    2. Anything still missing: 422 with the list.
    3. Lodge it first if the citizen went straight to the full form (same date rules).
    4. Freeze the data as a snapshot with its SHA-256, move to ``submitted``.
    5. After the commit, e-mail a confirmation (reference and link only).

    Returns the application as loaded by ``application_detail_queryset``.
    """
    locked = application_lock(application=application, if_match=if_match, queryset=application_detail_queryset())
    if locked.submitted_at is not None:
        return locked
    if locked.status not in EDITABLE_STATUSES:
        return transition_locked(locked=locked, target=ApplicationStatus.SUBMITTED, actor=actor)  # 409
    missing = missing_for(locked)
    if missing:
        raise Problem(
            status=422,
            code="application_incomplete",
            detail=_("Some information is still missing; see missing."),
            extra={"missing": missing},
        )
    now = timezone.now()
    locked = lodge_locked(locked=locked, actor=actor, at=now)
    locked.submitted_at = now
    snapshot = build_snapshot(locked)
    submitted = transition_locked(
        locked=locked,
        target=ApplicationStatus.SUBMITTED,
        actor=actor,
        changes={"submitted_at": now, "snapshot": snapshot, "snapshot_sha256": checksum(snapshot)},
    )
    application_submitted.send(sender=Application, application=submitted)
    _notify(submitted)
    return submitted


def application_withdraw(*, application: Application, actor, reason: str, if_match: str | None = None) -> Application:
    """The citizen withdraws the application (until it is decided)."""
    return application_transition(
        application=application, target=ApplicationStatus.WITHDRAWN, actor=actor, reason=reason, if_match=if_match
    )


@transaction.atomic
def application_delete_draft(*, application: Application, actor, if_match: str | None = None) -> None:
    """Delete a draft that was never lodged, with its uploads. Lodged applications stay."""
    locked = application_lock(application=application, if_match=if_match)
    if locked.status != ApplicationStatus.DRAFT or locked.lodged_at is not None:
        raise Problem(
            status=409,
            code="application_lodged",
            detail=_("A lodged application cannot be deleted. You can withdraw it instead."),
            extra={"application_status": locked.status},
        )
    names = list(locked.documents.values_list("storage_name", flat=True))
    audit_record(actor=actor, action=AuditAction.APPLICATION_DELETE, obj=locked, data={"documents": len(names)})
    locked.delete()
    transaction.on_commit(lambda: [files.discard(name) for name in names])


# --- Postfach ---------------------------------------------------------------------------------
@transaction.atomic
def message_post(
    *,
    application: Application,
    actor,
    body: str,
    from_jobcenter: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """A message in the application's Postfach thread (either side), with its files.

    Each attachment is checked exactly as every upload (``files.check_upload``), before
    anything is saved; one bad file refuses the whole message (errors under
    ``attachments``). The files become documents of the application linked to the
    message, each audited as an upload. Stored files are removed again if anything fails.
    """
    attachments = list(attachments or ())
    limit = app_settings.MESSAGE_MAX_ATTACHMENTS
    if len(attachments) > limit:
        raise Problem(
            status=400,
            code="too_many_files",
            detail=_("A message can carry at most %(n)d files.") % {"n": limit},
            errors={"attachments": [_("Please attach at most %(n)d files.") % {"n": limit}]},
            extra={"max_files": limit},
        )
    checked = [(upload, _check_attachment(upload)) for upload in attachments]
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = application_lock(application=application)
            if locked.lodged_at is None:
                raise Problem(
                    status=409,
                    code="application_not_lodged",
                    detail=_("Lodge your application first; then you can write to the Jobcenter."),
                )
            message = Message.objects.create(application=locked, author=actor, body=body, from_jobcenter=from_jobcenter)
            audit_record(
                actor=actor,
                action=AuditAction.APPLICATION_MESSAGE_CREATE,
                obj=locked,
                data={"message": str(message.public_id)},
            )
            for upload, check in checked:
                stored.append(files.store(upload, check))
                document = Document.objects.create(
                    application=locked,
                    message=message,
                    storage_name=stored[-1],
                    original_name=check.original_name,
                    content_type=check.content_type,
                    size=check.size,
                    sha256=check.sha256,
                    active_content=list(check.active_content),
                    uploaded_by=actor,
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.APPLICATION_DOCUMENT_UPLOAD,
                    obj=locked,
                    data={"document": str(document.public_id), "message": str(message.public_id)},
                )
            if checked:
                save_new_version(locked)
            if from_jobcenter:
                timeline_record(
                    application=locked,
                    kind=TimelineKind.MESSAGE_FROM_JOBCENTER,
                    data={"message": str(message.public_id)},
                )
                _notify(locked)
    except BaseException:
        for name in stored:
            files.discard(name)
        raise
    return message


def _check_attachment(upload: UploadedFile) -> files.CheckedFile:
    """``files.check_upload``, its field errors named ``attachments`` (the field that was sent)."""
    try:
        return files.check_upload(upload)
    except Problem as problem:
        if problem.errors and "file" in problem.errors:
            problem.errors = {
                "attachments": [f"{files.sanitise_name(upload.name)}: {error}" for error in problem.errors["file"]]
            }
        raise


def messages_mark_read(*, application: Application, actor, by_jobcenter: bool = False) -> int:
    """Mark the other side's messages as read; returns how many were unread."""
    now = timezone.now()
    if by_jobcenter:
        count = application.messages.filter(from_jobcenter=False, read_by_jobcenter_at__isnull=True).update(
            read_by_jobcenter_at=now
        )
    else:
        count = application.messages.filter(from_jobcenter=True, read_by_citizen_at__isnull=True).update(
            read_by_citizen_at=now
        )
    if count:
        audit_record(actor=actor, action=AuditAction.APPLICATION_MESSAGE_READ, obj=application, data={"count": count})
    return count
