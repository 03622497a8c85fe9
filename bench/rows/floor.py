"""floor: the cheapest Django view; every HTTP row is read against it."""

from __future__ import annotations

from bench.figures import Figure
from bench.load import HttpFigures, measure_http
from bench.suite import Context, benchmark

WHAT = "bare Django JsonResponse view on the same server and workers"


@benchmark("floor", WHAT)
def floor(ctx: Context) -> list[Figure]:
    portal = ctx.portal()
    result = measure_http(portal.base_url, timing=ctx.timing, connections=ctx.connections, server_pids=portal.pids())
    ctx.data["floor"] = result
    return http_figures("floor", result, ctx)


def http_figures(row: str, result: HttpFigures, ctx: Context, *, label: str = "") -> list[Figure]:
    """req/s (saturated), p50 and p99 (one connection), with what the load cost."""
    prefix = f"{label} " if label else ""
    bad = result.load.failed + result.latency.failed + result.load.errors["status"] + result.latency.errors["status"]
    load_note = (
        f"{ctx.connections} connections; server {result.load.server_cores:.2f} cores, "
        f"wrk {result.load.load_cores:.2f} cores"
    )
    if bad:
        load_note += f"; {bad} errors or non-2xx answers"
    return [
        Figure(row, f"{prefix}req/s", result.rps, "req/s", note=load_note),
        Figure(row, f"{prefix}p50", result.p50_ms, "ms", note="1 connection"),
        Figure(row, f"{prefix}p99", result.p99_ms, "ms", note="1 connection"),
    ]


def floor_cpu_ms(floor: HttpFigures) -> float | None:
    """Server CPU per floor request (ms), from the saturated phase: what "x floor" means for CPU targets."""
    return floor.load.server_cores * 1000 / floor.rps if floor.rps else None
