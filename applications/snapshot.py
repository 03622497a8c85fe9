"""The frozen copy of an application as submitted, and its SHA-256 checksum.

The snapshot is plain JSON (amounts as strings with two places, dates and
times in ISO 8601, times in UTC) so it reads the same in ten years; the
checksum is taken over its canonical form (sorted keys, no spaces, UTF-8).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

from applications.constants import Relationship
from applications.household import forms_for, reference_day
from applications.models import Application

SCHEMA_VERSION = 1

PERSON_FIELDS = [
    "first_name",
    "last_name",
    "birth_name",
    "birth_date",
    "birth_place",
    "birth_country",
    "sex",
    "nationality",
    "marital_status",
    "pension_insurance_number",
]
ADDRESS_FIELDS = ["street", "address_addition", "postcode", "city", "phone", "contact_email"]
HEALTH_FIELDS = ["health_insurance_kind", "health_insurer"]
HOUSING_FIELDS = [
    "housing_type",
    "floor_area_m2",
    "rooms",
    "persons",
    "base_rent",
    "service_charges",
    "heating_costs",
    "heating_fuel",
    "hot_water",
    "landlord_name",
    "rent_paid_to_landlord",
]
INCOME_FIELDS = ["kind", "gross_monthly", "net_monthly", "source", "since"]
ASSET_FIELDS = ["kind", "value", "description"]
BANK_FIELDS = ["iban", "bic", "account_holder"]


def plain(value: Any) -> Any:
    """A JSON value that survives a round trip unchanged."""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value.as_tuple().exponent >= -2 else str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def fields_of(obj, names: list[str]) -> dict[str, Any]:
    return {name: plain(getattr(obj, name)) for name in names} if obj is not None else dict.fromkeys(names)


def canonical_bytes(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def checksum(data: dict) -> str:
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


def application_data(application: Application) -> dict[str, Any]:
    """All form data of ``application`` (use ``application_detail_queryset``)."""
    members = list(application.members.all())
    by_pk = {m.pk: m for m in members}
    applicant = next((m for m in members if m.relationship == Relationship.APPLICANT), None)
    day = reference_day(application)
    return {
        "personal": {**fields_of(applicant, PERSON_FIELDS), **fields_of(application, ADDRESS_FIELDS)},
        "household": [
            {
                "id": str(m.public_id),
                "relationship": m.relationship,
                "forms": forms_for(m, day),
                **fields_of(m, PERSON_FIELDS),
                **fields_of(m, HEALTH_FIELDS),
            }
            for m in members
        ],
        "housing": fields_of(getattr(application, "housing", None), HOUSING_FIELDS),
        "income": {
            "has_income": application.has_income,
            "entries": [
                {"id": str(e.public_id), "member": str(by_pk[e.member_id].public_id), **fields_of(e, INCOME_FIELDS)}
                for e in application.income_entries.all()
            ],
        },
        "assets": {
            "has_assets": application.has_assets,
            "entries": [
                {"id": str(e.public_id), "member": str(by_pk[e.member_id].public_id), **fields_of(e, ASSET_FIELDS)}
                for e in application.asset_entries.all()
            ],
        },
        "bank_account": fields_of(getattr(application, "bank_account", None), BANK_FIELDS),
        "documents": [
            {
                "id": str(d.public_id),
                "name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
                "checklist_key": d.checklist_key,
                "uploaded_at": plain(d.created_at),
            }
            for d in application.documents.all()
        ],
    }


def build_snapshot(application: Application) -> dict[str, Any]:
    """The record that is frozen at submission (status fields included)."""
    return {
        "schema": SCHEMA_VERSION,
        "application": str(application.public_id),
        "reference": application.reference,
        "jobcenter": {"id": str(application.jobcenter.public_id), "name": application.jobcenter.name},
        "lodged_at": plain(application.lodged_at),
        "effective_from": plain(application.effective_from),
        "submitted_at": plain(application.submitted_at),
        **application_data(application),
    }
