"""Input and output shapes of the staff API. No logic here: services decide."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from applications.conf import app_settings
from applications.constants import ApplicationStatus
from casework.deadlines import Flag
from casework.models import DecisionOutcome
from casework.selectors import today_in_berlin

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": 0, "required": False, "allow_null": True}


# --- small nested shapes ----------------------------------------------------------------------
def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": str(user.public_id), "name": user.display_name}


def team_of(team) -> dict | None:
    return None if team is None else {"id": str(team.public_id), "name": team.name}


def clock_out(clock) -> dict | None:
    if clock is None:
        return None
    return {"deadline": clock.deadline.isoformat(), "days_left": clock.days_left, "flag": clock.flag}


# --- queue ------------------------------------------------------------------------------------
STATUS_FILTER_CHOICES = [
    s
    for s in ApplicationStatus.values
    if s not in (ApplicationStatus.DRAFT, ApplicationStatus.LODGED)  # not yet submitted: not staff's business
]


class QueueQueryIn(serializers.Serializer):
    status = serializers.ListField(child=serializers.ChoiceField(choices=STATUS_FILTER_CHOICES), required=False)
    team = serializers.UUIDField(required=False)
    assigned = serializers.ChoiceField(choices=["any", "me", "unassigned", "others"], default="any")
    assignee = serializers.UUIDField(required=False)
    deadline = serializers.ChoiceField(choices=[Flag.WARNING, Flag.CRITICAL, Flag.EXPIRED], required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    documents_overdue = serializers.BooleanField(required=False, default=False)
    unread = serializers.BooleanField(required=False, default=False)
    lodged_from = serializers.DateField(required=False)
    lodged_to = serializers.DateField(required=False)
    ordering = serializers.ChoiceField(choices=["lodged_at", "-lodged_at"], default="lodged_at")

    def validate(self, attrs):
        start, end = attrs.get("lodged_from"), attrs.get("lodged_to")
        if start and end and start > end:
            raise serializers.ValidationError({"lodged_to": [_("Must not be before lodged_from.")]})
        return attrs


class QueueRowOut(serializers.Serializer):
    """One row of the queue: what staff need to triage, without opening the case."""

    def to_representation(self, application) -> dict:
        clock = self.context["clock_of"](application)
        return {
            "id": str(application.public_id),
            "reference": application.reference,
            "applicant_name": " ".join(
                p for p in (application.applicant_first_name, application.applicant_last_name) if p
            ),
            "household_size": application.household_size,
            "status": application.status,
            "lodged_at": application.lodged_at,
            "submitted_at": application.submitted_at,
            "effective_from": application.effective_from,
            "team": team_of(application.team),
            "assigned_to": person(application.assigned_to),
            "open_document_requests": application.open_document_requests,
            "overdue_document_requests": application.overdue_document_requests,
            "unread_messages": application.unread_messages,
            "inaction_deadline": clock_out(clock),
            "version": application.version,
        }


class ClaimNextIn(serializers.Serializer):
    team = serializers.UUIDField(required=False)


class AssignIn(serializers.Serializer):
    assignee = serializers.UUIDField(allow_null=True)
    team = serializers.UUIDField(required=False)


# --- working a case ---------------------------------------------------------------------------
class DecisionFieldsIn(serializers.Serializer):
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    monthly_amount = serializers.DecimalField(**MONEY)
    standard_needs_amount = serializers.DecimalField(**MONEY)
    additional_needs_amount = serializers.DecimalField(**MONEY)
    housing_amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")

    def check_decision(self, attrs: dict, outcome: str) -> dict:
        errors: dict[str, list[str]] = {}
        if outcome == DecisionOutcome.APPROVED and not attrs.get("starts_on"):
            errors["starts_on"] = [_("An approval needs the date from which benefits are granted.")]
        if outcome == DecisionOutcome.REJECTED and not attrs.get("reason", "").strip():
            errors["reason"] = [_("A rejection needs a reason.")]
        if attrs.get("starts_on") and attrs.get("ends_on") and attrs["ends_on"] < attrs["starts_on"]:
            errors["ends_on"] = [_("Must not be before starts_on.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TransitionIn(DecisionFieldsIn):
    target = serializers.ChoiceField(choices=ApplicationStatus.values)

    def validate(self, attrs):
        if attrs["target"] in DecisionOutcome.values:
            return self.check_decision(attrs, attrs["target"])
        return attrs


class DecisionIn(DecisionFieldsIn):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    file = serializers.FileField(required=False)

    def validate(self, attrs):
        return self.check_decision(attrs, attrs["outcome"])


class DecisionOut(serializers.Serializer):
    def to_representation(self, decision) -> dict:
        return {
            "id": str(decision.public_id),
            "outcome": decision.outcome,
            "starts_on": decision.starts_on,
            "ends_on": decision.ends_on,
            "monthly_amount": _money(decision.monthly_amount),
            "standard_needs_amount": _money(decision.standard_needs_amount),
            "additional_needs_amount": _money(decision.additional_needs_amount),
            "housing_amount": _money(decision.housing_amount),
            "reason": decision.reason,
            "text": decision.text,
            "decided_at": decision.decided_at,
            "document": {
                "name": decision.document_name,
                "size": decision.document_size,
                "sha256": decision.document_sha256,
                "generated": decision.generated,
            },
        }


class CitizenDecisionOut(DecisionOut):
    """What the applicant sees: the same facts, with the link to the notice."""

    def to_representation(self, decision) -> dict:
        body = super().to_representation(decision)
        body["document"]["url"] = reverse(
            "casework_api:citizen-decision-document", kwargs={"application_id": decision.application.public_id}
        )
        return body


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class DocumentRequestIn(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    legal_basis = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False)

    def validate_deadline(self, value):
        today = today_in_berlin()
        if value <= today:
            raise serializers.ValidationError(_("The deadline must be in the future."))
        if value > today + timedelta(days=180):
            raise serializers.ValidationError(_("The deadline must be within six months."))
        return value


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class DocumentRequestOut(serializers.Serializer):
    def to_representation(self, request) -> dict:
        today = self.context["today"]
        return {
            "id": str(request.public_id),
            "description": request.description,
            "legal_basis": request.legal_basis,
            "deadline": request.deadline,
            "consequences_text": request.consequences_text,
            "consequences_version": request.consequences_version,
            "consequences_translation": request.consequences_translation,
            "translation_language": request.translation_language,
            "status": request.status,
            "overdue": request.status == "open" and request.deadline < today,
            "created_at": request.created_at,
            "created_by": person(request.created_by),
            "resolved_at": request.resolved_at,
            "rejection_reason": request.rejection_reason,
            "reminder_sent_at": request.reminder_sent_at,
            "documents": [str(d.public_id) for d in request.documents.all()],
        }


class DocumentOut(serializers.Serializer):
    def to_representation(self, document) -> dict:
        return {
            "id": str(document.public_id),
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
            "checklist_key": document.checklist_key,
            "document_request": str(document.document_request.public_id) if document.document_request else None,
            # Scripts or automatic actions in a PDF: open it only with JavaScript switched off.
            "active_content": list(document.active_content),
            "created_at": document.created_at,
        }


class NoteIn(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class NoteOut(serializers.Serializer):
    def to_representation(self, note) -> dict:
        return {
            "id": str(note.public_id),
            "author": person(note.author),
            "body": note.body,
            "created_at": note.created_at,
        }


class StaffMessageIn(serializers.Serializer):
    body = serializers.CharField()

    def validate_body(self, value):
        if len(value) > app_settings.MESSAGE_MAX_LENGTH:
            raise serializers.ValidationError(_("At most %(n)s characters.") % {"n": app_settings.MESSAGE_MAX_LENGTH})
        return value


class MessageOut(serializers.Serializer):
    def to_representation(self, message) -> dict:
        return {
            "id": str(message.public_id),
            "from_jobcenter": message.from_jobcenter,
            "author": person(message.author),
            "body": message.body,
            "created_at": message.created_at,
            "read_by_citizen_at": message.read_by_citizen_at,
            "read_by_jobcenter_at": message.read_by_jobcenter_at,
        }
