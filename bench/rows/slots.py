"""slots and slots-scale: the availability query citizens hit hardest.

The measuring is done here; the feature plugs in by writing ``seed_slots``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Request, measure_http, settle, wrk
from bench.suite import Context, benchmark, require_feature

WHAT = "GET /api/v1/slots/ for one type over 31 days, 50 counsellors with realistic rules, exceptions and 30 % booked"
WHAT_SCALE = "the slots query with 10, 50 and 200 counsellors (1 connection)"


@dataclass
class SlotsScenario:
    requests: list[Request]  # the query (a few variants are fine), with its session header
    slots_in_answer: str  # what one answer lists (it grows with the counsellors), for the notes


def seed_slots(*, counsellors: int, days: int = 31, booked: float = 0.3) -> SlotsScenario:
    """One scenario in its own Jobcenter and the query a citizen sends for it.

    1. A Jobcenter, two offices and one appointment type (30 minutes, in
       person and video), ``counsellors`` counsellors of its team offering it.
    2. Weekly rules and exceptions per counsellor as in
       ``bench.rows.appointment_seed`` (full time, part time, Friday off;
       a day off per fortnight, a weekly team meeting, a public holiday, extra
       Saturday hours for one in ten).
    3. ``booked`` of the free (counsellor, time) pairs of the next ``days`` days
       booked in bulk through the models, by citizens who are never booked
       twice at one time; and half a year of past appointments per counsellor
       (``appointment_seed.history``), which the query must not read.
    4. A citizen of that Jobcenter: ``bench.auth.session_headers(citizen)``.
    5. The query: ``GET /api/v1/slots/?appointment_type=...&from=...&to=...``.
    Runs in the suite process (Django is set up on the benchmark database).
    """
    require_feature("appointments.availability", "slots")
    import random

    from appointments.selectors import slots_for_type
    from bench.auth import session_headers
    from bench.rows import appointment_seed as seed
    from portal.constants import Role

    first, last = seed.period(days)
    where = seed.office(f"slots{counsellors}")
    people = seed.counsellors(where, count=counsellors, first=first, last=last)
    free = seed.free_times(where, first=first, last=last)
    rng = random.Random(30)
    citizens = seed.users(where.jobcenter, count=counsellors, role=Role.CITIZEN, label="citizen")
    seed.history(where, people, citizens=citizens)
    seed.book_in_bulk(where, rng.sample(free, round(len(free) * booked)), citizens=citizens)
    path = (
        f"/api/v1/slots/?appointment_type={where.appointment_type.public_id}"
        f"&from={first.isoformat()}&to={last.isoformat()}"
    )
    free_pairs = slots_for_type(appointment_type=where.appointment_type, first=first, last=last)[0]
    # The answer lists each (time, channel, office) once; the pairs say how much work is behind it.
    in_answer = f"{len({(s.start, s.channel, s.location) for s in free_pairs})} entries per answer from {len(free_pairs)} free (counsellor, time, channel) slots"
    return SlotsScenario([Request("GET", path, headers=session_headers(citizens[0]))], slots_in_answer=in_answer)


def _all_ok(result, what: str) -> None:
    if not result.requests:
        raise RuntimeError(f"{what}: no answer within the phase ({result.seconds:.0f} s)")
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
    answer = scenario.slots_in_answer
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
        Figure(
            "slots",
            "p99",
            result.p99_ms,
            "ms",
            ratio=ratio(result.p99_ms, floor.p99_ms),
            ratio_of="floor p99",
            targets=[Target("<=", 50, on="value", unit="ms"), Target("<=", 2)],
        ),
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
        settle(portal.pids())
        result = wrk(portal.base_url, seconds=ctx.timing.measure, **common)
        _all_ok(result, f"slots-scale {counsellors}")
        p50[counsellors] = result.p50_ms
        figures.append(
            Figure(
                "slots-scale",
                f"p50, {counsellors} counsellors",
                result.p50_ms,
                "ms",
                note=scenario.slots_in_answer,
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
