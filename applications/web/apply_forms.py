"""The forms of the application's steps.

A form here only names and renders the fields (labels, hints, widgets, choices).
The rules are the API's: ``SectionForm`` hands the posted values to the API's input
serializer through ``split_valid``, so a postcode, an IBAN or a birth date is checked
in one place (``applications.api.serializers``) for the app and the browser alike.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from applications.api import serializers as api
from applications.constants import (
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

CHOOSE = ("", _("Please choose"))
YES_NO = [("", _("Please choose")), ("true", _("Yes")), ("false", _("No"))]


def text(label, *, hint="", autocomplete: str | None = None, inputmode: str | None = None) -> forms.CharField:
    attrs = {}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if inputmode:
        attrs["inputmode"] = inputmode
    return forms.CharField(label=label, help_text=hint, required=False, widget=forms.TextInput(attrs=attrs))


def date(label, *, hint="", autocomplete: str | None = None) -> forms.CharField:
    attrs = {"type": "date"}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label, help_text=hint, required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs=attrs)
    )


EUROS = _("In euros, e.g. 420.50")


def amount(label, *, hint=EUROS) -> forms.CharField:
    return text(label, hint=hint, inputmode="decimal")


def select(label, choices, *, hint="") -> forms.CharField:
    # A CharField with a Select widget: the choice is checked by the serializer, once.
    return forms.CharField(label=label, help_text=hint, required=False, widget=forms.Select(choices=[CHOOSE, *choices]))


class SectionForm(forms.Form):
    """A step's form, validated by ``serializer`` (the API's input serializer).

    After ``is_valid()``: ``values`` are the valid values by model field name (ready
    for the service), and every rejected field carries its message. Fields left
    empty are sent as empty (cleared), as the API's PATCH would.
    """

    serializer: type[serializers.Serializer]
    required_fields: tuple[str, ...] = ()
    decimal_fields: tuple[str, ...] = ()
    omit_blank: tuple[str, ...] = ()  # left out when empty, so the serializer may fill them in

    def __init__(self, *args, context: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context or {}
        self.values: dict[str, Any] = {}

    def payload(self) -> dict[str, Any]:
        """The posted strings as the serializer takes them ("" is null where a field is not text)."""
        fields = self.serializer(context=self.context).fields
        data = {}
        for name in self.fields:
            raw = (self.data.get(self.add_prefix(name)) or "").strip()
            if name in self.decimal_fields:
                raw = raw.replace(" ", "").replace(",", ".")  # German users write 420,50
            if raw == "" and name in self.omit_blank:
                continue
            field = fields[name]
            if raw == "" and not isinstance(field, serializers.CharField | serializers.ChoiceField):
                raw = None
            data[name] = raw
        return data

    def clean(self):
        try:
            self.values, rejected = api.split_valid(
                self.serializer, self.payload(), context=self.context, required=self.required_fields
            )
        except serializers.ValidationError as error:  # a required field is missing
            self.values, rejected = {}, error.detail
        for path, messages in rejected.items():
            name = str(path).split(".", 1)[0]
            for message in messages:
                self.add_error(name if name in self.fields else None, str(message))
        return self.cleaned_data

    def is_empty(self) -> bool:
        return not any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields)


class PersonalForm(SectionForm):
    serializer = api.PersonalIn

    first_name = text(_("First name"), autocomplete="given-name")
    last_name = text(_("Last name"), autocomplete="family-name")
    birth_name = text(_("Birth name"), hint=_("Only if it differs from your last name."))
    birth_date = date(_("Date of birth"), autocomplete="bday")
    birth_place = text(_("Place of birth"))
    birth_country = text(_("Country of birth"), hint=_("Two-letter country code, e.g. DE or UA."))
    sex = select(_("Sex"), Sex.choices)
    nationality = text(_("Nationality"), hint=_("Two-letter country code, e.g. DE or UA."))
    marital_status = select(_("Marital status"), MaritalStatus.choices)
    pension_insurance_number = text(
        _("Pension insurance number"), hint=_("If you have one: 12 characters, e.g. 12 150780 M 00 4.")
    )
    street = text(_("Street and house number"), autocomplete="street-address")
    address_addition = text(_("Address addition"), hint=_("For example: c/o, back building."))
    postcode = text(_("Postcode"), autocomplete="postal-code", inputmode="numeric")
    city = text(_("City"), autocomplete="address-level2")
    phone = text(_("Phone (optional)"), autocomplete="tel", inputmode="tel")
    contact_email = text(_("E-mail address for questions (optional)"), autocomplete="email", inputmode="email")


class MemberForm(SectionForm):
    """A person added to the household (Bedarfsgemeinschaft)."""

    serializer = api.MemberIn
    required_fields = ("relationship",)

    relationship = select(_("Relationship to you"), [c for c in Relationship.choices if c[0] != Relationship.APPLICANT])
    first_name = text(_("First name"))
    last_name = text(_("Last name"))
    birth_date = date(_("Date of birth"))
    sex = select(_("Sex"), Sex.choices)
    nationality = text(_("Nationality"), hint=_("Two-letter country code, e.g. DE or UA."))


class MemberEditForm(MemberForm):
    """A person already in the household, changed (the API's PATCH of a member)."""

    required_fields = ()


class HousingForm(SectionForm):
    """Kosten der Unterkunft und Heizung (Anlage KDU)."""

    serializer = api.HousingIn
    decimal_fields = ("floor_area_m2", "rooms", "base_rent", "service_charges", "heating_costs")

    housing_type = select(_("How do you live?"), HousingType.choices)
    floor_area_m2 = text(_("Floor area in square metres"), inputmode="decimal")
    rooms = text(_("Number of rooms"), inputmode="decimal")
    persons = text(_("Number of people living in the home"), inputmode="numeric")
    base_rent = amount(_("Monthly base rent (Kaltmiete)"))
    service_charges = amount(_("Monthly service charges (Nebenkosten)"), hint=_("In euros; 0 if there are none."))
    heating_costs = amount(_("Monthly heating costs"), hint=_("In euros; 0 if they are included in the rent."))
    heating_fuel = select(_("Heating fuel"), HeatingFuel.choices)
    hot_water = select(_("Hot water"), HotWater.choices)
    landlord_name = text(_("Landlord (name)"))


class IncomeFlagForm(SectionForm):
    serializer = api.IncomeFlagIn

    has_income = forms.CharField(
        label=_("Does anyone in your household have income?"),
        help_text=_("Wages, pension, child benefit, maintenance and other money that comes in."),
        required=False,
        widget=forms.Select(choices=YES_NO),
    )


class AssetsFlagForm(SectionForm):
    serializer = api.AssetsFlagIn

    has_assets = forms.CharField(
        label=_("Does anyone in your household have assets?"),
        help_text=_("Savings, bank balances, a car, a house or flat, insurance with a cash value."),
        required=False,
        widget=forms.Select(choices=YES_NO),
    )


def member_choices(application) -> list[tuple[str, str]]:
    return [(str(m.public_id), m.full_name or str(m.get_relationship_display())) for m in application.members.all()]


class IncomeEntryForm(SectionForm):
    """One income (Anlage EK)."""

    serializer = api.IncomeEntryIn
    required_fields = ("member", "kind")
    decimal_fields = ("gross_monthly", "net_monthly")

    member = select(_("Whose income is it?"), [])
    kind = select(_("Kind of income"), IncomeKind.choices)
    gross_monthly = amount(_("Monthly gross amount"))
    net_monthly = amount(_("Monthly net amount"))
    source = text(_("Paid by"), hint=_("For example the employer or the pension fund."))
    since = date(_("Since"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, context={"application": application}, prefix="income", **kwargs)
        self.fields["member"].widget.choices = [CHOOSE, *member_choices(application)]


class AssetEntryForm(SectionForm):
    """One asset (Anlage VM)."""

    serializer = api.AssetEntryIn
    required_fields = ("member", "kind")
    decimal_fields = ("value",)

    member = select(_("Who owns it?"), [])
    kind = select(_("Kind of asset"), AssetKind.choices)
    value = amount(_("Value"))
    description = text(_("Description"), hint=_("For example the bank or the car's model."))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, context={"application": application}, prefix="asset", **kwargs)
        self.fields["member"].widget.choices = [CHOOSE, *member_choices(application)]


class HealthInsuranceForm(SectionForm):
    """How one household member is health-insured (one form per person, prefixed by their id)."""

    serializer = api.HealthInsuranceIn

    kind = select(_("Health insurance"), HealthInsuranceKind.choices)
    insurer = text(_("Health insurance fund"), hint=_("For example AOK or Techniker Krankenkasse."))


class BankAccountForm(SectionForm):
    serializer = api.BankAccountIn
    omit_blank = ("bic",)

    iban = text(_("IBAN"), hint=_("22 characters for a German account, starting with DE."))
    bic = text(_("BIC (optional)"), hint=_("We fill it in from the IBAN where we can."))
    account_holder = text(_("Account holder"), autocomplete="name")
