"""Which evidence (Nachweise) the application needs, derived from its data.

Copies are enough; the list is what a benefits officer would ask for first.
Missing evidence does not block submission (an application needs no form and
no proof, §37 SGB II; the Jobcenter can ask later, §60 SGB I), but the
citizen sees what is still open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from applications.constants import (
    FREE_MOVEMENT_COUNTRIES,
    OTHER_DOCUMENT,
    AssetKind,
    HousingType,
    IncomeKind,
)
from applications.household import is_adult, reference_day
from applications.models import Application, HouseholdMember


@dataclass
class ChecklistItem:
    key: str
    title: str
    member: HouseholdMember | None = None
    documents: list = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.documents)


def _name(member: HouseholdMember) -> str:
    return member.full_name or _("household member")


def _needed(application: Application) -> list[ChecklistItem]:
    members = list(application.members.all())
    day = reference_day(application)
    items: list[ChecklistItem] = []
    for member in members:
        if is_adult(member, day):
            items.append(
                ChecklistItem(
                    f"identity:{member.public_id}",
                    _("Identity card or passport of %(name)s") % {"name": _name(member)},
                    member,
                )
            )
            if member.nationality and member.nationality not in FREE_MOVEMENT_COUNTRIES:
                items.append(
                    ChecklistItem(
                        f"residence_permit:{member.public_id}",
                        _("Residence permit of %(name)s") % {"name": _name(member)},
                        member,
                    )
                )
    housing = getattr(application, "housing", None)
    if housing is not None and housing.housing_type == HousingType.RENT:
        items.append(ChecklistItem("rental_contract", _("Rental contract")))
        items.append(ChecklistItem("rent_statement", _("Latest rent and service charge statement")))
    if housing is not None and housing.housing_type == HousingType.OWN:
        items.append(ChecklistItem("housing_costs", _("Evidence of housing costs (loan interest, property tax)")))

    by_member = {m.pk: m for m in members}
    seen: set[str] = set()
    for entry in application.income_entries.all():
        member = by_member.get(entry.member_id)
        if member is None:
            continue
        name = _name(member)
        if entry.kind == IncomeKind.EMPLOYMENT:
            key = f"payslips:{member.public_id}"
            title = _("Payslips of the last 3 months of %(name)s") % {"name": name}
        else:
            key = f"income:{member.public_id}:{entry.kind}"
            title = _("Evidence of %(kind)s of %(name)s") % {"kind": IncomeKind(entry.kind).label, "name": name}
        if key not in seen:
            seen.add(key)
            items.append(ChecklistItem(key, title, member))

    holders: list[HouseholdMember] = []
    if getattr(application, "bank_account", None) is not None and application.bank_account.iban:
        holders += [m for m in members if m.relationship == "applicant"]
    for entry in application.asset_entries.all():
        member = by_member.get(entry.member_id)
        if member is not None and entry.kind in (AssetKind.BANK_ACCOUNT, AssetKind.SAVINGS):
            holders.append(member)
    for member in dict.fromkeys(holders):
        items.append(
            ChecklistItem(
                f"bank_statements:{member.public_id}",
                _("Bank statements of the last 3 months of %(name)s") % {"name": _name(member)},
                member,
            )
        )
    return items


def checklist_for(application: Application) -> list[ChecklistItem]:
    """The needed documents, each with the uploads that answer it."""
    items = _needed(application)
    by_key = {item.key: item for item in items}
    for document in application.documents.all():
        item = by_key.get(document.checklist_key)
        if item is not None:
            item.documents.append(document)
    return items


def checklist_keys(application: Application) -> set[str]:
    """Keys an upload may name: the current checklist, and "other"."""
    return {item.key for item in _needed(application)} | {OTHER_DOCUMENT}
