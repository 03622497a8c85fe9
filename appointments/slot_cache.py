"""Free slots per counsellor and day, kept in the cache for the public slot list.

Why: ``GET slots/`` for a month of 50 counsellors expands ~1,500 counsellor-days
and checks them against ~3,000 bookings; citizens ask far more often than
anyone books. What is kept, per slot shape (duration and buffers: types of the
same shape share it) and counsellor: for each local date, the free slots as
``(start timestamp, channel, location id)`` before the type's channels, minimum
notice, horizon and the query's filters (applied on every read).

Invalidation:

1. Every counsellor has a **token** in the cache; their entry's key contains it
   (and their ``public_id``, so a reused primary key never meets an old entry).
2. A reader sets a missing token *before* it reads the database, and writes what
   it computed under that token.
3. Every service that changes a counsellor's bookings or availability (book,
   invite, cancel, reschedule, mark, availability PUT) deletes the counsellor's
   token in ``transaction.on_commit``. An entry computed from a snapshot before
   that commit sits under a token the delete retires, whichever of the two comes
   first; the next reader makes a new token and recomputes.
4. Entries and tokens expire after ``APPOINTMENTS_SLOT_CACHE_SECONDS`` (300 s),
   which bounds how long a change made past the services (a shell, a bulk
   import) goes unseen.

The cache is only a listing: booking and rescheduling read the database
(``selectors.slots_for_type``) and the exclusion constraint is the guarantee,
so a slot taken a moment ago that a stale list still shows ends in 409
``slot_taken``, never in a double booking. With the in-memory cache (no
``REDIS_URL``) invalidation reaches only the process that made the change:
run one process then, as the embedded default does.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from appointments import conf
from appointments.models import AppointmentType
from portal.clock import berlin_today
from portal.models import User

# A free slot: (start as a UTC timestamp, counsellor id, channel, location id or None),
# small to pickle, ordered like ``availability.Slot``.
Row = tuple[int, int, str, int | None]
# What is kept per counsellor: {date ordinal: {channel: (Row, ...) sorted}}.
Days = dict[int, dict[str, tuple[Row, ...]]]
# Bump the number when the format of ``Days`` changes: old entries are then never read.
PREFIX = "appointments:slots:1"
logger = logging.getLogger(__name__)


def enabled() -> bool:
    return conf.slot_cache_seconds() > 0


def shape(appointment_type: AppointmentType) -> str:
    """The part of a type that decides where slots fall: duration and buffers."""
    seconds = (appointment_type.duration, appointment_type.buffer_before, appointment_type.buffer_after)
    return "-".join(str(int(s.total_seconds())) for s in seconds)


def _token_key(counsellor_id: int) -> str:
    return f"{PREFIX}:token:{counsellor_id}"


def tokens(counsellor_ids: Iterable[int]) -> dict[int, str] | None:
    """The current token of each counsellor, made where missing (step 2: before
    reading the database); None when the cache does not answer (then the list is
    computed from the database: a cache outage must not take the slot list down)."""
    try:
        return _tokens(counsellor_ids)
    except Exception:  # the cache's own errors (redis.exceptions.RedisError, OSError, ...)
        logger.warning("slot cache unavailable; slots computed from the database", exc_info=True)
        return None


def _tokens(counsellor_ids: Iterable[int]) -> dict[int, str]:
    keys = {pk: _token_key(pk) for pk in counsellor_ids}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = {keys[pk]: uuid.uuid4().hex for pk in keys if pk not in result}
    if missing:
        # Two readers may both make one; the entries under the token that loses are never read.
        cache.set_many(missing, timeout=conf.slot_cache_seconds())
        result.update({pk: missing[keys[pk]] for pk in keys if pk not in result})
    return result


def _entry_key(slot_shape: str, counsellor: User, token: str) -> str:
    return f"{PREFIX}:{slot_shape}:{counsellor.public_id}:{token}"


def get_days(slot_shape: str, counsellors: list[User], token_of: dict[int, str]) -> dict[int, Days]:
    """Per counsellor id, the days the cache holds."""
    keys = {c.pk: _entry_key(slot_shape, c, token_of[c.pk]) for c in counsellors}
    try:
        found = cache.get_many(list(keys.values()))
    except Exception:  # as in tokens(): compute instead
        logger.warning("slot cache unavailable; slots computed from the database", exc_info=True)
        found = {}
    return {pk: found.get(key) or {} for pk, key in keys.items()}


def put_days(slot_shape: str, counsellors: list[User], token_of: dict[int, str], days: dict[int, Days]) -> None:
    """Store the days of each counsellor (past dates dropped) under the token read before the database."""
    today = berlin_today().toordinal() - 1
    values = {
        _entry_key(slot_shape, c, token_of[c.pk]): {d: e for d, e in days[c.pk].items() if d >= today}
        for c in counsellors
    }
    try:
        cache.set_many(values, timeout=conf.slot_cache_seconds())
    except Exception:  # the answer is computed; only the next one will be too
        logger.warning("slot cache unavailable; entries not stored", exc_info=True)


def invalidate(counsellor_ids: Iterable[int]) -> None:
    cache.delete_many([_token_key(pk) for pk in set(counsellor_ids)])


def invalidate_on_commit(*counsellor_ids: int) -> None:
    """Step 3: retire the counsellors' cached slots once the change is committed."""
    ids = [pk for pk in counsellor_ids if pk is not None]
    if ids and enabled():
        transaction.on_commit(lambda: invalidate(ids), robust=True)
