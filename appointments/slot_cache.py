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
5. What the entries depend on besides bookings and availability (appointment
   types, counsellors: active, roles, teams, languages; locations) has one
   **setup token** for the whole portal, deleted at once and again on commit by
   the model signals connected in ``appointments.apps`` (``setup_changed``).
   Such changes are rare (an administrator's), so one token for all is enough.

Per process (issue #18: unpickling thousands of tuples was a fifth of the
request), three small stores sit in front of the cache, each keyed by what
decides its validity, so no process ever has to be told to forget:

- the decoded days, by their entry key (which holds the counsellor's token);
- the type by its public id and the counsellors of a type and query, under the
  setup token;
- the rendered answer of a query, under the setup token and the tokens of
  every counsellor in it, until the first slot it lists falls inside the
  minimum notice (exact) and at most ``ANSWER_SECONDS`` (a slot that enters the
  booking horizon appears at most that much later).

Each holds at most ``LOCAL_ENTRIES`` values (the oldest goes first). Tokens
are still read from the cache on every request (one round trip for the setup
token, one for the counsellors'), so invalidation reaches every process at once.

The cache is only a listing: booking and rescheduling read the database
(``selectors.slots_for_type``) and the exclusion constraint is the guarantee,
so a slot taken a moment ago that a stale list still shows ends in 409
``slot_taken``, never in a double booking. With the in-memory cache (no
``REDIS_URL``) invalidation reaches only the process that made the change:
run one process then, as the embedded default does.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

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
SETUP_KEY = f"{PREFIX}:setup"
LOCAL_ENTRIES = 2048
ANSWER_SECONDS = 60
logger = logging.getLogger(__name__)

_days_here: dict[str, Days] = {}
_here: dict[tuple, Any] = {}


def _keep(store: dict, key, value) -> None:
    """Store, dropping the oldest entry when full. Request threads share the store:
    another thread may drop or add an entry meanwhile, which only costs a recomputation."""
    if len(store) >= LOCAL_ENTRIES:
        try:
            store.pop(next(iter(store)), None)
        except (RuntimeError, StopIteration):
            pass
    store[key] = value


def forget_here() -> None:
    """Empty this process's stores (tests; everything in them is found again under its tokens)."""
    _days_here.clear()
    _here.clear()


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
    """Per counsellor id, the days held: decoded ones of this process first, the cache for the rest."""
    keys = {c.pk: _entry_key(slot_shape, c, token_of[c.pk]) for c in counsellors}
    result = {pk: dict(_days_here[key]) for pk, key in keys.items() if key in _days_here}
    wanted = [key for pk, key in keys.items() if pk not in result]
    if not wanted:
        return result
    try:
        found = cache.get_many(wanted)
    except Exception:  # as in tokens(): compute instead
        logger.warning("slot cache unavailable; slots computed from the database", exc_info=True)
        found = {}
    for pk, key in keys.items():
        if pk not in result:
            held = found.get(key) or {}
            if held:
                _keep(_days_here, key, held)
            result[pk] = dict(held)
    return result


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
        return
    for key, held in values.items():
        _keep(_days_here, key, held)


def setup_token() -> str | None:
    """The token of types, counsellors and locations (step 5), made if missing; None if the cache does not answer."""
    try:
        token = cache.get(SETUP_KEY)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(SETUP_KEY, token, timeout=conf.slot_cache_seconds()):
                token = cache.get(SETUP_KEY) or token
        return token
    except Exception:
        logger.warning("slot cache unavailable; slots computed from the database", exc_info=True)
        return None


def remembered(key: tuple, compute: Callable[[], Any], setup: str | None) -> Any:
    """``compute()`` once per ``key`` and setup token in this process (without a token: every time)."""
    if setup is None:
        return compute()
    full = ("setup", setup, *key)
    try:
        return _here[full]
    except KeyError:
        value = compute()
        _keep(_here, full, value)
        return value


def answer_get(key: tuple, now: float) -> bytes | None:
    held = _here.get(("answer", *key))
    if held is not None and now < held[0]:
        return held[1]
    return None


def answer_put(key: tuple, body: bytes, *, now: float, first_start: int | None, notice_seconds: float) -> None:
    """Keep ``body`` until the first slot it lists falls inside the notice, at most ``ANSWER_SECONDS``."""
    until = now + ANSWER_SECONDS
    if first_start is not None:
        until = min(until, first_start - notice_seconds)
    _keep(_here, ("answer", *key), (until, body))


def setup_changed(**kwargs) -> None:
    """A type, counsellor or location changed: retire the setup token now and again on commit (step 5)."""
    if not enabled():
        return
    _delete_setup()
    transaction.on_commit(_delete_setup, robust=True)


def _delete_setup() -> None:
    try:
        cache.delete(SETUP_KEY)
    except Exception:
        logger.warning("slot cache unavailable; setup token not deleted", exc_info=True)


def clock() -> float:
    return time.time()


def invalidate(counsellor_ids: Iterable[int]) -> None:
    cache.delete_many([_token_key(pk) for pk in set(counsellor_ids)])


def invalidate_on_commit(*counsellor_ids: int) -> None:
    """Step 3: retire the counsellors' cached slots once the change is committed."""
    ids = [pk for pk in counsellor_ids if pk is not None]
    if ids and enabled():
        transaction.on_commit(lambda: invalidate(ids), robust=True)
