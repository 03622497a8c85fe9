"""race: many citizens booking the same slot at the same moment; exactly one may win."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.figures import Figure, Target
from bench.load import Client, Request, fire_together
from bench.suite import Context, adapter_missing, benchmark, require_feature

WHAT = "64 concurrent bookings of one slot"
CLIENTS = 64


@dataclass
class RaceScenario:
    requests: list[Request]  # CLIENTS bookings of the same slot, each by a different citizen
    count_bookings: Callable[[], int]  # bookings of that slot in the database
    created: int = 201


def seed_race(*, clients: int) -> RaceScenario:
    """TODO(appointments): one free slot and ``clients`` citizens who each try to book it.

    Return ``RaceScenario([Request.json("POST", "/api/v1/appointments/", {...the
    slot...}, headers=session_headers(citizen_i)) for i in range(clients)],
    count_bookings=lambda: <live bookings of that counsellor at that time>)``.
    """
    require_feature("appointments.services", "race")
    raise adapter_missing("race", "seed_race")


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
