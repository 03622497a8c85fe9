"""servers: the floor on each ASGI server, to choose the one production runs."""

from __future__ import annotations

from bench.figures import Figure, NotMeasured, ratio
from bench.load import measure_http
from bench.rows.floor import http_figures
from bench.servers import SERVERS
from bench.suite import Context, benchmark


@benchmark(
    "servers",
    "the floor view on daphne, uvicorn (httptools, uvloop) and granian, same workers; ratio = req/s / floor req/s",
    needs=("floor",),
)
def servers(ctx: Context) -> list[Figure]:
    floor = ctx.data.get("floor")
    if floor is None:
        raise NotMeasured("the floor row did not measure")
    figures: list[Figure] = []
    for kind in SERVERS:
        if kind == ctx.server:
            result = floor  # measured a moment ago on this very server
        else:
            portal = ctx.start_portal(server=kind)
            try:
                result = measure_http(
                    portal.base_url, timing=ctx.timing, connections=ctx.connections, server_pids=portal.pids()
                )
            finally:
                portal.stop()
        for f in http_figures("servers", result, ctx, label=kind):
            if f.figure.endswith("req/s"):
                f.ratio, f.ratio_of = ratio(f.value, floor.rps), f"floor req/s ({ctx.server})"
            figures.append(f)
    return figures
