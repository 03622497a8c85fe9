"""Settings of the appointments app, each overridable in the Django settings
(``getattr(settings, "NAME", default)``, read at call time, like every app's ``conf.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def cancel_cutoff() -> timedelta:
    """A citizen may cancel a self-booked appointment until this long before its start."""
    return getattr(settings, "APPOINTMENTS_CANCEL_CUTOFF", timedelta(hours=2))


def max_slot_days() -> int:
    """Longest period one slots query may ask for."""
    return getattr(settings, "APPOINTMENTS_MAX_SLOT_DAYS", 31)


def slot_cache_seconds() -> int:
    """How long free slots stay cached per counsellor (``appointments.slot_cache``).

    Services invalidate on every change; the expiry only bounds how long a
    change made past them (a shell, a bulk import) can go unseen. 0 turns the cache off.
    """
    return getattr(settings, "APPOINTMENTS_SLOT_CACHE_SECONDS", 300)


def reminder_before() -> timedelta:
    return getattr(settings, "APPOINTMENTS_REMINDER_BEFORE", timedelta(hours=24))


def video_reminder_before() -> timedelta:
    return getattr(settings, "APPOINTMENTS_VIDEO_REMINDER_BEFORE", timedelta(minutes=15))


def mark_grace() -> timedelta:
    """Attended / no-show can be marked from the start on (no grace by default)."""
    return getattr(settings, "APPOINTMENTS_MARK_AFTER_START", timedelta(0))


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def video_join_url(public_id) -> str:
    return f"{public_base_url()}/video/{public_id}/"


def video_opens_before() -> timedelta:
    """The video room opens this long before the appointment starts (``VIDEO_OPENS_BEFORE``)."""
    return getattr(settings, "VIDEO_OPENS_BEFORE", timedelta(minutes=15))


def video_closes_after() -> timedelta:
    """The video room closes this long after the appointment ends (``VIDEO_CLOSES_AFTER``)."""
    return getattr(settings, "VIDEO_CLOSES_AFTER", timedelta(minutes=30))
