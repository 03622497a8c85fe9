"""book: many citizens booking distinct free slots at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Request, wrk
from bench.suite import Context, adapter_missing, benchmark, require_feature

WHAT = "concurrent bookings of distinct free slots, 32 clients"
CLIENTS = 32


@dataclass
class BookScenario:
    requests: list[Request]  # one booking per distinct free slot, each with its citizen's session header
    count_bookings: Callable[[], int]  # bookings in the database now (to check the answers against)
    created: int = 201  # the status of a successful booking


def seed_bookable(*, slots: int) -> BookScenario:
    """TODO(appointments): ``slots`` distinct free slots and one booking request for each.

    1. Enough counsellors and weekly rules (in a Jobcenter of its own) to offer
       at least ``slots`` free slots; list them with the availability code.
    2. Citizens to book them: as many as the booking rules need (if a citizen
       may hold only N future appointments, make ``slots / N`` citizens).
    3. Return ``BookScenario([Request.json("POST", "/api/v1/appointments/",
       {...slot...}, headers=session_headers(citizen)), ...], count_bookings=
       lambda: Appointment.objects.filter(...).count())``.
    The suite calls it twice (warm-up, then the counted run), so each call seeds anew.
    """
    require_feature("appointments.services", "book")
    raise adapter_missing("book", "seed_bookable")


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
    booked = result.count(scenario.created)
    rows = scenario.count_bookings() - before
    others = {s: n for s, n in result.statuses.items() if s != scenario.created}
    note = f"{CLIENTS} connections; server {result.server_cores:.2f} cores"
    if others or rows != booked:
        note += f"; other answers {others}; rows written {rows} vs {booked} answered {scenario.created}"
    per_s = booked / result.seconds
    return [
        Figure(
            "book",
            "bookings/s",
            per_s,
            "bookings/s",
            ratio=ratio(per_s, floor.rps),
            ratio_of="floor req/s",
            targets=[Target(">=", 0.35)],
            note=note,
        ),
        Figure("book", "p99", result.p99_ms, "ms", note=f"{CLIENTS} connections"),
    ]
