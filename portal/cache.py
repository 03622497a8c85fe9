"""A Redis cache that keeps the portal serving while Redis is away.

Django's ``RedisCache`` raises on every call when Redis cannot be reached, so
a Redis restart would turn every login (rate limits and used TOTP codes live
in the cache) into a 500. ``ResilientRedisCache`` instead:

1. calls Redis as usual;
2. on a connection error, logs it once, and for ``RETRY_AFTER`` seconds answers
   every call from a small in-process cache (``LocMemCache``) without trying
   Redis again, so an unreachable host costs one connect timeout, not one per call;
3. tries Redis again afterwards, and goes back to it as soon as it answers.

While Redis is away the limits still hold, but per worker process instead
of for the whole installation (N workers allow N times the failed logins),
and a used TOTP code is only known to the worker that took it. Both are
weaker, not off; ``/readyz`` reports the cache as unavailable meanwhile
(``check_reachable``), so operators and load balancers see the outage.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


class _Outage:
    """Whether a Redis server is known to be away. Shared by all the cache
    objects of a process that point at it: Django makes one per thread and
    per ASGI request, so state kept on the object would be forgotten at once."""

    def __init__(self) -> None:
        self.until = 0.0
        self.lock = threading.Lock()


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def _outage_of(server: str) -> _Outage:
    with _OUTAGES_LOCK:
        return _OUTAGES.setdefault(server, _Outage())


class ResilientRedisCache(RedisCache):
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        key = f"{server}|{params.get('KEY_PREFIX', '')}"
        # LocMemCache keeps its data per name for the whole process.
        self._fallback = LocMemCache(
            f"redis-fallback|{key}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )
        self._outage = _outage_of(key)

    def check_reachable(self) -> None:
        """Raise unless Redis itself answers (for ``/readyz``; never falls back)."""
        self._cache.get_client(write=True).ping()

    @property
    def is_degraded(self) -> bool:
        return time.monotonic() < self._outage.until

    def end_degraded(self) -> None:
        """Try Redis at the next call (tests; an operator's shell after an outage)."""
        self._outage.until = 0.0

    def _call(self, name: str, *args, **kwargs):
        if self.is_degraded:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except _UNREACHABLE as exc:
            with self._outage.lock:
                first = not self.is_degraded
                self._outage.until = time.monotonic() + self.RETRY_AFTER
            if first:
                logger.warning("Redis unreachable (%s): cache falls back to this process", exc.__class__.__name__)
            return getattr(self._fallback, name)(*args, **kwargs)


def _delegate(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = getattr(RedisCache, name).__doc__
    return method


for _name in _METHODS:
    setattr(ResilientRedisCache, _name, _delegate(_name))
