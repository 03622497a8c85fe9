"""A person's copy of everything the portal stores about them (Art. 15 DSGVO).

The portal knows only the account. Each feature app adds its part through
``personal_data(self, user)`` on its ``AppConfig`` (as ``seed_demo`` and
``retention`` do), so the portal names no feature app and a new app joins
the export without a change here. The part appears under the app's label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import AppConfig, apps

from portal.audit import AuditAction, audit_record
from portal.models import User


def _utc(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def export_contributors() -> list[AppConfig]:
    """The apps that hold personal data of their own, in ``INSTALLED_APPS`` order."""
    return [config for config in apps.get_app_configs() if callable(getattr(config, "personal_data", None))]


def account_personal_data(*, user: User) -> dict[str, Any]:
    return {
        "id": str(user.public_id),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "date_joined": _utc(user.date_joined),
        "last_login": _utc(user.last_login),
    }


def personal_data_export(*, user: User) -> dict[str, Any]:
    """1. The account.
    2. Each app's part, under its label (``applications``, ``appointments``, ...).
    3. An audit event: the export itself is on record.
    """
    data: dict[str, Any] = {"account": account_personal_data(user=user)}
    for config in export_contributors():
        data[config.label] = config.personal_data(user)
    audit_record(actor=user, action=AuditAction.PERSONAL_DATA_EXPORT, obj=user)
    return data
