"""An aiortc participant that speaks the room protocol over a real WebSocket,
the way the browser client does: the counsellor admits whoever waits, the ones
already present offer to a newcomer, and ICE candidates travel as separate
``candidate`` signals (trickle), not inside the SDP."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import candidate_from_sdp
from websockets.asyncio.client import connect

from tests.video.media import peer, with_media


def split_candidates(sdp: str) -> tuple[str, list[dict]]:
    """The SDP without its candidates, and the candidates as signalling messages."""
    lines, candidates = [], []
    index, mid = -1, None
    for line in sdp.splitlines():
        if line.startswith("m="):
            index, mid = index + 1, None
        elif line.startswith("a=mid:"):
            mid = line[len("a=mid:") :]
        if line.startswith("a=candidate:"):
            candidates.append({"candidate": line[2:], "sdpMid": mid, "sdpMLineIndex": index})
            continue
        if line.startswith("a=end-of-candidates"):
            continue
        lines.append(line)
    return "\r\n".join(lines) + "\r\n", candidates


class RoomClient:
    def __init__(self, *, ticket: dict, origin: str) -> None:
        self.ticket = ticket
        self.origin = origin
        self.me = ticket["participant"]
        self.pcs: dict[str, RTCPeerConnection] = {}
        self.received: dict[str, Counter] = {}
        self.log: list[dict] = []
        self.signals_sent: Counter = Counter()
        self.socket = None
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        url = f"{self.ticket['websocket']}?token={self.ticket['token']}"
        self.socket = await connect(url, origin=self.origin, proxy=None)
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _send(self, message: dict) -> None:
        if message["type"] == "signal":
            kind = "description" if "description" in message["data"] else "candidate"
            self.signals_sent[kind] += 1
        await self.socket.send(json.dumps(message))

    async def _run(self) -> None:
        async for text in self.socket:
            message = json.loads(text)
            self.log.append(message)
            handler = getattr(self, "on_" + message["type"].replace("-", "_"), None)
            if handler is not None:
                await handler(message)

    def _peer(self, other: str) -> RTCPeerConnection:
        if other not in self.pcs:
            pc = peer(ice_servers=self.ticket["ice_servers"])
            self.received[other] = with_media(pc)
            self.pcs[other] = pc
        return self.pcs[other]

    async def _send_description(self, other: str, pc: RTCPeerConnection) -> None:
        sdp, candidates = split_candidates(pc.localDescription.sdp)
        data = {"description": {"type": pc.localDescription.type, "sdp": sdp}}
        await self._send({"type": "signal", "to": other, "data": data})
        for candidate in candidates:
            await self._send({"type": "signal", "to": other, "data": {"candidate": candidate}})
        await self._send({"type": "signal", "to": other, "data": {"candidate": None}})

    async def on_lobby(self, message: dict) -> None:
        for waiting in message["waiting"]:
            await self._send({"type": "admit", "participant": waiting["id"]})

    async def on_peer_joined(self, message: dict) -> None:
        other = message["participant"]["id"]
        pc = self._peer(other)
        await pc.setLocalDescription(await pc.createOffer())
        await self._send_description(other, pc)

    async def on_signal(self, message: dict) -> None:
        other, data = message["from"], message["data"]
        pc = self._peer(other)
        if "description" in data:
            description = data["description"]
            await pc.setRemoteDescription(RTCSessionDescription(sdp=description["sdp"], type=description["type"]))
            if description["type"] == "offer":
                await pc.setLocalDescription(await pc.createAnswer())
                await self._send_description(other, pc)
        elif data["candidate"] is None:
            await pc.addIceCandidate(None)
        else:
            candidate = candidate_from_sdp(data["candidate"]["candidate"].split(":", 1)[1])
            candidate.sdpMid = data["candidate"]["sdpMid"]
            candidate.sdpMLineIndex = data["candidate"]["sdpMLineIndex"]
            await pc.addIceCandidate(candidate)

    def got(self, kind: str) -> int:
        return sum(counter[kind] for counter in self.received.values())

    async def close(self) -> None:
        for pc in self.pcs.values():
            await pc.close()
        if self.socket is not None:
            await self.socket.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
