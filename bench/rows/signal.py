"""signal: the round trip of a signalling message between the two participants of a video room."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.suite import Context, adapter_missing, benchmark, require_feature
from bench.ws import PingPong, open_ws, percentile, pingpong

WHAT = (
    "1 KiB signal ping-pong between two participants of a room: (a) one worker, in-memory layer; "
    "(b) two workers, channels-redis, participants on different workers"
)


@dataclass
class Participant:
    path: str  # the room's WebSocket path, e.g. "/ws/video/<room>/"
    headers: dict[str, str] = field(default_factory=dict)  # session, and what the consumer needs


@dataclass
class SignalRoom:
    a: Participant
    b: Participant
    spec: PingPong  # how video/protocol.py spells a 1 KiB signal message, how B answers, how A knows the answer
    admit: object = None  # optional ``async (ws_a, ws_b) -> None``: join/admission handshake before pinging


def seed_room() -> SignalRoom:
    """TODO(video): a video appointment whose room both participants may enter now.

    1. A counsellor and a citizen with a video appointment starting now.
    2. ``Participant(path, headers=session_headers(user))`` for each (or a
       room token in the path, if that is how the consumer authenticates).
    3. ``PingPong(make=lambda seq: <signal message of 1 KiB carrying seq>,
       reply=lambda m: <B's signal back, same seq> or None, is_answer=...)``:
       ``bench.ws.seq_of`` finds ``seq`` in {"seq": n} or nested "payload".
    4. ``admit``: whatever makes both "admitted" (the counsellor lets the citizen in).
    """
    require_feature("video.consumers", "signal")
    raise adapter_missing("signal", "seed_room")


async def _round_trips(url_a: str, url_b: str, room: SignalRoom, *, rounds: int) -> list[float]:
    origin_a, origin_b = url_a.replace("ws://", "http://"), url_b.replace("ws://", "http://")
    a = await open_ws(url_a + room.a.path, headers=room.a.headers, origin=origin_a)
    b = await open_ws(url_b + room.b.path, headers=room.b.headers, origin=origin_b)
    try:
        if room.admit is not None:
            await room.admit(a, b)
        return await pingpong(a, b, rounds=rounds, warmup=rounds // 10, spec=room.spec)
    finally:
        await a.close()
        await b.close()


def _figures(label: str, times: list[float], raw_p99: float) -> list[Figure]:
    p99 = percentile(times, 99)
    return [
        Figure("signal", f"{label} p50", percentile(times, 50), "ms"),
        Figure(
            "signal",
            f"{label} p99",
            p99,
            "ms",
            ratio=ratio(p99, raw_p99),
            ratio_of="raw relay p99",
            targets=[Target("<=", 3)],
        ),
        Figure(
            "signal", f"{label} p99 - raw p99", p99 - raw_p99, "ms", targets=[Target("<=", 5, on="value", unit="ms")]
        ),
    ]


@benchmark("signal", WHAT, needs=("raw-relay",))
def signal(ctx: Context) -> list[Figure]:
    raw_p99 = ctx.value("raw-relay", "round trip p99")
    if raw_p99 is None:
        raise NotMeasured("the raw-relay row did not measure")
    rounds = ctx.timing.rounds
    figures = []
    # (a) one worker, in-memory channel layer (no REDIS_URL: the settings fall back to it)
    room = seed_room()
    one = ctx.start_portal(workers=1, env={"REDIS_URL": ""})
    try:
        times = asyncio.run(_round_trips(one.ws_url, one.ws_url, room, rounds=rounds))
    finally:
        one.stop()
    figures += _figures("(a) 1 worker, in-memory", times, raw_p99)
    # (b) two single-worker servers sharing Redis; A on the first, B on the second
    room = seed_room()
    first, second = ctx.start_portal(workers=1), ctx.start_portal(workers=1)
    try:
        times = asyncio.run(_round_trips(first.ws_url, second.ws_url, room, rounds=rounds))
    finally:
        first.stop()
        second.stop()
    figures += _figures("(b) 2 workers, redis", times, raw_p99)
    return figures
