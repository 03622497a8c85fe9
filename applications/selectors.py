"""Reads. Every access to a citizen's application goes through an access helper:
strangers get 404, never a hint that the object exists."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from applications.models import Application, Document, DocumentRequest, HouseholdMember, Message, TimelineEvent


def application_detail_queryset() -> QuerySet[Application]:
    """Everything the detail view, the checklist, ``missing`` and the snapshot read, in 7 queries."""
    return Application.objects.select_related("jobcenter", "applicant", "housing", "bank_account").prefetch_related(
        "members", "income_entries", "asset_entries", "documents"
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
