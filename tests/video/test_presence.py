"""video.rooms presence: entries whose server process died are reaped once, by
whoever refreshes next; in Redis (the real one, our db) and in memory."""

from __future__ import annotations

import time
import uuid

import pytest
import redis as redis_client
from asgiref.sync import async_to_sync
from django.conf import settings

from tests.conftest import require_redis
from video.rooms import MemoryPresence, RedisPresence


def entry(participant: str, *, seen: float, state: str = "waiting") -> dict:
    return {
        "id": participant,
        "role": "guest",
        "display_name": participant,
        "state": state,
        "channel": f"specific.{participant}",
        "joined": seen,
        "seen": seen,
    }


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        yield MemoryPresence()
        return
    require_redis()
    prefix = f"test-presence-{uuid.uuid4().hex}:"
    yield RedisPresence(settings.REDIS_URL, prefix=prefix)
    client = redis_client.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_it_reaps_only_entries_that_were_not_refreshed(store, settings):
    settings.VIDEO_PRESENCE_TTL = 45
    now = time.time()

    async def scenario():
        expires = now + 3600
        await store.join("room", entry("p_000000000000dead", seen=now - 46, state="admitted"), expires_at=expires)
        await store.join("room", entry("p_00000000000a11fe", seen=now - 10), expires_at=expires)
        assert [e["id"] for e in await store.members("room")] == ["p_00000000000a11fe"]
        gone = await store.reap("room")
        assert [(e["id"], e["state"]) for e in gone] == [("p_000000000000dead", "admitted")]
        assert await store.reap("room") == []  # once: only one refresh announces it
        assert [e["id"] for e in await store.members("room")] == ["p_00000000000a11fe"]
        # The survivor's own refresh still finds its entry.
        assert await store.touch("room", "p_00000000000a11fe", "specific.p_00000000000a11fe") is True
        assert await store.touch("room", "p_000000000000dead", "specific.p_000000000000dead") is False

    async_to_sync(scenario)()
