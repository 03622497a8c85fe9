"""Input serializers (one per section) and output serializers (what the API returns).

Draft sections are saved field by field: ``split_valid`` keeps the valid
fields of a request and names each rejected one, so a half-right form never
loses what was right.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any, Literal

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from schwifty import BIC, IBAN
from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException

from applications.completeness import missing_for
from applications.constants import (
    EDITABLE_STATUSES,
    OTHER_DOCUMENT,
    ApplicationStatus,
    AssetKind,
    DocumentRequestStatus,
    HealthInsuranceKind,
    HeatingFuel,
    HotWater,
    HousingType,
    IncomeKind,
    MaritalStatus,
    Relationship,
    Sex,
    TimelineKind,
)
from applications.household import forms_for, member_age, reference_day
from applications.models import Application, Document, DocumentRequest, HouseholdMember, Message
from applications.selectors import next_step_for_citizen, open_document_requests_for
from applications.snapshot import plain
from applications.workflow import citizen_actions
from portal.api.problems import flatten_errors
from portal.api.serializers import JobcenterRefOut
from portal.clock import berlin_today

MAX_AMOUNT = Decimal("99999999.99")


def money(**kw) -> serializers.DecimalField:
    """Euro amount: a decimal with at most two places (send it as a string, e.g. "450.00")."""
    return serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        allow_null=True,
        required=False,
        **kw,
    )


def text(max_length: int, **kw) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, required=False, trim_whitespace=True, **kw)


def choice(choices, **kw) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, allow_blank=True, required=False, **kw)


country_code = RegexValidator(r"^[A-Z]{2}$", gettext_lazy("Use the two-letter country code (ISO 3166), e.g. DE or UA."))
postcode = RegexValidator(r"^\d{5}$", gettext_lazy("A German postcode has five digits."))
# Rentenversicherungsnummer: area (2 digits), birth date (6), initial (letter), serial (2), check digit (1).
pension_number = RegexValidator(
    r"^\d{8}[A-Z]\d{3}$", gettext_lazy("A pension insurance number looks like 12 150780 M 00 4 (12 characters).")
)


class CountryField(serializers.CharField):
    def __init__(self, **kw):
        super().__init__(max_length=2, allow_blank=True, required=False, validators=[country_code], **kw)

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


def validate_birth_date(value: dt.date | None) -> dt.date | None:
    if value is not None:
        if value > berlin_today():
            raise serializers.ValidationError(_("The date of birth cannot be in the future."))
        if value.year < 1900:
            raise serializers.ValidationError(_("Check the year of birth."))
    return value


class PersonIn(serializers.Serializer):
    first_name = text(100)
    last_name = text(100)
    birth_name = text(100)
    birth_date = serializers.DateField(allow_null=True, required=False, validators=[validate_birth_date])
    birth_place = text(100)
    birth_country = CountryField()
    sex = choice(Sex.choices)
    nationality = CountryField()


class PersonalIn(PersonIn):
    """Hauptantrag: the applicant's personal data, address and contact."""

    marital_status = choice(MaritalStatus.choices)
    pension_insurance_number = text(12, validators=[pension_number])
    street = text(200)
    address_addition = text(200)
    postcode = text(5, validators=[postcode])
    city = text(100)
    phone = text(50)
    contact_email = serializers.EmailField(allow_blank=True, required=False, max_length=254)

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("pension_insurance_number"), str):
            data = {**data, "pension_insurance_number": re.sub(r"\s", "", data["pension_insurance_number"]).upper()}
        return super().to_internal_value(data)


class MemberIn(PersonIn):
    relationship = serializers.ChoiceField(
        choices=[c for c in Relationship.choices if c[0] != Relationship.APPLICANT], required=False
    )


class HealthInsuranceIn(serializers.Serializer):
    kind = choice(HealthInsuranceKind.choices, source="health_insurance_kind")
    insurer = text(200, source="health_insurer")


class HousingIn(serializers.Serializer):
    """Kosten der Unterkunft und Heizung (Anlage KDU)."""

    housing_type = choice(HousingType.choices)
    floor_area_m2 = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("1"), allow_null=True, required=False
    )
    rooms = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=Decimal("0"), allow_null=True, required=False
    )
    persons = serializers.IntegerField(min_value=1, max_value=50, allow_null=True, required=False)
    base_rent = money()
    service_charges = money()
    heating_costs = money()
    heating_fuel = choice(HeatingFuel.choices)
    hot_water = choice(HotWater.choices)
    landlord_name = text(200)
    rent_paid_to_landlord = serializers.BooleanField(allow_null=True, required=False)


@extend_schema_field(OpenApiTypes.UUID)
class MemberRefField(serializers.Field):
    """A household member of the application in ``context["application"]``, by id."""

    default_error_messages = {"unknown": gettext_lazy("There is no household member with this id.")}

    def to_internal_value(self, data) -> HouseholdMember:
        application = self.context["application"]
        member = application.members.filter(public_id=str(data)).first() if _is_uuid(data) else None
        if member is None:
            self.fail("unknown")
        return member

    def to_representation(self, value: HouseholdMember) -> str:
        return str(value.public_id)


def _is_uuid(value) -> bool:
    return isinstance(value, str) and bool(
        re.fullmatch(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}", value)
    )


class IncomeEntryIn(serializers.Serializer):
    member = MemberRefField(required=False)
    kind = serializers.ChoiceField(choices=IncomeKind.choices, required=False)
    gross_monthly = money()
    net_monthly = money()
    source = text(200)
    since = serializers.DateField(allow_null=True, required=False)


class AssetEntryIn(serializers.Serializer):
    member = MemberRefField(required=False)
    kind = serializers.ChoiceField(choices=AssetKind.choices, required=False)
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), allow_null=True, required=False
    )
    description = text(200)


class IncomeFlagIn(serializers.Serializer):
    has_income = serializers.BooleanField(allow_null=True, required=False)


class AssetsFlagIn(serializers.Serializer):
    has_assets = serializers.BooleanField(allow_null=True, required=False)


class BankAccountIn(serializers.Serializer):
    iban = text(42)
    bic = text(11)
    account_holder = text(200)

    def validate_iban(self, value: str) -> str:
        if not value:
            return ""
        try:
            return IBAN(value).compact
        except InvalidChecksumDigits:
            raise serializers.ValidationError(
                _("This IBAN is not valid: its check digits do not match. Please check for a typing error.")
            ) from None
        except SchwiftyException:
            raise serializers.ValidationError(_("This is not a valid IBAN.")) from None

    def validate_bic(self, value: str) -> str:
        if not value:
            return ""
        try:
            return BIC(value).compact
        except SchwiftyException:
            raise serializers.ValidationError(_("This is not a valid BIC.")) from None

    def validate(self, attrs):
        if attrs.get("iban") and "bic" not in attrs:
            bic = IBAN(attrs["iban"]).bic
            attrs["bic"] = bic.compact if bic is not None else ""
        return attrs


class DocumentIn(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    checklist_key = serializers.CharField(max_length=100, required=False, default=OTHER_DOCUMENT)
    document_request = serializers.UUIDField(required=False, allow_null=True)


class CreateIn(serializers.Serializer):
    jobcenter = serializers.UUIDField(required=False, allow_null=True)
    lodge = serializers.BooleanField(required=False, default=False)


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)


class MessageIn(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=True)
    # multipart only; each file is checked by ``message_post`` (``applications.files``).
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, use_url=False), required=False, default=list
    )

    def validate_body(self, value: str) -> str:
        from applications.conf import app_settings

        if len(value) > app_settings.MESSAGE_MAX_LENGTH:
            raise serializers.ValidationError(
                _("Please write at most %(n)d characters.") % {"n": app_settings.MESSAGE_MAX_LENGTH}
            )
        return value


# --- partial saves ----------------------------------------------------------------------------
def split_valid(
    serializer_class: type[serializers.Serializer],
    data: Any,
    *,
    context: dict | None = None,
    required: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate ``data`` field by field: return (valid values by model field name,
    rejected fields with their messages).

    Unknown fields are rejected too (a typo must not pass silently). A field
    listed in ``required`` that is missing or invalid fails the whole request
    with a 400 problem (e.g. the kind of a new income entry).
    """
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    writable = {name for name, field in serializer_class(context=context).fields.items() if not field.read_only}
    rejected: dict[str, list[str]] = {key: [str(_("Unknown field."))] for key in data if key not in writable}
    remaining = {key: value for key, value in data.items() if key in writable}
    while True:
        serializer = serializer_class(data=remaining, partial=True, context=context)
        if serializer.is_valid():
            values = dict(serializer.validated_data)
            break
        progress = False
        for path, messages in flatten_errors(serializer.errors).items():
            top = path.split(".", 1)[0]
            if top in remaining:
                remaining.pop(top)
                rejected[path] = messages
                progress = True
        if not progress:  # an error that names no field: keep nothing rather than guess
            rejected.update(flatten_errors(serializer.errors))
            values = {}
            break
    problems = {
        name: rejected.get(name) or [str(_("This field is required."))]
        for name in required
        if name in rejected or name not in values
    }
    if problems:
        raise serializers.ValidationError(problems)
    return values, rejected


# --- output -----------------------------------------------------------------------------------
# The wire format is the snapshot's (``applications.snapshot.plain``): amounts as strings with
# two places, dates in ISO 8601, times aware in UTC ("+00:00"). These fields keep that format
# and give the OpenAPI schema the right types.
class AmountOut(serializers.DecimalField):
    """A euro amount (or an area, a count of rooms) as a string with two places, e.g. "450.00"."""

    def __init__(self, **kw):
        super().__init__(max_digits=12, decimal_places=2, allow_null=True, **kw)

    def to_representation(self, value):
        return plain(value)


class DateOut(serializers.DateField):
    pass

    def to_representation(self, value):
        return plain(value)


class MomentOut(serializers.DateTimeField):
    """A moment in UTC, ISO 8601 with the offset ("2026-03-31T21:30:00+00:00")."""

    def to_representation(self, value):
        return plain(value)


def _citizen_url(name: str, application: Application, **kw) -> str:
    return reverse(f"applications_api:{name}", kwargs={"application_id": application.public_id, **kw})


class HealthInsuranceOut(serializers.Serializer):
    member = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(source="health_insurance_kind")
    insurer = serializers.CharField(source="health_insurer")


class PersonOut(serializers.Serializer):
    """The personal data of one household member (``snapshot.PERSON_FIELDS``)."""

    first_name = serializers.CharField()
    last_name = serializers.CharField()
    birth_name = serializers.CharField()
    birth_date = DateOut(allow_null=True)
    birth_place = serializers.CharField()
    birth_country = serializers.CharField()
    sex = serializers.CharField()
    nationality = serializers.CharField()
    marital_status = serializers.CharField()
    pension_insurance_number = serializers.CharField()


class PersonalOut(PersonOut):
    """Hauptantrag: the applicant's personal data with the household's address and contact."""

    street = serializers.CharField(source="application.street")
    address_addition = serializers.CharField(source="application.address_addition")
    postcode = serializers.CharField(source="application.postcode")
    city = serializers.CharField(source="application.city")
    phone = serializers.CharField(source="application.phone")
    contact_email = serializers.CharField(source="application.contact_email")


class MemberOut(PersonOut):
    """A household member; ``age`` and ``forms`` (the Anlagen they need) count on the day the
    application was lodged (today while it is a draft)."""

    id = serializers.UUIDField(source="public_id")
    relationship = serializers.CharField()
    age = serializers.SerializerMethodField()
    forms = serializers.SerializerMethodField()
    health_insurance = HealthInsuranceOut(source="*")

    def get_age(self, member: HouseholdMember) -> int | None:
        return member_age(member, reference_day(member.application))

    def get_forms(self, member: HouseholdMember) -> list[str]:
        return forms_for(member, reference_day(member.application))


class HousingOut(serializers.Serializer):
    """Kosten der Unterkunft und Heizung (Anlage KDU)."""

    housing_type = serializers.CharField()
    floor_area_m2 = AmountOut()
    rooms = AmountOut()
    persons = serializers.IntegerField(allow_null=True)
    base_rent = AmountOut()
    service_charges = AmountOut()
    heating_costs = AmountOut()
    heating_fuel = serializers.CharField()
    hot_water = serializers.CharField()
    landlord_name = serializers.CharField()
    rent_paid_to_landlord = serializers.BooleanField(allow_null=True)


class BankAccountOut(serializers.Serializer):
    iban = serializers.CharField()
    bic = serializers.CharField()
    account_holder = serializers.CharField()


class IncomeEntryOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    member = serializers.UUIDField(source="member.public_id")
    kind = serializers.CharField()
    gross_monthly = AmountOut()
    net_monthly = AmountOut()
    source = serializers.CharField()
    since = DateOut(allow_null=True)


class AssetEntryOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    member = serializers.UUIDField(source="member.public_id")
    kind = serializers.CharField()
    value = AmountOut()
    description = serializers.CharField()


class IncomeOut(serializers.Serializer):
    """Anlage EK: "does anyone have income?" (null: not answered yet) and the entries."""

    has_income = serializers.BooleanField(allow_null=True)
    entries = IncomeEntryOut(many=True, source="income_entries.all")


class AssetsOut(serializers.Serializer):
    """Anlage VM: "does anyone have assets?" (null: not answered yet) and the entries."""

    has_assets = serializers.BooleanField(allow_null=True)
    entries = AssetEntryOut(many=True, source="asset_entries.all")


class DocumentOut(serializers.Serializer):
    """An uploaded document (evidence), as both the citizen and staff see it.

    ``casework`` renders documents with this too, adding what only staff see.
    """

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    checklist_key = serializers.CharField()
    document_request = serializers.UUIDField(source="document_request.public_id", allow_null=True)
    uploaded_at = MomentOut(source="created_at")


class CitizenDocumentOut(DocumentOut):
    """A document with the link the citizen downloads it from."""

    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document: Document) -> str:
        application = self.context.get("application") or document.application
        return _citizen_url("document-file", application, document_id=document.public_id)


class ChecklistItemOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    member = serializers.UUIDField(source="member.public_id", allow_null=True)
    done = serializers.BooleanField()
    documents = CitizenDocumentOut(many=True)


class ChecklistOut(serializers.Serializer):
    """The documents needed (derived from the data) and how many are still ``open``."""

    items = ChecklistItemOut(many=True)
    open = serializers.SerializerMethodField()

    def get_open(self, checklist: dict) -> int:
        return sum(1 for item in checklist["items"] if not item.done)


@extend_schema_serializer(component_name="CitizenDocumentRequestOut")  # casework has its own
class DocumentRequestOut(serializers.Serializer):
    """A request of the Jobcenter to send documents (§60 SGB I) with its deadline and the
    written warning of the consequences (§66 SGB I); the German text is binding."""

    id = serializers.UUIDField(source="public_id")
    description = serializers.CharField()
    legal_basis = serializers.CharField()
    deadline = DateOut()
    overdue = serializers.SerializerMethodField()
    consequences_text = serializers.CharField()
    consequences_version = serializers.CharField()
    consequences_translation = serializers.CharField()
    translation_language = serializers.CharField()
    status = serializers.ChoiceField(choices=DocumentRequestStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    rejection_reason = serializers.CharField()
    created_at = MomentOut()
    documents = CitizenDocumentOut(many=True, source="documents.all")

    def get_overdue(self, request: DocumentRequest) -> bool:
        return request.is_overdue(berlin_today())


class MessageAttachmentOut(serializers.Serializer):
    """A file sent with a message; downloaded like every document (``download_url``)."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document: Document) -> str:
        application = self.context.get("application") or document.application
        return _citizen_url("document-file", application, document_id=document.public_id)


@extend_schema_serializer(component_name="CitizenMessageOut")  # casework has its own
class MessageOut(serializers.Serializer):
    """A Postfach message; ``from`` is "jobcenter" or "you", ``read_at`` when the other side read it."""

    id = serializers.UUIDField(source="public_id")
    body = serializers.CharField()
    attachments = MessageAttachmentOut(many=True, source="attachments.all")
    created_at = MomentOut()
    read_at = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = serializers.SerializerMethodField(method_name="get_from")
        return fields

    def get_from(self, message: Message) -> Literal["jobcenter", "you"]:
        return "jobcenter" if message.from_jobcenter else "you"

    @extend_schema_field(MomentOut(allow_null=True))
    def get_read_at(self, message: Message) -> str | None:
        return plain(message.read_by_citizen_at if message.from_jobcenter else message.read_by_jobcenter_at)


class TimelineEventOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=TimelineKind.choices)
    title = serializers.CharField(source="get_kind_display")
    at = MomentOut(source="created_at")
    data = serializers.DictField(help_text="Ids and dates only, e.g. the deadline of a request.")


# The application's status is documented as a string naming its values: as an enum it would
# share the component name "status" with other apps' enums (drf-spectacular warns, and
# ``check --deploy`` fails on the warning).
APPLICATION_STATUS_HELP = "One of: " + ", ".join(ApplicationStatus.values) + " (``applications.workflow``)."


class TimelineOut(serializers.Serializer):
    status = serializers.CharField(help_text=APPLICATION_STATUS_HELP)
    events = TimelineEventOut(many=True)


class GapOut(serializers.Serializer):
    """Something that still blocks submission: a field path and a reason a person understands."""

    field = serializers.CharField()
    reason = serializers.CharField()


class ActionsOut(serializers.Serializer):
    """What the citizen can do next (the state table decides)."""

    edit = serializers.BooleanField()
    lodge = serializers.BooleanField()
    submit = serializers.BooleanField()
    withdraw = serializers.BooleanField()
    delete = serializers.BooleanField()
    message = serializers.BooleanField()


class LinksOut(serializers.Serializer):
    checklist = serializers.CharField()
    documents = serializers.CharField()
    timeline = serializers.CharField()
    messages = serializers.CharField()
    document_requests = serializers.CharField()
    receipt = serializers.CharField(allow_null=True, help_text="Once the application is submitted.")


class ApplicationSummaryOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField(allow_null=True, help_text="Given when the application is lodged.")
    kind = serializers.CharField(help_text="first (Erstantrag)")
    status = serializers.CharField(help_text=APPLICATION_STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display")
    jobcenter = JobcenterRefOut()
    version = serializers.IntegerField(help_text="Changes with every change; the ETag names it.")
    created_at = MomentOut()
    updated_at = MomentOut()
    lodged_at = MomentOut(allow_null=True)
    effective_from = DateOut(allow_null=True, help_text="§37 SGB II: the first day of the month it was lodged in.")
    complete_by = DateOut(allow_null=True)
    submitted_at = MomentOut(allow_null=True)
    decided_at = MomentOut(allow_null=True)
    withdrawn_at = MomentOut(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, application: Application) -> str:
        return _citizen_url("application-detail", application)


class ApplicationOut(ApplicationSummaryOut):
    """Everything, plus ``missing``: what still blocks submission (needs ``application_detail_queryset``)."""

    withdrawal_reason = serializers.CharField()
    snapshot_sha256 = serializers.CharField(allow_null=True, help_text="SHA-256 of the data as submitted.")
    personal = PersonalOut(source="applicant_member")
    household = MemberOut(many=True, source="members.all")
    housing = HousingOut()
    income = IncomeOut(source="*")
    assets = AssetsOut(source="*")
    bank_account = BankAccountOut()
    documents = CitizenDocumentOut(many=True, source="documents.all")
    missing = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    def to_representation(self, application: Application) -> dict:
        data = super().to_representation(application)
        data["snapshot_sha256"] = data["snapshot_sha256"] or None
        return data

    @extend_schema_field(GapOut(many=True))
    def get_missing(self, application: Application) -> list[dict[str, str]]:
        return missing_for(application) if application.status in EDITABLE_STATUSES else []

    @extend_schema_field(ActionsOut)
    def get_actions(self, application: Application) -> dict[str, bool]:
        return citizen_actions(application)

    @extend_schema_field(LinksOut)
    def get_links(self, application: Application) -> dict[str, str | None]:
        names = ("checklist", "documents", "timeline", "messages", "document-requests")
        links = {name.replace("-", "_"): _citizen_url(name, application) for name in names}
        links["receipt"] = _citizen_url("receipt", application) if application.submitted_at else None
        return links


class NextStepOut(serializers.Serializer):
    """The one next thing the applicant should do (``next_step_for_citizen``)."""

    kind = serializers.CharField(help_text="One of: request, messages, section, evidence, submit.")
    request = serializers.UUIDField(required=False, help_text="kind=request: the open request to answer.")
    section = serializers.CharField(required=False, help_text="kind=section: the first section with a gap.")


class ApplicationDetailOut(ApplicationOut):
    unread_messages = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    def get_unread_messages(self, application: Application) -> int:
        return self.context["unread_messages"]

    @extend_schema_field(NextStepOut(allow_null=True))
    def get_next_step(self, application: Application) -> dict[str, str] | None:
        return next_step_for_citizen(
            application=application,
            open_requests=list(open_document_requests_for(application=application)),
            unread=self.context["unread_messages"],
        )


class RejectedField(serializers.DictField):
    """The fields of a partial save that were not saved, from ``context["rejected"]`` (``split_valid``)."""

    def __init__(self, **kw):
        super().__init__(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Each field that was not saved, with its messages; the others were saved.",
            **kw,
        )

    def get_attribute(self, instance):
        return self.context["rejected"]


@functools.cache
def saved_out(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The answer to a partial save: the part as stored, plus ``rejected``
    (render it with ``context={"rejected": ...}``)."""
    name = serializer_class.__name__.removesuffix("Out") + "SavedOut"
    return type(name, (serializer_class,), {"rejected": RejectedField(), "__module__": __name__})


class MemberListOut(serializers.Serializer):
    members = MemberOut(many=True)


class HealthInsuranceListOut(serializers.Serializer):
    members = HealthInsuranceOut(many=True)


class DocumentListOut(serializers.Serializer):
    documents = CitizenDocumentOut(many=True)


class DocumentRequestListOut(serializers.Serializer):
    requests = DocumentRequestOut(many=True)


class MessagePageOut(serializers.Serializer):
    """A page of the Postfach thread and how many of the Jobcenter's messages are unread."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MessageOut(many=True)
    unread = serializers.IntegerField()


class MessagesReadOut(serializers.Serializer):
    marked_read = serializers.IntegerField()
    unread = serializers.IntegerField()


# --- the frozen snapshot ----------------------------------------------------------------------
# ``applications.snapshot`` builds it at submission and stores it as JSON (the legal record,
# ``schema`` 1). These serializers describe that stored format for the OpenAPI schema of the
# places that show it (casework's case view); rendering a snapshot with them returns it unchanged.
class SnapshotMemberOut(PersonOut):
    id = serializers.UUIDField()
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    forms = serializers.ListField(child=serializers.CharField(), help_text="The Anlagen this person needs.")
    health_insurance_kind = serializers.CharField()
    health_insurer = serializers.CharField()


class SnapshotPersonalOut(PersonOut):
    street = serializers.CharField()
    address_addition = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    phone = serializers.CharField()
    contact_email = serializers.CharField()


class SnapshotIncomeEntryOut(IncomeEntryOut):
    id = serializers.UUIDField()
    member = serializers.UUIDField()


class SnapshotAssetEntryOut(AssetEntryOut):
    id = serializers.UUIDField()
    member = serializers.UUIDField()


class SnapshotIncomeOut(serializers.Serializer):
    has_income = serializers.BooleanField(allow_null=True)
    entries = SnapshotIncomeEntryOut(many=True)


class SnapshotAssetsOut(serializers.Serializer):
    has_assets = serializers.BooleanField(allow_null=True)
    entries = SnapshotAssetEntryOut(many=True)


class SnapshotDocumentOut(DocumentOut):
    id = serializers.UUIDField()
    name = serializers.CharField()
    document_request = None  # not part of the snapshot
    uploaded_at = MomentOut()


class SnapshotJobcenterOut(JobcenterRefOut):
    id = serializers.UUIDField()


class SnapshotOut(serializers.Serializer):
    """The application as submitted, frozen (``applications.snapshot``); its SHA-256 over the
    canonical JSON is on the receipt. Amounts are strings with two places, times UTC."""

    schema = serializers.IntegerField(help_text="Version of this format.")
    application = serializers.UUIDField()
    reference = serializers.CharField()
    jobcenter = SnapshotJobcenterOut()
    lodged_at = MomentOut()
    effective_from = DateOut()
    submitted_at = MomentOut()
    personal = SnapshotPersonalOut()
    household = SnapshotMemberOut(many=True)
    housing = HousingOut()
    income = SnapshotIncomeOut()
    assets = SnapshotAssetsOut()
    bank_account = BankAccountOut()
    documents = SnapshotDocumentOut(many=True)
