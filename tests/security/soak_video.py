"""The video side of ``make soak``: counsellors and citizens in rooms, signalling.

Each ``VideoPair`` is a video appointment whose room is open now (made when
the soak seeds its database) with its counsellor and citizen. One asyncio
task per pair loops over a meeting:

1. Both fetch a ticket (``GET /appointments/{id}/video/``, paced and recorded
   like every HTTP request) and open a real WebSocket with it (daphne): the
   counsellor first; the citizen waits in the lobby until the counsellor
   admits them (or is admitted at once after a reconnect).
2. ``ROUNDS`` signal round trips, alternating who starts: A sends a
   ``signal`` (an ICE candidate that carries a sequence number) to B through
   the server, B sends it back, A waits for it; the time from A's send to the
   answer is one "WS signal round trip". Each round trip takes a slot of the
   shared pacer.
3. Both leave; the next meeting takes new tickets.

Counted as failures: a socket the server closed that the client did not
(dropped), a connection without its ``welcome``, an ``error`` message, and a
signal with no answer within ``TIMEOUT`` seconds (unanswered).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.security.load import Answer
from tests.security.soak_cases import Traffic, ok

ROUNDS = 20
TIMEOUT = 10.0
CONNECT = "WS /ws/video/{id}/ (until welcome)"
SIGNAL = "WS signal round trip"
TICKET = "GET /appointments/{id}/video/"


@dataclass
class VideoPair:
    appointment: str
    counsellor_token: str
    citizen_token: str
    connections: int = 0  # sockets that got their welcome
    meetings: int = 0  # meetings with every round trip answered
    round_trips: int = 0
    unanswered: int = 0
    problems: list[str] = field(default_factory=list)


class Refused(Exception):
    pass


class Peer:
    """One WebSocket of a participant: a reader task puts every message in a queue."""

    def __init__(self, ws, pair: VideoPair, role: str) -> None:
        self.ws = ws
        self.pair = pair
        self.role = role
        self.queue: asyncio.Queue = asyncio.Queue()
        self.closing = False
        self.me = ""
        self.welcome: dict = {}
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                message = json.loads(text)
                if message.get("type") == "error":
                    self.pair.problems.append(f"{self.role} got an error: {message}")
                await self.queue.put(message)
        except ConnectionClosed:
            pass
        finally:
            if not self.closing:
                self.pair.problems.append(f"{self.role}'s socket dropped (close code {self.ws.close_code})")
            await self.queue.put(None)

    async def expect(self, want, what: str) -> dict:
        """The next message ``want`` accepts (others are presence news: skipped)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                message = await asyncio.wait_for(self.queue.get(), max(0.001, deadline - time.monotonic()))
            except TimeoutError:
                raise Refused(f"{self.role}: no {what} within {TIMEOUT:g} s") from None
            if message is None:
                raise Refused(f"{self.role}: socket closed while waiting for {what}")
            if want(message):
                return message

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def close(self) -> None:
        self.closing = True
        with contextlib.suppress(Exception):
            await self.ws.close()
        with contextlib.suppress(Exception):
            await self.reader


class VideoLoad:
    def __init__(self, traffic: Traffic, pairs: list[VideoPair], *, origin: str) -> None:
        self.traffic = traffic
        self.pairs = pairs
        self.origin = origin
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _record(self, kind: str, status: int, seconds: float) -> None:
        self.traffic.record(Answer("soak", kind, status, "", b"", {}, None, "", seconds))

    async def _join(self, pair: VideoPair, role: str, token: str) -> Peer:
        ticket = await asyncio.to_thread(
            self.traffic.call, token, TICKET, "GET", f"/appointments/{pair.appointment}/video/"
        )
        if not ok(ticket):
            raise Refused(f"{role}: ticket answered {ticket.status}")
        ticket = ticket.json()
        started = time.monotonic()
        try:
            ws = await connect(
                f"{ticket['websocket']}?token={ticket['token']}",
                origin=self.origin,
                compression=None,
                open_timeout=TIMEOUT,
                proxy=None,
            )
        except Exception as error:  # any failure to connect counts (refused, reset, handshake, timeout)
            self._record(CONNECT, 0, time.monotonic() - started)
            pair.problems.append(f"{role}: connection failed: {error!r}")
            raise Refused(f"{role}: no connection") from None
        peer = Peer(ws, pair, role)
        try:
            peer.welcome = await peer.expect(lambda m: m["type"] == "welcome", "welcome")
        except Refused:
            self._record(CONNECT, 0, time.monotonic() - started)
            await peer.close()
            raise
        self._record(CONNECT, 200, time.monotonic() - started)
        pair.connections += 1
        peer.me = peer.welcome["you"]["id"]
        return peer

    async def _round_trip(self, pair: VideoPair, a: Peer, b: Peer, seq: int) -> None:
        await asyncio.sleep(max(0.0, self.traffic.pacer.slot() - time.monotonic()))
        candidate = f"candidate:{seq} 1 udp 2122260223 127.0.0.1 {50000 + seq % 10000} typ host"
        data = {"candidate": {"candidate": candidate, "sdpMid": "0", "sdpMLineIndex": 0}}

        def carries(sender: str):
            return lambda m: (
                m["type"] == "signal" and m.get("from") == sender and m["data"]["candidate"]["candidate"] == candidate
            )

        started = time.monotonic()
        try:
            await a.send({"type": "signal", "to": b.me, "data": data})
            await b.expect(carries(a.me), f"signal {seq}")
            await b.send({"type": "signal", "to": a.me, "data": data})
            await a.expect(carries(b.me), f"answer to signal {seq}")
        except (Refused, ConnectionClosed) as error:
            self._record(SIGNAL, 0, time.monotonic() - started)
            pair.unanswered += 1
            raise Refused(str(error)) from None
        self._record(SIGNAL, 200, time.monotonic() - started)
        pair.round_trips += 1

    async def _meeting(self, pair: VideoPair, number: int) -> None:
        peers: list[Peer] = []
        try:
            counsellor = await self._join(pair, "counsellor", pair.counsellor_token)
            peers.append(counsellor)
            citizen = await self._join(pair, "citizen", pair.citizen_token)
            peers.append(citizen)
            if citizen.welcome["state"] == "waiting":
                await counsellor.expect(
                    lambda m: m["type"] == "lobby" and any(w["id"] == citizen.me for w in m["waiting"]), "lobby"
                )
                await counsellor.send({"type": "admit", "participant": citizen.me})
                await citizen.expect(lambda m: m["type"] == "admitted", "admitted")
            await counsellor.expect(
                lambda m: m["type"] == "peer-joined" and m["participant"]["id"] == citizen.me, "peer-joined"
            )
            for seq in range(ROUNDS):
                if self._stop.is_set():
                    return
                first, second = (counsellor, citizen) if (number + seq) % 2 == 0 else (citizen, counsellor)
                await self._round_trip(pair, first, second, number * ROUNDS + seq)
            pair.meetings += 1
        except Refused as refused:
            pair.problems.append(str(refused))
            await asyncio.sleep(1.0)
        finally:
            for peer in reversed(peers):
                await peer.close()

    async def _pair(self, pair: VideoPair) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            await self._meeting(pair, number)

    async def _main(self) -> None:
        await asyncio.gather(*(self._pair(pair) for pair in self.pairs))

    def start(self) -> VideoLoad:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(60)
