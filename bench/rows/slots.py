"""slots and slots-scale: the availability query citizens hit hardest.

The measuring is done here; the feature plugs in by writing ``seed_slots``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Request, measure_http, wrk
from bench.suite import Context, adapter_missing, benchmark, require_feature

WHAT = "GET /api/v1/slots/ for one type over 31 days, 50 counsellors with realistic rules, exceptions and 30 % booked"
WHAT_SCALE = "the slots query with 10, 50 and 200 counsellors (1 connection)"


@dataclass
class SlotsScenario:
    requests: list[Request]  # the query (a few variants are fine), with its session header
    slots_in_answer: int  # how many slots one answer lists (the answer grows with counsellors)


def seed_slots(*, counsellors: int, days: int = 31, booked: float = 0.3) -> SlotsScenario:
    """TODO(appointments): seed one scenario in its own Jobcenter and return the query.

    1. A Jobcenter, a location and one appointment type (30 minutes, in person
       and video), ``counsellors`` counsellors offering it.
    2. Realistic weekly rules per counsellor (Europe/Berlin wall clock): e.g.
       Mon-Fri 08:00-12:00, Tue and Thu also 13:00-16:00, some with Friday off;
       exceptions: a day off per counsellor per fortnight, one public holiday.
    3. Book ``booked`` of the resulting slots over the next ``days`` days (write
       the rows in bulk through the models, not through the API: seeding is not
       measured).
    4. A citizen of that Jobcenter: ``bench.auth.session_headers(citizen)``.
    5. Return ``SlotsScenario([Request("GET", "/api/v1/slots/?type=...&from=...&to=...",
       headers=headers)], slots_in_answer=<count in one answer>)``.
    Runs in the suite process (Django is set up on the benchmark database).
    """
    require_feature("appointments.availability", "slots")
    raise adapter_missing("slots", "seed_slots")


def _all_ok(result, what: str) -> None:
    bad = {s: n for s, n in result.statuses.items() if s != 200}
    if bad or result.failed:
        raise RuntimeError(f"{what}: answers other than 200: {bad}, socket errors {result.errors}")


@benchmark("slots", WHAT, needs=("floor",))
def slots(ctx: Context) -> list[Figure]:
    floor = ctx.data.get("floor")
    if floor is None:
        raise NotMeasured("the floor row did not measure")
    scenario = seed_slots(counsellors=50)
    portal = ctx.portal()
    result = measure_http(
        portal.base_url,
        timing=ctx.timing,
        requests=scenario.requests,
        connections=ctx.connections,
        server_pids=portal.pids(),
    )
    _all_ok(result.latency, "slots")
    _all_ok(result.load, "slots")
    answer = f"{scenario.slots_in_answer} slots per answer"
    return [
        Figure(
            "slots",
            "p50",
            result.p50_ms,
            "ms",
            ratio=ratio(result.p50_ms, floor.p50_ms),
            ratio_of="floor p50",
            targets=[Target("<=", 3)],
            note=f"1 connection; {answer}",
        ),
        Figure("slots", "p99", result.p99_ms, "ms", targets=[Target("<=", 50, on="value", unit="ms")]),
        Figure(
            "slots",
            "req/s",
            result.rps,
            "req/s",
            ratio=ratio(result.rps, floor.rps),
            ratio_of="floor req/s",
            note=f"{ctx.connections} connections; server {result.load.server_cores:.2f} cores",
        ),
    ]


@benchmark("slots-scale", WHAT_SCALE)
def slots_scale(ctx: Context) -> list[Figure]:
    portal = ctx.portal()
    p50: dict[int, float] = {}
    figures = []
    for counsellors in (10, 50, 200):
        scenario = seed_slots(counsellors=counsellors)
        common = {"requests": scenario.requests, "connections": 1, "tally": True}
        wrk(portal.base_url, seconds=ctx.timing.warmup, **common)
        result = wrk(portal.base_url, seconds=ctx.timing.measure, **common)
        _all_ok(result, f"slots-scale {counsellors}")
        p50[counsellors] = result.p50_ms
        figures.append(
            Figure(
                "slots-scale",
                f"p50, {counsellors} counsellors",
                result.p50_ms,
                "ms",
                note=f"{scenario.slots_in_answer} slots per answer",
            )
        )
    figures.append(
        Figure(
            "slots-scale",
            "p50(200) / p50(10)",
            ratio(p50[200], p50[10]),
            "",
            targets=[Target("<=", 20, on="value")],
            note="grows with the answer (20x the counsellors), no worse",
        )
    )
    return figures
