"""Reads. Every access to a citizen's application goes through an access helper:
strangers get 404, never a hint that the object exists."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from applications.checklist import checklist_for
from applications.completeness import missing_for
from applications.constants import EDITABLE_STATUSES, OPEN_STATUSES, DocumentRequestStatus
from applications.models import (
    Application,
    AssetEntry,
    Document,
    DocumentRequest,
    HouseholdMember,
    IncomeEntry,
    Message,
    TimelineEvent,
)
from applications.pdf import receipt_pdf
from portal.api.problems import Problem


def application_detail_queryset() -> QuerySet[Application]:
    """Everything the detail view, the checklist, ``missing`` and the snapshot read, in 5 queries."""
    return Application.objects.select_related("jobcenter", "applicant", "housing", "bank_account").prefetch_related(
        "members",
        Prefetch("income_entries", queryset=IncomeEntry.objects.select_related("member")),
        Prefetch("asset_entries", queryset=AssetEntry.objects.select_related("member")),
        Prefetch("documents", queryset=Document.objects.select_related("document_request")),
    )


def application_get_for_owner(*, user, public_id: uuid.UUID | str, detail: bool = False) -> Application:
    """The application ``public_id`` if ``user`` is its applicant; 404 otherwise."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    queryset = application_detail_queryset() if detail else Application.objects.select_related("jobcenter")
    try:
        return queryset.get(public_id=public_id, applicant=user)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def applications_for_owner(*, user) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related("jobcenter").order_by("-created_at", "-id")


def member_get(*, application: Application, public_id) -> HouseholdMember:
    try:
        return application.members.get(public_id=public_id)
    except (HouseholdMember.DoesNotExist, ValueError):
        raise Http404 from None


def child_get(*, queryset: QuerySet, public_id):
    """One row of an application's related list (entries, documents, requests), or 404."""
    try:
        return queryset.get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def entries_for(*, application: Application, model: type[IncomeEntry | AssetEntry]) -> QuerySet:
    """The income (Anlage EK) or asset (Anlage VM) entries of ``application``."""
    return model.objects.filter(application=application).select_related("member").order_by("created_at", "id")


def documents_for(*, application: Application) -> QuerySet[Document]:
    return application.documents.select_related("document_request").order_by("created_at", "id")


def document_requests_for(*, application: Application) -> QuerySet[DocumentRequest]:
    return application.document_requests.prefetch_related("documents").order_by("deadline", "id")


def timeline_for(*, application: Application) -> QuerySet[TimelineEvent]:
    return application.timeline.order_by("created_at", "id")


def messages_for(*, application: Application) -> QuerySet[Message]:
    return application.messages.order_by("created_at", "id").prefetch_related("attachments")


def unread_for_citizen(*, application: Application) -> int:
    return application.messages.filter(from_jobcenter=True, read_by_citizen_at__isnull=True).count()


def receipt_for(*, application: Application) -> bytes:
    """The receipt PDF of a submitted application; 404 before submission."""
    if application.submitted_at is None or not application.snapshot:
        raise Problem(status=404, code="no_receipt", detail=_("There is a receipt once the application is submitted."))
    return receipt_pdf(application)


def open_document_requests_for(*, application: Application) -> QuerySet[DocumentRequest]:
    """The requests the applicant still has to answer, earliest deadline first."""
    return document_requests_for(application=application).filter(status=DocumentRequestStatus.OPEN)


def current_application_for_owner(*, user) -> Application | None:
    """The application the citizen's overview is about: the open one (there is at most
    one open first application), else the most recent; with everything ``missing`` reads."""
    mine = application_detail_queryset().filter(applicant=user).order_by("-created_at", "-id")
    return mine.filter(status__in=OPEN_STATUSES).first() or mine.first()


def next_step_for_citizen(
    *, application: Application, open_requests: list[DocumentRequest], unread: int
) -> dict[str, str] | None:
    """The one next thing the applicant should do, the first that applies
    (``application`` from ``application_detail_queryset``):

    1. answer the open document request with the earliest deadline (§66 SGB I);
    2. read the Jobcenter's new messages;
    3. while the form can be changed: fill the first section that still has a gap
       (``{"kind": "section", "section": "housing"}``, the section as ``missing`` names it),
       else upload evidence still open on the checklist, else review and submit.

    ``None`` when nothing is to be done (the Jobcenter works on it, or it is closed).
    """
    if open_requests:
        return {"kind": "request", "request": str(open_requests[0].public_id)}
    if unread:
        return {"kind": "messages"}
    if application.status not in EDITABLE_STATUSES:
        return None
    gaps = missing_for(application)
    if gaps:
        return {"kind": "section", "section": gaps[0]["field"].split(".", 1)[0]}
    if any(not item.done for item in checklist_for(application)):
        return {"kind": "evidence"}
    return {"kind": "submit"}
