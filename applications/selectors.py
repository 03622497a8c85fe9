"""Reads. Every access to a citizen's application goes through an access helper:
strangers get 404, never a hint that the object exists."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

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
    return application.messages.order_by("created_at", "id")


def unread_for_citizen(*, application: Application) -> int:
    return application.messages.filter(from_jobcenter=True, read_by_citizen_at__isnull=True).count()


def receipt_for(*, application: Application) -> bytes:
    """The receipt PDF of a submitted application; 404 before submission."""
    if application.submitted_at is None or not application.snapshot:
        raise Problem(status=404, code="no_receipt", detail=_("There is a receipt once the application is submitted."))
    return receipt_pdf(application)
