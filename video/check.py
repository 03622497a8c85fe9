"""Device and connection check: a server-side aiortc peer that echoes the
caller's audio and video and answers data-channel ``ping`` with ``pong``.

Every peer connection lives in one explicit registry per server process
(``checks``). The registry bounds how many run at once (``CHECK_MAX_CONCURRENT``)
and closes each peer when its time is up, when it fails and when the server
shuts down (``video.shutdown``), so no check outlives its 60 seconds or leaks sockets.

The result (did audio and video arrive, which candidate type connected, the
round-trip time, packets received) is written to the cache every second, so
the status endpoint works from any server process when the cache is Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from django.core.cache import cache, caches
from django.utils import timezone

from video.conf import conf

logger = logging.getLogger(__name__)

CACHE_PREFIX = "video:check:"


class CheckBusy(Exception):
    """All check slots of this process are taken; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class CheckOfferInvalid(Exception):
    pass


@dataclass
class DeviceCheck:
    id: str
    owner: str
    deadline: float  # time.monotonic()
    started_at: datetime
    expires_at: datetime
    pc: RTCPeerConnection | None = None
    task: asyncio.Task | None = None
    state: str = "connecting"
    pongs: int = 0
    result: dict = field(default_factory=dict)


def _connected_candidate_type(pc: RTCPeerConnection) -> str | None:
    """The type of the caller's candidate that ICE nominated (host, srflx, relay, prflx).

    aiortc does not expose the selected pair, so this reads aioice's
    connection; it answers None rather than fail if that ever changes.
    """
    transports = [t.receiver.transport for t in pc.getTransceivers()]
    if pc.sctp is not None:
        transports.append(pc.sctp.transport)
    for dtls in transports:
        connection = getattr(getattr(dtls, "transport", None), "_connection", None)
        for pair in (getattr(connection, "_nominated", None) or {}).values():
            return pair.remote_candidate.type
    return None


async def _measure(check: DeviceCheck) -> dict:
    pc = check.pc
    media = {"audio": False, "video": False}
    packets = 0
    rtts: list[float] = []
    if pc is not None and pc.connectionState != "closed":
        report = await pc.getStats()
        for stats in report.values():
            if stats.type == "inbound-rtp":
                packets += stats.packetsReceived
                if stats.packetsReceived > 0 and stats.kind in media:
                    media[stats.kind] = True
            elif stats.type == "remote-inbound-rtp" and stats.roundTripTime is not None:
                rtts.append(stats.roundTripTime)
    previous = check.result
    return {
        "id": check.id,
        "state": check.state,
        "started_at": check.started_at.isoformat(),
        "expires_at": check.expires_at.isoformat(),
        # Once seen, media stays "arrived" even after the peer is closed.
        "media": {k: media[k] or previous.get("media", {}).get(k, False) for k in media},
        "candidate_type": (pc and _connected_candidate_type(pc)) or previous.get("candidate_type"),
        "round_trip_time": round(sum(rtts) / len(rtts), 4) if rtts else previous.get("round_trip_time"),
        "packets_received": max(packets, previous.get("packets_received", 0)),
        "pongs": check.pongs,
    }


async def _store(check: DeviceCheck, ttl: int) -> None:
    """Write the result in a worker thread (not ``cache.aset``): its thread-sensitive
    ``sync_to_async`` waits for a thread that a test's or a request's ``async_to_sync``
    may be blocking, while the registry's tasks must never wait on a request."""
    backend = caches["default"]  # resolved here: the worker thread does not share this context
    await asyncio.to_thread(backend.set, CACHE_PREFIX + check.id, {"owner": check.owner, "result": check.result}, ttl)


def check_result(*, check_id: str, owner: str) -> dict | None:
    """The latest result of a check, or None for an unknown id or someone else's check."""
    stored = cache.get(CACHE_PREFIX + check_id)
    if not stored or stored.get("owner") != owner:
        return None
    return stored["result"]


class CheckRegistry:
    def __init__(self) -> None:
        self.checks: dict[str, DeviceCheck] = {}
        self.tasks: set[asyncio.Task] = set()

    @property
    def limit(self) -> int:
        return conf.CHECK_MAX_CONCURRENT

    def retry_after(self) -> int:
        now = time.monotonic()
        soonest = min((c.deadline for c in self.checks.values()), default=now + 1)
        return max(1, math.ceil(soonest - now))

    async def start(self, *, sdp: str, owner: str) -> tuple[DeviceCheck, RTCSessionDescription]:
        """Answer the caller's offer; raise ``CheckBusy`` when all slots are taken."""
        if len(self.checks) >= self.limit:
            raise CheckBusy(self.retry_after())
        duration: timedelta = conf.CHECK_DURATION
        now = timezone.now()
        check = DeviceCheck(
            id=uuid.uuid4().hex,
            owner=owner,
            deadline=time.monotonic() + duration.total_seconds(),
            started_at=now,
            expires_at=now + duration,
        )
        # Take the slot before the first await, so concurrent requests cannot overbook.
        self.checks[check.id] = check
        try:
            # The peer is made in the registry's task, so that aiortc's own tasks
            # and the event handlers below do not belong to the request either.
            answer = await self._spawn(self._answer(check, sdp))
        except BaseException as exc:  # also a request cancelled mid-way: the slot is freed
            await self.close(check, state="failed")
            if isinstance(exc, (ValueError, TypeError, KeyError, AttributeError)):
                raise CheckOfferInvalid(str(exc)) from exc
            raise
        check.task = self._spawn(self._watch(check))
        return check, answer

    def _spawn(self, coro) -> asyncio.Task:
        """A task owned by the registry, not by the request that starts a check.

        It runs in an empty context: a task copies the context it is created in,
        and a request's context holds asgiref's executor for that request, which
        quits when the response is sent. A watcher created there failed at its
        first cache write after about a second (``CurrentThreadExecutor already
        quit``) and closed the check. The registry keeps a reference until the
        task ends (the event loop holds only weak ones).
        """
        task = asyncio.get_running_loop().create_task(coro, context=contextvars.Context())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _answer(self, check: DeviceCheck, sdp: str) -> RTCSessionDescription:
        # iceServers is always explicit: aiortc would otherwise ask a public STUN server.
        servers = [RTCIceServer(urls=url) for url in conf.STUN_URLS]
        pc = check.pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))

        @pc.on("track")
        def on_track(track) -> None:
            # Echo: the caller sees and hears what the server received.
            pc.addTrack(track)

        @pc.on("datachannel")
        def on_datachannel(channel) -> None:
            @channel.on("message")
            def on_message(message) -> None:
                if isinstance(message, str) and message.startswith("ping"):
                    check.pongs += 1
                    channel.send("pong" + message[4:120])

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState == "connected" and check.state == "connecting":
                check.state = "running"
            elif pc.connectionState == "failed":
                await self.close(check, state="failed")

        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await self._publish(check)
        return pc.localDescription

    async def _watch(self, check: DeviceCheck) -> None:
        try:
            while check.id in self.checks and time.monotonic() < check.deadline:
                await asyncio.sleep(min(1.0, max(0.05, check.deadline - time.monotonic())))
                if check.id in self.checks:
                    await self._publish(check)
            await self.close(check, state="finished" if check.state == "running" else "failed")
        except asyncio.CancelledError:
            await self.close(check, state="finished" if check.state == "running" else "failed")
            raise
        except Exception:
            logger.exception("Device check %s failed", check.id)
            await self.close(check, state="failed")

    async def _publish(self, check: DeviceCheck) -> None:
        check.result = await _measure(check)
        ttl = int(conf.CHECK_RESULT_TTL.total_seconds())
        await _store(check, ttl)

    async def close(self, check: DeviceCheck, *, state: str) -> None:
        """Close the peer connection and free the slot (idempotent)."""
        if self.checks.pop(check.id, None) is None:
            return
        if check.pc is not None:
            try:
                check.result = await _measure(check)
            except Exception:
                logger.warning("Device check %s: no final statistics", check.id)
        check.state = state
        if check.pc is not None:
            with contextlib.suppress(Exception):
                await check.pc.close()
        check.result = {**check.result, "state": state} if check.result else {"id": check.id, "state": state}
        with contextlib.suppress(Exception):
            ttl = int(conf.CHECK_RESULT_TTL.total_seconds())
            await _store(check, ttl)
        task = check.task
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()

    async def stop(self, *, check_id: str, owner: str) -> bool:
        check = self.checks.get(check_id)
        if check is None or check.owner != owner:
            return False
        await self.close(check, state="finished" if check.state == "running" else "failed")
        return True

    async def close_all(self) -> None:
        for check in list(self.checks.values()):
            await self.close(check, state="failed")


checks = CheckRegistry()
