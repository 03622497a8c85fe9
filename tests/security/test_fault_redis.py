"""Redis stops: HTTP keeps working, and comes back to Redis when it returns.

The cache (login rate limits, used TOTP codes) falls back to the worker's own
memory while Redis is away (portal/cache.py); ``/readyz`` reports the outage.
Our own Redis and portal (tests/security/services.py): the machine's shared
Redis is never touched. Video signalling over the channel layer is tested with
the video app.

A Redis that hangs (SIGSTOP: connections open, no answers) costs each request
at most the cache's socket timeouts (2 s, then the fallback for a while), and
``/readyz`` at most its own bounds; nothing waits for ever.
"""

from __future__ import annotations

import json
import time

import pytest
import redis as redis_client

from portal.cache import ResilientRedisCache
from tests.security.conftest import CITIZEN_PASSWORD
from tests.security.services import Redis, free_port, wait_for

pytestmark = pytest.mark.redis

LOGIN = "/_allauth/app/v1/auth/login"


def login(portal, email: str, password: str):
    status, _, body = portal.request("POST", LOGIN, {"email": email, "password": password})
    return status, json.loads(body)


def readyz(portal) -> tuple[int, dict]:
    status, _, body = portal.request("GET", "/readyz")
    return status, json.loads(body)


def timed(call, *args, **kwargs):
    started = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - started


# The cache's socket timeouts are 2 s (settings.CACHES) and /readyz's channel-layer
# round trip is bounded at 3 s (portal/views.py): a request meets a few of them at most.
HANG_ANSWER_WITHIN = 10


# First in this file: the outage test below spends this address's failed-login allowance
# in the worker's fallback cache, which this test's login would meet again.
def test_it_keeps_serving_in_bounded_time_while_redis_hangs(stack):
    _postgres, redis, portal = stack
    wait_for(lambda: readyz(portal)[0] == 200, timeout=15, what="/readyz 200 before")
    status, body = login(portal, "fault0@example.org", CITIZEN_PASSWORD)
    assert status == 200, body
    token = body["meta"]["session_token"]

    redis.pause()
    try:
        (ready_status, ready), ready_seconds = timed(readyz, portal)
        (me_status, _, me), me_seconds = timed(portal.request, "GET", "/api/v1/me/", headers={"X-Session-Token": token})
        (login_status, login_body), login_seconds = timed(login, portal, "fault1@example.org", CITIZEN_PASSWORD)
        (alive, _, _), alive_seconds = timed(portal.request, "GET", "/healthz")
    finally:
        redis.resume()

    assert ready_status == 503 and ready_seconds < HANG_ANSWER_WITHIN, (ready_status, ready_seconds)
    assert ready["checks"]["cache"] == "unavailable"
    assert ready["checks"]["channel_layer"] == "unavailable"
    assert ready["checks"]["database"] == "ok"
    assert me_status == 200 and me_seconds < HANG_ANSWER_WITHIN, (me_status, me_seconds, me[:200])
    assert login_status == 200 and login_seconds < HANG_ANSWER_WITHIN, (login_status, login_seconds, login_body)
    assert alive == 200 and alive_seconds < 2

    wait_for(lambda: readyz(portal)[0] == 200, timeout=30, what="/readyz 200 after Redis woke up")


def test_it_keeps_serving_and_limiting_logins_while_redis_is_down(stack):
    _postgres, redis, portal = stack
    status, body = login(portal, "fault0@example.org", CITIZEN_PASSWORD)
    assert status == 200, body
    token = body["meta"]["session_token"]

    redis.stop()
    try:
        status, ready = readyz(portal)
        assert status == 503
        assert ready["checks"] == {
            "database": "ok",
            "cache": "unavailable",
            "channel_layer": "unavailable",
            "virus_scanner": "off",
        }

        status, _, me = portal.request("GET", "/api/v1/me/", headers={"X-Session-Token": token})
        assert status == 200, me
        status, body = login(portal, "fault1@example.org", CITIZEN_PASSWORD)
        assert status == 200, body  # allauth's rate limits read the cache: no 500
        assert body["meta"]["session_token"]

        # The failed-login limit still holds (in this worker's memory).
        for _ in range(5):
            status, body = login(portal, "fault2@example.org", "falsches-passwort-1")
            assert [e["code"] for e in body["errors"]] == ["email_password_mismatch"]
        status, body = login(portal, "fault2@example.org", CITIZEN_PASSWORD)
        assert status == 400
        assert [e["code"] for e in body["errors"]] == ["too_many_login_attempts"]
    finally:
        redis.start()

    # Back by itself once Redis is: the Pub/Sub layer reconnects its subscriber
    # within a second or two (the first check after the restart may still fail).
    wait_for(lambda: readyz(portal)[0] == 200, timeout=15, what="/readyz 200 again")
    # After the retry pause, the cache writes to Redis again.
    client = redis_client.Redis(port=redis.port)
    time.sleep(ResilientRedisCache.RETRY_AFTER + 0.5)
    status, body = login(portal, "fault3@example.org", "falsches-passwort-2")
    assert [e["code"] for e in body["errors"]] == ["email_password_mismatch"]
    wait_for(
        lambda: any(b"login_failed" in key for key in client.keys("*")), timeout=5, what="a rate-limit key in Redis"
    )


def make_cache(port: int) -> ResilientRedisCache:
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"KEY_PREFIX": "t", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )


def test_it_treats_an_unreachable_redis_as_a_cache_of_its_own():
    port = free_port()
    cache = make_cache(port)
    assert cache.get("missing", "default") == "default"
    cache.set("key", "value", 30)
    assert cache.get("key") == "value"  # from the fallback
    assert cache.add("key", "other") is False
    assert cache.add("fresh", 1) is True
    assert cache.incr("fresh") == 2
    cache.delete("key")
    assert cache.get("key") is None
    assert cache.is_degraded
    with pytest.raises(redis_client.exceptions.ConnectionError):
        cache.check_reachable()
    # Django makes a cache object per thread and per ASGI request: they share the fallback.
    other = make_cache(port)
    assert other.is_degraded
    assert other.get("fresh") == 2


def test_it_goes_back_to_redis_when_it_answers_again():
    server = Redis()
    cache = make_cache(server.port)
    cache.set("during", "outage", 30)  # not started yet: fallback
    assert cache.is_degraded
    server.start()
    try:
        cache.end_degraded()  # as if the retry pause had passed
        cache.set("after", "back", 30)
        assert not cache.is_degraded
        assert redis_client.Redis(port=server.port).exists(cache.make_key("after")) == 1
        assert cache.get("after") == "back"
        cache.check_reachable()
    finally:
        server.stop()
