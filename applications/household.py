"""Who is in the household, and which form (Anlage) each person needs."""

from __future__ import annotations

import datetime as dt

from applications.constants import Relationship
from applications.lodging import age_on
from applications.models import Application, HouseholdMember
from portal.clock import berlin_date, berlin_today


def reference_day(application: Application) -> dt.date:
    """Ages count on the day the application was lodged (today while it is a draft)."""
    return berlin_date(application.lodged_at) if application.lodged_at else berlin_today()


def member_age(member: HouseholdMember, day: dt.date) -> int | None:
    return age_on(member.birth_date, day) if member.birth_date else None


def forms_for(member: HouseholdMember, day: dt.date) -> list[str]:
    """Anlagen for one person: HA for the applicant, WEP from 15, KI under 15,
    VE for a partnership of mutual responsibility, HG for other relatives."""
    if member.relationship == Relationship.APPLICANT:
        return ["HA"]
    forms = []
    age = member_age(member, day)
    if age is not None:
        forms.append("WEP" if age >= 15 else "KI")
    if member.relationship == Relationship.PARTNER:
        forms.append("VE")
    if member.relationship == Relationship.OTHER_RELATIVE:
        forms.append("HG")
    return forms


def is_adult(member: HouseholdMember, day: dt.date) -> bool:
    age = member_age(member, day)
    return age is not None and age >= 18
