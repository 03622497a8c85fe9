"""Settings of the staff side, each with its default (read at call time so
tests and Jobcenters can change them without code)."""

from __future__ import annotations

from django.conf import settings

from applications.conf import app_settings


def inaction_deadline_months() -> int:
    """Untätigkeitsklage, §88 SGG: a citizen may sue after 6 months without a decision.
    One setting for both sides: ``APPLICATION_DECISION_DEADLINE_MONTHS``."""
    return app_settings.DECISION_DEADLINE_MONTHS


def deadline_warning_months() -> tuple[int, int]:
    """(warning, critical): the queue flags a case this many months before the §88 SGG clock runs out."""
    warning, critical = getattr(settings, "CASEWORK_DEADLINE_WARNING_MONTHS", (2, 1))
    return int(warning), int(critical)


def document_request_default_days() -> int:
    """Default deadline of a document request (Mitwirkung, §60 SGB I), in days.
    One setting for both sides: ``APPLICATION_DOCUMENT_REQUEST_DEADLINE_DAYS``."""
    return app_settings.DOCUMENT_REQUEST_DEADLINE.days


def reminder_days_before() -> int:
    """A reminder goes out this many days before a document request's deadline."""
    return int(getattr(settings, "CASEWORK_REMINDER_DAYS_BEFORE", 3))


def counsellors_read_own_clients() -> bool:
    """Placement counsellors may read (never change) the benefit applications of
    their own clients. Off by default: need-to-know (§35 SGB I)."""
    return bool(getattr(settings, "CASEWORK_COUNSELLORS_READ_OWN_CLIENTS", False))
