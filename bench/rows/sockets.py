"""sockets: what an idle, admitted video participant costs a worker."""

from __future__ import annotations

import asyncio

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.rows.signal import SignalRoom, _round_trips, seed_room
from bench.suite import Context, benchmark, require_feature
from bench.ws import close_many, open_ws, percentile

WHAT = "2,000 connected, admitted video participants in 1,000 rooms, idle; signal p99 meanwhile"


def seed_rooms(*, rooms: int) -> list[SignalRoom]:
    """``rooms`` video rooms open now, two participants each (see ``signal.seed_room``;
    in bulk: ``rooms`` appointments, 2 x ``rooms`` users, a ticket each)."""
    require_feature("video.consumers", "sockets")
    from bench.rows.video_seed import video_rooms

    return video_rooms(rooms=rooms, label="sockets")


async def _admitted(base: str, rooms: list[SignalRoom]):
    origin = base.replace("ws://", "http://")
    gate = asyncio.Semaphore(50)

    async def enter(room: SignalRoom):
        async with gate:
            a = await open_ws(base + room.a.path, headers=room.a.headers, origin=origin)
            b = await open_ws(base + room.b.path, headers=room.b.headers, origin=origin)
            if room.admit is not None:
                await room.admit(a, b)
            return [a, b]

    pairs = await asyncio.gather(*(enter(r) for r in rooms))
    return [ws for pair in pairs for ws in pair]


async def _measure(portal, rooms: list[SignalRoom], probe: SignalRoom, rounds: int):
    await asyncio.sleep(0.5)
    before = portal.rss_bytes()
    conns = await _admitted(portal.ws_url, rooms)
    try:
        await asyncio.sleep(1.0)
        after = portal.rss_bytes()
        times = await _round_trips(portal.ws_url, portal.ws_url, probe, rounds=rounds)
    finally:
        await close_many(conns)
    return before, after, times


@benchmark("sockets", WHAT, needs=("raw-sockets",))
def sockets(ctx: Context) -> list[Figure]:
    raw = ctx.value("raw-sockets", "RSS per connection")
    if raw is None:
        raise NotMeasured("the raw-sockets row did not measure")
    n = ctx.timing.idle_sockets
    rooms = seed_rooms(rooms=n // 2)
    probe = seed_room()
    portal = ctx.portal()
    try:
        before, after, times = asyncio.run(_measure(portal, rooms, probe, ctx.timing.rounds // 2))
    finally:
        from bench.rows.video_seed import forget_rooms

        forget_rooms(ctx.redis_url, [*rooms, probe])
    per_conn = (after - before) / n / 1024
    return [
        Figure(
            "sockets",
            "RSS per connection",
            per_conn,
            "KiB",
            ratio=ratio(per_conn, raw),
            ratio_of="raw websockets RSS per connection",
            targets=[Target("<=", 3)],
            note=f"{n} connections over {ctx.workers} workers",
        ),
        Figure("sockets", "signal p99 meanwhile", percentile(times, 99), "ms"),
    ]
