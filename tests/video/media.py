"""Small aiortc peers for the tests: a tiny synthetic camera and microphone,
and counters of what arrives. Low resolution keeps the encoders cheap."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import av
from aiortc import (
    AudioStreamTrack,
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError


class TinyVideoTrack(VideoStreamTrack):
    """160x120 frames whose brightness changes, so the encoder has something to send."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(width=160, height=120, format="yuv420p")
        self.count += 1
        shade = (self.count * 7) % 256
        for plane, value in zip(frame.planes, (shade, 128, 128), strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        frame.pts = pts
        frame.time_base = time_base
        return frame


def peer(*, ice_servers: list[dict] | None = None, relay_only: bool = False) -> RTCPeerConnection:
    """An aiortc peer; ICE servers always explicit (aiortc would otherwise ask Google's STUN)."""
    from aiortc import RTCIceTransportPolicy

    servers = [
        RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
        for s in ice_servers or []
    ]
    policy = RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL
    return RTCPeerConnection(RTCConfiguration(iceServers=servers, iceTransportPolicy=policy))


def with_media(pc: RTCPeerConnection) -> Counter:
    """Send a tiny camera and a silent microphone; count the frames received per kind."""
    received: Counter = Counter()
    readers: set[asyncio.Task] = set()
    pc.addTrack(TinyVideoTrack())
    pc.addTrack(AudioStreamTrack())

    @pc.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        reader = asyncio.ensure_future(_count(track, received))
        readers.add(reader)
        reader.add_done_callback(readers.discard)

    return received


async def _count(track: MediaStreamTrack, received: Counter) -> None:
    while True:
        try:
            await track.recv()
        except MediaStreamError:
            return
        received[track.kind] += 1


async def wait_for(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
