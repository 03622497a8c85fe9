"""Who is in which room: presence that every server process sees.

With ``REDIS_URL`` set, presence lives in Redis (one hash per room, changed by
small Lua scripts so each change is atomic) and the channel layer is Redis too:
a citizen on one daphne process and a counsellor on another find each other.
Without Redis the channel layer is in-memory and reaches only its own process,
so presence is kept in the same process (a shared store would list people
the process cannot reach).

A presence entry is ``{"id", "role", "display_name", "state", "channel",
"joined", "seen"}``; ``state`` is ``waiting`` or ``admitted``, ``channel`` the
channel name of the consumer. Entries that were not refreshed within
``PRESENCE_TTL`` seconds (their process died) count as gone, and the next
refresh of anyone in the room removes them (``reap``) and tells the others.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from typing import Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from redis.exceptions import RedisError

from video.conf import conf

# What presence and the channel layers raise while Redis cannot be reached
# (refused or reset connections, timeouts): the room socket closes with 4503.
REDIS_UNAVAILABLE = (RedisError, OSError, TimeoutError)


def room_group(room: str) -> str:
    return f"video.room.{room}"


def _fresh(entry: dict, now: float) -> bool:
    return entry.get("seen", 0) >= now - conf.PRESENCE_TTL


class Presence(Protocol):
    async def join(self, room: str, entry: dict, *, expires_at: float) -> dict | None: ...
    async def touch(self, room: str, participant: str, channel: str) -> bool: ...
    async def leave(self, room: str, participant: str, channel: str) -> dict | None: ...
    async def set_state(self, room: str, participant: str, *, state: str, expect: str) -> dict | None: ...
    async def get(self, room: str, participant: str) -> dict | None: ...
    async def members(self, room: str) -> list[dict]: ...
    async def reap(self, room: str) -> list[dict]: ...
    async def remember_admitted(self, room: str, participant: str, *, expires_at: float) -> None: ...
    async def forget_admitted(self, room: str, participant: str) -> None: ...
    async def was_admitted(self, room: str, participant: str) -> bool: ...
    async def end(self, room: str, *, expires_at: float) -> None: ...
    async def reopen(self, room: str) -> None: ...
    async def is_ended(self, room: str) -> bool: ...


class MemoryPresence:
    """One process, one event loop: plain dicts are atomic enough."""

    def __init__(self) -> None:
        self.rooms: dict[str, dict[str, dict]] = {}
        self.admitted: dict[str, set[str]] = {}
        self.ended: dict[str, float] = {}

    async def join(self, room: str, entry: dict, *, expires_at: float) -> dict | None:
        members = self.rooms.setdefault(room, {})
        old = members.get(entry["id"])
        members[entry["id"]] = dict(entry)
        return old if old is not None and _fresh(old, time.time()) else None

    async def touch(self, room: str, participant: str, channel: str) -> bool:
        entry = self.rooms.get(room, {}).get(participant)
        if entry is None or entry["channel"] != channel:
            return False
        entry["seen"] = time.time()
        return True

    async def leave(self, room: str, participant: str, channel: str) -> dict | None:
        members = self.rooms.get(room, {})
        entry = members.get(participant)
        if entry is None or entry["channel"] != channel:
            return None
        del members[participant]
        if not members:
            self.rooms.pop(room, None)
        return entry

    async def set_state(self, room: str, participant: str, *, state: str, expect: str) -> dict | None:
        entry = self.rooms.get(room, {}).get(participant)
        if entry is None or entry["state"] != expect or not _fresh(entry, time.time()):
            return None
        entry["state"] = state
        return dict(entry)

    async def get(self, room: str, participant: str) -> dict | None:
        entry = self.rooms.get(room, {}).get(participant)
        return dict(entry) if entry is not None and _fresh(entry, time.time()) else None

    async def members(self, room: str) -> list[dict]:
        now = time.time()
        found = [dict(e) for e in self.rooms.get(room, {}).values() if _fresh(e, now)]
        return sorted(found, key=lambda e: e["joined"])

    async def reap(self, room: str) -> list[dict]:
        now = time.time()
        members = self.rooms.get(room, {})
        gone = [members.pop(key) for key, entry in list(members.items()) if not _fresh(entry, now)]
        if not members:
            self.rooms.pop(room, None)
        return gone

    async def remember_admitted(self, room: str, participant: str, *, expires_at: float) -> None:
        self.admitted.setdefault(room, set()).add(participant)

    async def forget_admitted(self, room: str, participant: str) -> None:
        self.admitted.get(room, set()).discard(participant)

    async def was_admitted(self, room: str, participant: str) -> bool:
        return participant in self.admitted.get(room, set())

    async def end(self, room: str, *, expires_at: float) -> None:
        self.ended[room] = expires_at
        self.admitted.pop(room, None)

    async def reopen(self, room: str) -> None:
        self.ended.pop(room, None)

    async def is_ended(self, room: str) -> bool:
        until = self.ended.get(room)
        return until is not None and until > time.time()


# Each script reads, decides and writes in one step inside Redis.
_JOIN = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return old
"""
_TOUCH = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry['channel'] ~= ARGV[2] then return 0 end
entry['seen'] = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1
"""
_LEAVE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local entry = cjson.decode(raw)
if entry['channel'] ~= ARGV[2] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return raw
"""
_SET_STATE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local entry = cjson.decode(raw)
if entry['state'] ~= ARGV[3] or entry['seen'] < tonumber(ARGV[4]) then return false end
entry['state'] = ARGV[2]
local out = cjson.encode(entry)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out
"""
_REAP = """
local gone = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if cjson.decode(all[i + 1])['seen'] < tonumber(ARGV[1]) then
    redis.call('HDEL', KEYS[1], all[i])
    table.insert(gone, all[i + 1])
  end
end
return gone
"""


class RedisPresence:
    def __init__(self, url: str, prefix: str = "video:") -> None:
        self.url = url
        self.prefix = prefix
        # One client per event loop: a redis.asyncio connection belongs to the loop that opened it.
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @property
    def redis(self):
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)
            self._clients[loop] = client
        return client

    def _key(self, room: str, what: str) -> str:
        return f"{self.prefix}{room}:{what}"

    async def join(self, room: str, entry: dict, *, expires_at: float) -> dict | None:
        old = await self.redis.eval(
            _JOIN, 1, self._key(room, "presence"), entry["id"], json.dumps(entry), int(expires_at)
        )
        if old is None:
            return None
        old_entry = json.loads(old)
        return old_entry if _fresh(old_entry, time.time()) else None

    async def touch(self, room: str, participant: str, channel: str) -> bool:
        done = await self.redis.eval(_TOUCH, 1, self._key(room, "presence"), participant, channel, repr(time.time()))
        return bool(done)

    async def leave(self, room: str, participant: str, channel: str) -> dict | None:
        raw = await self.redis.eval(_LEAVE, 1, self._key(room, "presence"), participant, channel)
        return json.loads(raw) if raw else None

    async def set_state(self, room: str, participant: str, *, state: str, expect: str) -> dict | None:
        oldest = repr(time.time() - conf.PRESENCE_TTL)
        raw = await self.redis.eval(_SET_STATE, 1, self._key(room, "presence"), participant, state, expect, oldest)
        return json.loads(raw) if raw else None

    async def get(self, room: str, participant: str) -> dict | None:
        raw = await self.redis.hget(self._key(room, "presence"), participant)
        if raw is None:
            return None
        entry = json.loads(raw)
        return entry if _fresh(entry, time.time()) else None

    async def members(self, room: str) -> list[dict]:
        now = time.time()
        raw = await self.redis.hgetall(self._key(room, "presence"))
        found = [json.loads(value) for value in raw.values()]
        return sorted((e for e in found if _fresh(e, now)), key=lambda e: e["joined"])

    async def reap(self, room: str) -> list[dict]:
        oldest = repr(time.time() - conf.PRESENCE_TTL)
        gone = await self.redis.eval(_REAP, 1, self._key(room, "presence"), oldest)
        return [json.loads(raw) for raw in gone]

    async def remember_admitted(self, room: str, participant: str, *, expires_at: float) -> None:
        key = self._key(room, "admitted")
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.sadd(key, participant).expireat(key, int(expires_at)).execute()

    async def forget_admitted(self, room: str, participant: str) -> None:
        await self.redis.srem(self._key(room, "admitted"), participant)

    async def was_admitted(self, room: str, participant: str) -> bool:
        return bool(await self.redis.sismember(self._key(room, "admitted"), participant))

    async def end(self, room: str, *, expires_at: float) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(room, "ended"), "1", exat=max(int(expires_at), int(time.time()) + 1))
            pipe.delete(self._key(room, "admitted"))
            await pipe.execute()

    async def reopen(self, room: str) -> None:
        await self.redis.delete(self._key(room, "ended"))

    async def is_ended(self, room: str) -> bool:
        return bool(await self.redis.exists(self._key(room, "ended")))


_memory = MemoryPresence()
_redis: dict[str, RedisPresence] = {}


def presence() -> Presence:
    url = settings.REDIS_URL
    if not url:
        return _memory
    if url not in _redis:
        _redis[url] = RedisPresence(url)
    return _redis[url]


# --- Telling connected sockets from synchronous code (services, signal receivers) ----


def room_close(*, room: str, reason: str) -> None:
    """Every socket of the room is told ``room-ended`` and closed."""
    async_to_sync(get_channel_layer().group_send)(room_group(room), {"type": "room.closed", "reason": reason})


def participant_kick(*, room: str, participant: str, reason: str) -> None:
    """One participant (a revoked guest) is removed from the room."""
    async_to_sync(get_channel_layer().group_send)(
        room_group(room), {"type": "room.kick", "participant": participant, "reason": reason}
    )
