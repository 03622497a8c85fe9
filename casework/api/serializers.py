"""Input and output shapes of the staff API. No logic here: services decide."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.api.serializers import DocumentOut
from applications.conf import app_settings
from applications.constants import ApplicationKind, ApplicationStatus, DocumentRequestStatus
from casework.deadlines import Flag
from casework.models import DecisionOutcome
from casework.selectors import STATS_WINDOWS, STATUS_ORDER
from portal.clock import berlin_today

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": 0, "required": False, "allow_null": True}
MONEY_OUT = {"max_digits": 10, "decimal_places": 2, "allow_null": True}


class UtcDateTimeField(serializers.DateTimeField):
    """A moment as stored, in UTC (``...Z``), not in the server's local zone."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("default_timezone", dt.UTC)
        super().__init__(**kwargs)


# --- small nested shapes ----------------------------------------------------------------------
class PersonOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")


class TeamRefOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class ClockOut(serializers.Serializer):
    """The §88 SGG clock: the last day before a claim for inaction, days left, the queue's flag."""

    deadline = serializers.DateField()
    days_left = serializers.IntegerField()
    flag = serializers.ChoiceField(choices=Flag.ALL)


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
    kind = serializers.ChoiceField(choices=ApplicationKind.choices, required=False)
    ordering = serializers.ChoiceField(choices=["lodged_at", "-lodged_at"], default="lodged_at")

    def validate(self, attrs):
        start, end = attrs.get("lodged_from"), attrs.get("lodged_to")
        if start and end and start > end:
            raise serializers.ValidationError({"lodged_to": [_("Must not be before lodged_from.")]})
        return attrs


class QueueRowOut(serializers.Serializer):
    """One row of the queue: what staff need to triage, without opening the case.

    Reads an application annotated by ``selectors.with_queue_columns``; the
    context's ``clock_of`` gives its §88 SGG clock."""

    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    applicant_name = serializers.SerializerMethodField()
    household_size = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    lodged_at = UtcDateTimeField(allow_null=True)
    submitted_at = UtcDateTimeField(allow_null=True)
    effective_from = serializers.DateField(allow_null=True)
    team = TeamRefOut(allow_null=True)
    assigned_to = PersonOut(allow_null=True)
    open_document_requests = serializers.IntegerField()
    overdue_document_requests = serializers.IntegerField()
    unread_messages = serializers.IntegerField()
    inaction_deadline = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_applicant_name(self, application) -> str:
        return " ".join(p for p in (application.applicant_first_name, application.applicant_last_name) if p)

    @extend_schema_field(ClockOut(allow_null=True))
    def get_inaction_deadline(self, application) -> dict | None:
        clock = self.context["clock_of"](application)
        return None if clock is None else ClockOut(clock).data


class ClaimNextIn(serializers.Serializer):
    team = serializers.UUIDField(required=False)


class AssignIn(serializers.Serializer):
    assignee = serializers.UUIDField(allow_null=True)
    team = serializers.UUIDField(required=False)


class HandOverIn(serializers.Serializer):
    team = serializers.UUIDField()


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
        # A rejection without a reason: ``services.decision_values_check`` (the one home of that rule).
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


class DecisionDocumentOut(serializers.Serializer):
    name = serializers.CharField(source="document_name")
    size = serializers.IntegerField(source="document_size")
    sha256 = serializers.CharField(source="document_sha256")
    generated = serializers.BooleanField()


class DecisionOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    monthly_amount = serializers.DecimalField(**MONEY_OUT)
    standard_needs_amount = serializers.DecimalField(**MONEY_OUT)
    additional_needs_amount = serializers.DecimalField(**MONEY_OUT)
    housing_amount = serializers.DecimalField(**MONEY_OUT)
    reason = serializers.CharField()
    text = serializers.CharField()
    decided_at = UtcDateTimeField()
    document = DecisionDocumentOut(source="*")


class CitizenDecisionDocumentOut(DecisionDocumentOut):
    url = serializers.SerializerMethodField()

    def get_url(self, decision) -> str:
        return reverse(
            "casework_api:citizen-decision-document", kwargs={"application_id": decision.application.public_id}
        )


class CitizenDecisionOut(DecisionOut):
    """What the applicant sees: the same facts, with the link to the notice."""

    document = CitizenDecisionDocumentOut(source="*")


class DocumentRequestIn(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    legal_basis = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False)

    def validate_deadline(self, value):
        today = berlin_today()
        if value <= today:
            raise serializers.ValidationError(_("The deadline must be in the future."))
        if value > today + timedelta(days=180):
            raise serializers.ValidationError(_("The deadline must be within six months."))
        return value


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class DocumentRequestOut(serializers.Serializer):
    """A request to cooperate as staff see it; the context's ``today`` (Berlin) decides ``overdue``."""

    id = serializers.UUIDField(source="public_id")
    description = serializers.CharField()
    legal_basis = serializers.CharField()
    deadline = serializers.DateField()
    consequences_text = serializers.CharField()
    consequences_version = serializers.CharField()
    consequences_translation = serializers.CharField()
    translation_language = serializers.CharField()
    status = serializers.ChoiceField(choices=DocumentRequestStatus.choices)
    overdue = serializers.SerializerMethodField()
    created_at = UtcDateTimeField()
    created_by = PersonOut(allow_null=True)
    resolved_at = UtcDateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    reminder_sent_at = UtcDateTimeField(allow_null=True)
    documents = serializers.SerializerMethodField()

    def get_overdue(self, request) -> bool:
        return request.is_overdue(self.context["today"])

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_documents(self, request) -> list[str]:
        return [str(d.public_id) for d in request.documents.all()]


class StaffDocumentOut(DocumentOut):
    """A document as staff see it: the shared shape (``applications.api.serializers.DocumentOut``),
    its upload time as ``created_at``, and what the upload check found inside it."""

    uploaded_at = None
    # Scripts or automatic actions in a PDF: open it only with JavaScript switched off.
    active_content = serializers.ListField(child=serializers.CharField())
    created_at = UtcDateTimeField()


class NoteIn(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class NoteOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    author = PersonOut(allow_null=True)
    body = serializers.CharField()
    created_at = UtcDateTimeField()


class StaffMessageIn(serializers.Serializer):
    body = serializers.CharField()

    def validate_body(self, value):
        if len(value) > app_settings.MESSAGE_MAX_LENGTH:
            raise serializers.ValidationError(_("At most %(n)s characters.") % {"n": app_settings.MESSAGE_MAX_LENGTH})
        return value


class MessageOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    from_jobcenter = serializers.BooleanField()
    author = PersonOut(allow_null=True)
    body = serializers.CharField()
    created_at = UtcDateTimeField()
    read_by_citizen_at = UtcDateTimeField(allow_null=True)
    read_by_jobcenter_at = UtcDateTimeField(allow_null=True)


# --- a case -----------------------------------------------------------------------------------
class StatusChangeOut(serializers.Serializer):
    """One step of the case's history; ``from`` is a Python keyword, so the field is renamed."""

    from_status = serializers.CharField()
    to = serializers.CharField(source="to_status")
    by = PersonOut(source="actor", allow_null=True)
    reason = serializers.CharField()
    at = UtcDateTimeField(source="created_at")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        field = fields.pop("from_status")
        field.source = "from_status"
        return {"from": field, **fields}


@extend_schema_field(
    {"type": "object", "additionalProperties": True, "description": "The application as submitted (frozen)."}
)
class SnapshotField(serializers.JSONField):
    pass


class CaseDetailOut(QueueRowOut):
    """Everything staff need to decide (``selectors.case_detail_for_staff``): the
    queue row, the submitted data (frozen snapshot), the documents, the requests,
    the history, the decision and the next states the caller may choose."""

    data = SnapshotField(source="snapshot")
    snapshot_sha256 = serializers.CharField()
    documents = StaffDocumentOut(many=True)
    document_requests = DocumentRequestOut(many=True)
    status_history = StatusChangeOut(many=True, source="status_changes")
    decision = DecisionOut(allow_null=True)
    allowed_transitions = serializers.ListField(child=serializers.ChoiceField(choices=ApplicationStatus.choices))


# --- figures ----------------------------------------------------------------------------------
class UnreadCountsOut(serializers.Serializer):
    total = serializers.IntegerField(help_text="Unread citizen messages over the cases the caller may read.")
    mine = serializers.IntegerField(help_text="Of those, on the caller's own cases.")
    cases = serializers.IntegerField(help_text="Cases with unread messages.")


StatusCountsOut = type(
    "StatusCountsOut", (serializers.Serializer,), {status: serializers.IntegerField() for status in STATUS_ORDER}
)


class DurationOut(serializers.Serializer):
    count = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)


ProcessingDaysOut = type(
    "ProcessingDaysOut",
    (serializers.Serializer,),
    {f"last_{window}_days": DurationOut() for window in STATS_WINDOWS},
)


class FlagCountsOut(serializers.Serializer):
    warning = serializers.IntegerField()
    critical = serializers.IntegerField()
    expired = serializers.IntegerField()


class AgeBandOut(serializers.Serializer):
    from_days = serializers.IntegerField()
    to_days = serializers.IntegerField(allow_null=True, help_text="null: open-ended.")
    count = serializers.IntegerField()


class QueueAgeOut(serializers.Serializer):
    size = serializers.IntegerField(help_text="Undecided cases.")
    median_age_days = serializers.FloatField(allow_null=True, help_text="Days since lodging (Berlin dates).")
    oldest_age_days = serializers.IntegerField(allow_null=True)
    age_bands = AgeBandOut(many=True)


class MonthDurationOut(DurationOut):
    month = serializers.CharField(help_text="YYYY-MM, the Berlin month of the decisions.")


class FiguresOut(serializers.Serializer):
    counts = StatusCountsOut()
    processing_days = ProcessingDaysOut()
    overdue_document_requests = serializers.IntegerField()
    inaction_deadline = FlagCountsOut()
    inaction_deadline_within_30_days = serializers.IntegerField(
        help_text="Undecided cases whose §88 SGG period ends within 30 days (not yet expired)."
    )
    queue = QueueAgeOut()
    processing_days_by_month = MonthDurationOut(many=True, help_text="The last 12 months, oldest first.")


class TeamIdNameOut(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class TeamFiguresOut(FiguresOut):
    team = TeamIdNameOut(allow_null=True, help_text="null: applications not yet routed to a team.")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        return {"team": fields.pop("team"), **fields}


class StatsOut(serializers.Serializer):
    generated_at = UtcDateTimeField()
    today = serializers.DateField()
    deadline_months = serializers.IntegerField()
    jobcenter = FiguresOut()
    teams = TeamFiguresOut(many=True)
