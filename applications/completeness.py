"""What still blocks submission: a list of field paths, each with a reason a
person understands (``GET`` on the application shows it as ``missing``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from applications.constants import HealthInsuranceKind, HousingType, IncomeKind, Relationship
from applications.models import Application


def _gap(path: str, reason: str) -> dict[str, str]:
    return {"field": path, "reason": str(reason)}


def _personal(application: Application, applicant) -> list[dict]:
    out = []
    required = {
        "first_name": _("Enter your first name."),
        "last_name": _("Enter your last name."),
        "birth_date": _("Enter your date of birth."),
        "birth_place": _("Enter your place of birth."),
        "nationality": _("Enter your nationality."),
        "marital_status": _("Tell us your marital status."),
    }
    for name, reason in required.items():
        if applicant is None or getattr(applicant, name) in ("", None):
            out.append(_gap(f"personal.{name}", reason))
    address = {
        "street": _("Enter your street and house number."),
        "postcode": _("Enter your postcode."),
        "city": _("Enter your city."),
    }
    for name, reason in address.items():
        if not getattr(application, name):
            out.append(_gap(f"personal.{name}", reason))
    return out


def _household(members) -> list[dict]:
    out = []
    for member in members:
        if member.relationship == Relationship.APPLICANT:
            continue
        prefix = f"household.{member.public_id}"
        if not member.first_name:
            out.append(_gap(f"{prefix}.first_name", _("Enter the first name of this household member.")))
        if not member.last_name:
            out.append(_gap(f"{prefix}.last_name", _("Enter the last name of this household member.")))
        if member.birth_date is None:
            out.append(_gap(f"{prefix}.birth_date", _("Enter the date of birth of this household member.")))
    return out


def _housing(application: Application) -> list[dict]:
    housing = getattr(application, "housing", None)
    if housing is None or not housing.housing_type:
        return [_gap("housing.housing_type", _("Tell us how you live: rented, own home or no own home."))]
    if housing.housing_type == HousingType.NONE:
        return []
    required = {
        "floor_area_m2": _("Enter the floor area of your home."),
        "persons": _("Enter how many people live in your home."),
        "heating_costs": _("Enter your monthly heating costs (0 if they are included in the rent)."),
    }
    if housing.housing_type == HousingType.RENT:
        required = {
            "base_rent": _("Enter your monthly base rent."),
            "service_charges": _("Enter your monthly service charges (0 if there are none)."),
            **required,
        }
    return [_gap(f"housing.{name}", reason) for name, reason in required.items() if getattr(housing, name) is None]


def _entries(application: Application, section: str, flag: bool | None, entries) -> list[dict]:
    if flag is None:
        question = (
            _("Tell us whether anyone in your household has income.")
            if section == "income"
            else _("Tell us whether anyone in your household has assets.")
        )
        return [_gap(f"{section}.has_{section}", question)]
    if not flag:
        return []
    if not entries:
        return [_gap(f"{section}.entries", _("You said there is some: add at least one entry."))]
    out = []
    for entry in entries:
        prefix = f"{section}.entries.{entry.public_id}"
        if section == "income":
            if entry.gross_monthly is None:
                out.append(_gap(f"{prefix}.gross_monthly", _("Enter the monthly gross amount.")))
            if entry.kind == IncomeKind.EMPLOYMENT and entry.net_monthly is None:
                out.append(_gap(f"{prefix}.net_monthly", _("Enter the monthly net pay.")))
        elif entry.value is None:
            out.append(_gap(f"{prefix}.value", _("Enter the value.")))
    return out


def _health_insurance(members) -> list[dict]:
    out = []
    for member in members:
        prefix = f"health_insurance.{member.public_id}"
        if not member.health_insurance_kind:
            out.append(_gap(f"{prefix}.kind", _("Tell us how this person is health-insured.")))
        elif member.health_insurance_kind != HealthInsuranceKind.NONE and not member.health_insurer:
            out.append(_gap(f"{prefix}.insurer", _("Enter the name of the health insurance fund.")))
    return out


def _bank_account(application: Application) -> list[dict]:
    account = getattr(application, "bank_account", None)
    out = []
    if account is None or not account.iban:
        out.append(_gap("bank_account.iban", _("Enter the IBAN of the account the money should go to.")))
    if account is None or not account.account_holder:
        out.append(_gap("bank_account.account_holder", _("Enter the account holder.")))
    return out


def missing_for(application: Application) -> list[dict[str, str]]:
    """Everything that still blocks submission, in the order of the form."""
    members = list(application.members.all())
    applicant = next((m for m in members if m.relationship == Relationship.APPLICANT), None)
    return [
        *_personal(application, applicant),
        *_household(members),
        *_housing(application),
        *_entries(application, "income", application.has_income, list(application.income_entries.all())),
        *_entries(application, "assets", application.has_assets, list(application.asset_entries.all())),
        *_health_insurance(members),
        *_bank_account(application),
    ]
