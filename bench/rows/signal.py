"""signal: the round trip of a signalling message between the two participants of a video room."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.procs import CpuMeter
from bench.suite import Context, benchmark, require_feature
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
    room: str = ""  # the room's id (its presence keys are deleted after the row)


def seed_room() -> SignalRoom:
    """A video appointment starting now; A is its counsellor, B its citizen, each
    with a ticket (room token) from the ticket service (``bench/rows/video_seed.py``)."""
    require_feature("video.consumers", "signal")
    from bench.rows.video_seed import video_rooms

    return video_rooms(rooms=1, label="signal")[0]


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


def _measured(portals, run) -> tuple[list[float], float]:
    """The round trips, and the servers' CPU per signal message in ms (two a round
    trip; connecting and admitting are in it too, a few ms spread over the rounds)."""
    with CpuMeter([pid for p in portals for pid in p.pids()]) as meter:
        times = asyncio.run(run)
    rounds = len(times) + len(times) // 10  # counted plus warm-up
    return times, meter.cpu * 1000 / (2 * rounds)


def _figures(
    label: str, times: list[float], raw_p99: float, note: str = "", cpu_ms: float | None = None
) -> list[Figure]:
    p99 = percentile(times, 99)
    extra = [] if cpu_ms is None else [Figure("signal", f"{label} server CPU per signal", cpu_ms, "ms", note=note)]
    return [
        *extra,
        Figure("signal", f"{label} p50", percentile(times, 50), "ms", note=note),
        Figure(
            "signal",
            f"{label} p99",
            p99,
            "ms",
            ratio=ratio(p99, raw_p99),
            ratio_of="raw relay p99",
            targets=[Target("<=", 3)],
            note=note,
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
    from bench.rows.video_seed import forget_rooms

    rounds = ctx.timing.rounds
    figures = []
    # (a) one worker, in-memory channel layer (no REDIS_URL: the settings fall back to it)
    room = seed_room()
    one = ctx.start_portal(workers=1, env={"REDIS_URL": ""})
    try:
        times, cpu_ms = _measured([one], _round_trips(one.ws_url, one.ws_url, room, rounds=rounds))
    finally:
        one.stop()
    figures += _figures("(a) 1 worker, in-memory", times, raw_p99, cpu_ms=cpu_ms)
    # (b) two single-worker servers sharing Redis; A on the first, B on the second:
    # the default layer (pubsub), then core for comparison (or only the one named
    # by CHANNEL_LAYER in the suite's environment).
    layers = [ctx.env["CHANNEL_LAYER"]] if ctx.env.get("CHANNEL_LAYER") else ["pubsub", "core"]
    for layer in layers:
        room = seed_room()
        env = {"CHANNEL_LAYER": layer}
        first, second = ctx.start_portal(workers=1, env=env), ctx.start_portal(workers=1, env=env)
        try:
            times, cpu_ms = _measured([first, second], _round_trips(first.ws_url, second.ws_url, room, rounds=rounds))
        finally:
            first.stop()
            second.stop()
        label = "(b) 2 workers, redis" if layer == "pubsub" else f"(b) 2 workers, redis {layer}"
        figures += _figures(label, times, raw_p99, note=f"CHANNEL_LAYER={layer}", cpu_ms=cpu_ms)
        forget_rooms(ctx.redis_url, [room])
    return figures
