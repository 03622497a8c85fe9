"""WebSocket load: ping-pong round trips and many idle connections.

The same client code (``websockets``, asyncio, compression off) measures the
raw relay and the portal, so the client's own cost is in both sides of a ratio.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect

PAYLOAD_BYTES = 1024


async def open_ws(url: str, *, headers: dict[str, str] | None = None, origin: str | None = None) -> ClientConnection:
    """A client connection without permessage-deflate (what the portal's clients do)."""
    return await connect(
        url,
        compression=None,
        additional_headers=headers,
        origin=origin,
        open_timeout=30,
        max_size=2**20,
        ping_interval=None,  # the server's pings still get their pong
    )


def payload(seq: int, size: int = PAYLOAD_BYTES) -> str:
    """A JSON text message of exactly ``size`` bytes."""
    head = json.dumps({"type": "signal", "seq": seq, "data": ""})
    return head[:-2] + "x" * (size - len(head)) + '"}'


async def recv_until(ws: ClientConnection, want: Callable[[str | bytes], bool], timeout: float = 10) -> str | bytes:
    """The next message ``want`` accepts; others (presence, pings of the app) are skipped."""
    deadline = time.monotonic() + timeout
    while True:
        message = await asyncio.wait_for(ws.recv(), max(0.001, deadline - time.monotonic()))
        if want(message):
            return message


def seq_of(message: str | bytes) -> int | None:
    try:
        data = json.loads(message)
    except (ValueError, TypeError):
        return None
    # The raw relay hands the message on as it is; an app may wrap it ({"payload": {...}}).
    while isinstance(data, dict):
        if isinstance(data.get("seq"), int):
            return data["seq"]
        data = data.get("payload")
    return None


@dataclass
class PingPong:
    """How one round trip is spelled for a given server.

    - ``make(seq)``: what A sends;
    - ``reply(received)``: what B sends back for a message it received (None: not ours, ignore);
    - ``is_answer(received, seq)``: whether a message A received closes round trip ``seq``.
    The defaults suit the raw relay (the message goes back as it came).
    """

    make: Callable[[int], str] = payload
    reply: Callable[[str | bytes], str | bytes | None] = lambda m: m if seq_of(m) is not None else None
    is_answer: Callable[[str | bytes, int], bool] = lambda m, seq: seq_of(m) == seq


async def pingpong(
    a: ClientConnection, b: ClientConnection, *, rounds: int, warmup: int, spec: PingPong
) -> list[float]:
    """Round trips A -> server -> B -> server -> A, one at a time; milliseconds
    of the ``rounds`` counted after ``warmup`` uncounted ones."""

    async def echo() -> None:
        async for message in b:
            answer = spec.reply(message)
            if answer is not None:
                await b.send(answer)

    echoer = asyncio.create_task(echo())
    times: list[float] = []
    try:
        for seq in range(warmup + rounds):
            start = time.perf_counter()
            await a.send(spec.make(seq))
            await recv_until(a, lambda m, seq=seq: spec.is_answer(m, seq))
            if seq >= warmup:
                times.append((time.perf_counter() - start) * 1000)
    finally:
        echoer.cancel()
    return times


async def open_many(urls: list[str], *, concurrency: int = 50, **kwargs) -> list[ClientConnection]:
    """Open one connection per URL, ``concurrency`` at a time (no SYN storm)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(url: str) -> ClientConnection:
        async with gate:
            return await open_ws(url, **kwargs)

    return list(await asyncio.gather(*(one(u) for u in urls)))


async def close_many(conns: list[ClientConnection]) -> None:
    await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]
