"""What the citizen's API returns. Plain dicts in the snapshot's format:
amounts as strings with two places, dates ISO 8601, times aware (UTC)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from applications.checklist import ChecklistItem
from applications.completeness import missing_for
from applications.constants import (
    EDITABLE_STATUSES,
    ApplicationStatus,
    DocumentRequestStatus,
    TimelineKind,
)
from applications.household import forms_for, member_age, reference_day
from applications.lodging import berlin_date
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
from applications.snapshot import (
    ASSET_FIELDS,
    BANK_FIELDS,
    HEALTH_FIELDS,
    HOUSING_FIELDS,
    INCOME_FIELDS,
    PERSON_FIELDS,
    application_data,
    fields_of,
    plain,
)
from applications.workflow import CITIZEN, allowed_targets


def url(name: str, application: Application, **kw) -> str:
    return reverse(f"applications_api:{name}", kwargs={"application_id": application.public_id, **kw})


def member_out(member: HouseholdMember, application: Application) -> dict[str, Any]:
    day = reference_day(application)
    return {
        "id": str(member.public_id),
        "relationship": member.relationship,
        "age": member_age(member, day),
        "forms": forms_for(member, day),
        **fields_of(member, PERSON_FIELDS),
        "health_insurance": health_out(member),
    }


def health_out(member: HouseholdMember) -> dict[str, Any]:
    data = fields_of(member, HEALTH_FIELDS)
    return {"member": str(member.public_id), "kind": data["health_insurance_kind"], "insurer": data["health_insurer"]}


def entry_out(entry: IncomeEntry | AssetEntry) -> dict[str, Any]:
    names = INCOME_FIELDS if isinstance(entry, IncomeEntry) else ASSET_FIELDS
    return {"id": str(entry.public_id), "member": str(entry.member.public_id), **fields_of(entry, names)}


def housing_out(application: Application) -> dict[str, Any]:
    return fields_of(application.housing, HOUSING_FIELDS)


def bank_account_out(application: Application) -> dict[str, Any]:
    return fields_of(application.bank_account, BANK_FIELDS)


def document_out(document: Document, application: Application) -> dict[str, Any]:
    return {
        "id": str(document.public_id),
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "checklist_key": document.checklist_key,
        "document_request": str(document.document_request.public_id) if document.document_request_id else None,
        "uploaded_at": plain(document.created_at),
        "download_url": url("document-file", application, document_id=document.public_id),
    }


def checklist_item_out(item: ChecklistItem, application: Application) -> dict[str, Any]:
    return {
        "key": item.key,
        "title": item.title,
        "member": str(item.member.public_id) if item.member else None,
        "done": item.done,
        "documents": [document_out(d, application) for d in item.documents],
    }


def document_request_out(request: DocumentRequest, application: Application) -> dict[str, Any]:
    today = berlin_date(timezone.now())
    return {
        "id": str(request.public_id),
        "description": request.description,
        "legal_basis": request.legal_basis,
        "deadline": plain(request.deadline),
        "overdue": request.status == DocumentRequestStatus.OPEN and request.deadline < today,
        "consequences_text": request.consequences_text,
        "consequences_version": request.consequences_version,
        "consequences_translation": request.consequences_translation,
        "translation_language": request.translation_language,
        "status": request.status,
        "status_label": DocumentRequestStatus(request.status).label,
        "rejection_reason": request.rejection_reason,
        "created_at": plain(request.created_at),
        "documents": [document_out(d, application) for d in request.documents.all()],
    }


def message_out(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.public_id),
        "from": "jobcenter" if message.from_jobcenter else "you",
        "body": message.body,
        "created_at": plain(message.created_at),
        "read_at": plain(message.read_by_citizen_at if message.from_jobcenter else message.read_by_jobcenter_at),
    }


def timeline_out(event: TimelineEvent) -> dict[str, Any]:
    return {
        "id": str(event.public_id),
        "kind": event.kind,
        "title": str(TimelineKind(event.kind).label),
        "at": plain(event.created_at),
        "data": event.data,
    }


def actions_for(application: Application) -> dict[str, bool]:
    """What the citizen can do next (the state table decides)."""
    next_states = allowed_targets(application.status, CITIZEN)
    return {
        "edit": application.status in EDITABLE_STATUSES,
        "lodge": ApplicationStatus.LODGED in next_states,
        "submit": application.status in EDITABLE_STATUSES,
        "withdraw": ApplicationStatus.WITHDRAWN in next_states,
        "delete": application.status == ApplicationStatus.DRAFT,
        "message": application.lodged_at is not None,
    }


def application_summary(application: Application) -> dict[str, Any]:
    return {
        "id": str(application.public_id),
        "reference": application.reference,
        "kind": application.kind,
        "status": application.status,
        "status_label": str(ApplicationStatus(application.status).label),
        "jobcenter": {"id": str(application.jobcenter.public_id), "name": application.jobcenter.name},
        "version": application.version,
        "created_at": plain(application.created_at),
        "updated_at": plain(application.updated_at),
        "lodged_at": plain(application.lodged_at),
        "effective_from": plain(application.effective_from),
        "complete_by": plain(application.complete_by),
        "submitted_at": plain(application.submitted_at),
        "decided_at": plain(application.decided_at),
        "withdrawn_at": plain(application.withdrawn_at),
        "url": url("application-detail", application),
    }


def application_out(application: Application) -> dict[str, Any]:
    """Everything, plus ``missing`` (what blocks submission). Needs ``application_detail_queryset``."""
    data = application_data(application)
    data["household"] = [member_out(m, application) for m in application.members.all()]
    data["documents"] = [document_out(d, application) for d in application.documents.all()]
    return {
        **application_summary(application),
        "withdrawal_reason": application.withdrawal_reason,
        "snapshot_sha256": application.snapshot_sha256 or None,
        **data,
        "missing": missing_for(application) if application.status in EDITABLE_STATUSES else [],
        "actions": actions_for(application),
        "links": {
            "checklist": url("checklist", application),
            "documents": url("documents", application),
            "timeline": url("timeline", application),
            "messages": url("messages", application),
            "document_requests": url("document-requests", application),
            "receipt": url("receipt", application) if application.submitted_at else None,
        },
    }
