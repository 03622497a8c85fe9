"""race: many citizens booking the same slot at the same moment; exactly one may win."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.figures import Figure, Target
from bench.load import Client, Request, fire_together
from bench.suite import Context, benchmark, require_feature

WHAT = "64 concurrent bookings of one slot"
CLIENTS = 64


@dataclass
class RaceScenario:
    requests: list[Request]  # CLIENTS bookings of the same slot, each by a different citizen
    count_bookings: Callable[[], int]  # bookings of that slot in the database
    created: int = 201


def seed_race(*, clients: int) -> RaceScenario:
    """One free slot and ``clients`` citizens who each try to book it.

    One counsellor with the weekly hours of ``bench.rows.appointment_seed`` (in
    a Jobcenter of its own); the slot is their first free in-person time of the
    coming days. Every request names the same type, start, channel and
    counsellor, each with its own citizen's session.
    """
    require_feature("appointments.services", "race")
    from bench.auth import session_headers
    from bench.rows import appointment_seed as seed
    from portal.constants import Role

    first, last = seed.period(14)
    where = seed.office("race")
    (counsellor,) = seed.counsellors(where, count=1, first=first, last=last)
    counsellor_id, start, _end, _location_id = next(t for t in seed.free_times(where, first=first, last=last) if t[3])
    citizens = seed.users(where.jobcenter, count=clients, role=Role.CITIZEN, label="citizen")
    body = {
        "appointment_type": str(where.appointment_type.public_id),
        "start": start.isoformat(),
        "channel": "in_person",
        "counsellor": str(counsellor.public_id),
    }
    requests = [Request.json("POST", "/api/v1/appointments/", body, headers=session_headers(c)) for c in citizens]
    return RaceScenario(requests, count_bookings=lambda: seed.occupying(counsellor_id=counsellor_id, start=start))


def _send(request: Request) -> Callable[[Client], object]:
    body = request.body.encode() if request.body is not None else None
    return lambda client: client.request(request.method, request.path, body=body, headers=request.headers)


@benchmark("race", WHAT)
def race(ctx: Context) -> list[Figure]:
    scenario = seed_race(clients=CLIENTS)
    portal = ctx.portal()
    answers = fire_together(
        [_send(r) for r in scenario.requests], base_url=portal.base_url, headers=[{}] * len(scenario.requests)
    )
    statuses: dict[object, int] = {}
    for a in answers:
        key = a.status if hasattr(a, "status") else type(a).__name__
        statuses[key] = statuses.get(key, 0) + 1
    successes = statuses.get(scenario.created, 0)
    rows = scenario.count_bookings()
    note = f"answers: {dict(sorted(statuses.items(), key=str))}"
    return [
        Figure("race", "successes", successes, "count", targets=[Target("==", 1, on="value")], note=note),
        Figure("race", "rows", rows, "count", targets=[Target("==", 1, on="value")]),
    ]
