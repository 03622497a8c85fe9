"""raw-relay: ping-pong through a bare ``websockets`` relay, the floor of ``signal``."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench import procs
from bench.figures import Figure
from bench.servers import ROOT
from bench.suite import Context, benchmark
from bench.ws import PingPong, open_ws, percentile, pingpong

WHAT = "raw websockets relay server (1 process, compression off): 1 KiB ping-pong between the two clients of a room"


@dataclass
class Relay:
    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def rss_bytes(self) -> int:
        return procs.rss_bytes(self.pid)


@contextmanager
def relay_server(ctx: Context) -> Iterator[Relay]:
    port = procs.free_port()
    log = ctx.outdir / "logs" / f"relay-{port}.log"
    proc = procs.start([sys.executable, "-m", "bench.relay_server", str(port)], env=ctx.env, log=log, cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while "ready" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the relay server did not start; see {log}")
            time.sleep(0.1)
        yield Relay(pid=proc.pid, port=port)
    finally:
        procs.stop(proc)


async def relay_round_trips(url: str, *, rounds: int, warmup: int) -> list[float]:
    a = await open_ws(f"{url}/pingpong")
    b = await open_ws(f"{url}/pingpong")
    try:
        return await pingpong(a, b, rounds=rounds, warmup=warmup, spec=PingPong())
    finally:
        await a.close()
        await b.close()


@benchmark("raw-relay", WHAT)
def raw_relay(ctx: Context) -> list[Figure]:
    rounds = ctx.timing.rounds
    with relay_server(ctx) as relay:
        times = asyncio.run(relay_round_trips(relay.url, rounds=rounds, warmup=rounds // 10))
    note = f"{rounds} round trips, one at a time"
    return [
        Figure("raw-relay", "round trip p50", percentile(times, 50), "ms", note=note),
        Figure("raw-relay", "round trip p99", percentile(times, 99), "ms", note=note),
    ]
