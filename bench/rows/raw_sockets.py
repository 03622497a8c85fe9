"""raw-sockets: memory per idle connection of a bare ``websockets`` server, the floor of ``sockets``."""

from __future__ import annotations

import asyncio

from bench.figures import Figure
from bench.rows.raw_relay import relay_round_trips, relay_server
from bench.suite import Context, benchmark
from bench.ws import close_many, open_many, percentile

WHAT = (
    "raw websockets server (1 process, compression off): RSS per idle connection, "
    "pairs of connections in rooms; 1 KiB ping-pong p99 meanwhile"
)


async def idle_rss(relay, *, connections: int, rounds: int) -> tuple[int, int, list[float]]:
    # Exercise the code paths once so that their memory is in the "before".
    await relay_round_trips(relay.url, rounds=20, warmup=0)
    await asyncio.sleep(0.5)
    before = relay.rss_bytes()
    conns = await open_many([f"{relay.url}/room-{i // 2}" for i in range(connections)])
    try:
        await asyncio.sleep(1.0)
        after = relay.rss_bytes()
        times = await relay_round_trips(relay.url, rounds=rounds, warmup=rounds // 10)
    finally:
        await close_many(conns)
    return before, after, times


@benchmark("raw-sockets", WHAT)
def raw_sockets(ctx: Context) -> list[Figure]:
    n = ctx.timing.idle_sockets
    with relay_server(ctx) as relay:
        before, after, times = asyncio.run(idle_rss(relay, connections=n, rounds=ctx.timing.rounds // 2))
    per_connection = (after - before) / n
    return [
        Figure("raw-sockets", "RSS per connection", per_connection / 1024, "KiB", note=f"{n} idle connections"),
        Figure("raw-sockets", "round trip p99 meanwhile", percentile(times, 99), "ms"),
    ]
