"""Input serializers (one per section) and the helpers that render output.

Draft sections are saved field by field: ``split_valid`` keeps the valid
fields of a request and names each rejected one, so a half-right form never
loses what was right.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from schwifty import BIC, IBAN
from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException

from applications.constants import (
    OTHER_DOCUMENT,
    AssetKind,
    HealthInsuranceKind,
    HeatingFuel,
    HotWater,
    HousingType,
    IncomeKind,
    MaritalStatus,
    Relationship,
    Sex,
)
from applications.models import HouseholdMember
from portal.api.problems import flatten_errors
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
