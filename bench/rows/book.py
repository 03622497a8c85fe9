"""book: many citizens booking distinct free slots at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Request, settle, wrk
from bench.rows.floor import floor_cpu_ms
from bench.suite import Context, benchmark, require_feature

WHAT = "concurrent bookings of distinct free slots, 32 clients"
CLIENTS = 32


@dataclass
class BookScenario:
    requests: list[Request]  # one booking per distinct free slot, each with its citizen's session header
    count_bookings: Callable[[], int]  # bookings in the database now (to check the answers against)
    created: int = 201  # the status of a successful booking


def seed_bookable(*, slots: int) -> BookScenario:
    """``slots`` distinct free slots and one booking request for each.

    1. Counsellors with the weekly hours of ``bench.rows.appointment_seed`` (in
       a Jobcenter of its own), as many as it takes to offer ``slots`` free
       (counsellor, time) pairs in the next 31 days; listed with the
       availability code.
    2. There is no limit on a citizen's future appointments, only on overlaps:
       the k-th booking at one start time goes to citizen k (as many citizens
       as counsellors), and the requests are shuffled, so the 32 clients book
       all over the month at once, as citizens do.
    3. Each request names the slot as the slot list gives it (type, start,
       channel, counsellor).
    The suite calls it twice (warm-up, then the counted run), so each call seeds anew.
    """
    require_feature("appointments.services", "book")
    import random

    from bench.auth import session_headers
    from bench.rows import appointment_seed as seed
    from portal.constants import Role

    first, last = seed.period(31)
    # A counsellor offers about 150 free (counsellor, time) pairs a month with these hours.
    count = max(CLIENTS, -(-slots // 120))
    where = seed.office("book")
    people = seed.counsellors(where, count=count, first=first, last=last)
    free = seed.free_times(where, first=first, last=last)
    if len(free) < slots:
        raise RuntimeError(f"book: only {len(free)} free slots seeded, {slots} needed")
    random.Random(35).shuffle(free)
    free = free[:slots]
    citizens = seed.users(where.jobcenter, count=len(people), role=Role.CITIZEN, label="citizen")
    headers = [session_headers(c) for c in citizens]
    public = {p.pk: str(p.public_id) for p in people}
    type_id = str(where.appointment_type.public_id)
    by_start: dict[object, int] = {}
    requests = []
    for counsellor_id, start, _end, location_id in free:
        k = by_start.get(start, 0)
        by_start[start] = k + 1
        body = {
            "appointment_type": type_id,
            "start": start.isoformat(),
            "channel": "in_person" if location_id else "video",
            "counsellor": public[counsellor_id],
        }
        requests.append(Request.json("POST", "/api/v1/appointments/", body, headers=headers[k]))
    jobcenter_id = where.jobcenter.pk
    return BookScenario(requests, count_bookings=lambda: seed.occupying(appointment_type__jobcenter_id=jobcenter_id))


@benchmark("book", WHAT, needs=("floor",))
def book(ctx: Context) -> list[Figure]:
    floor = ctx.data.get("floor")
    if floor is None:
        raise NotMeasured("the floor row did not measure")
    portal = ctx.portal()

    # No run books faster than the floor answers: that many slots are enough.
    def enough(seconds: float) -> int:
        return int(floor.rps * seconds * 1.2) + 100

    warm = seed_bookable(slots=enough(ctx.timing.warmup))
    wrk(portal.base_url, requests=warm.requests, connections=CLIENTS, seconds=ctx.timing.warmup, tally=True)
    settle(portal.pids())
    scenario = seed_bookable(slots=enough(ctx.timing.measure))
    before = scenario.count_bookings()
    result = wrk(
        portal.base_url,
        requests=scenario.requests,
        connections=CLIENTS,
        seconds=ctx.timing.measure,
        tally=True,
        server_pids=portal.pids(),
    )
    if not result.requests:
        raise RuntimeError(f"book: no answer within the phase ({result.seconds:.0f} s)")
    booked = result.count(scenario.created)
    settle(portal.pids())  # the bookings in flight when wrk stopped are written, unanswered to wrk
    rows = scenario.count_bookings() - before
    others = {s: n for s, n in result.statuses.items() if s != scenario.created}
    note = f"{CLIENTS} connections; server {result.server_cores:.2f} cores"
    if others or not booked <= rows <= booked + CLIENTS:
        note += f"; other answers {others}; rows written {rows} vs {booked} answered {scenario.created}"
    per_s = booked / result.seconds
    cpu_ms = result.server_cores * 1000 / per_s if per_s else None
    return [
        Figure(
            "book",
            "server CPU per booking",
            cpu_ms,
            "ms",
            ratio=ratio(cpu_ms, floor_cpu_ms(floor)),
            ratio_of="server CPU per floor request",
            targets=[Target("<=", 4)],
            note=note,
        ),
        Figure("book", "bookings/s", per_s, "bookings/s", ratio=ratio(per_s, floor.rps), ratio_of="floor req/s"),
        Figure("book", "p99", result.p99_ms, "ms", note=f"{CLIENTS} connections"),
    ]
