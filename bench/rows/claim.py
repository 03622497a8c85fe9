"""claim: benefits staff taking the next submitted application off the queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Answer, Client, Request, closed_loop
from bench.suite import Context, adapter_missing, benchmark, require_feature
from bench.ws import percentile

WHAT = "32 staff calling claim-next on 2,000 submitted applications"
APPLICATIONS = 2000


@dataclass
class ClaimScenario:
    requests: list[Request]  # one claim-next request per staff member (with that person's session header)
    claimed_id: Callable[[Answer], str | None]  # the application an answer handed out; None: nothing claimed
    duplicates: Callable[[], int]  # applications the database shows claimed more than once (history rows)
    claimed: int = 200  # status of a successful claim
    empty: int = 204  # status when the queue is empty


def seed_queue(*, applications: int, staff: int) -> ClaimScenario:
    """TODO(casework): a queue of ``applications`` submitted applications and ``staff`` people working it.

    1. A Jobcenter with a benefits team; ``staff`` staff members in the team
       (``bench.auth.session_headers(user)`` gives them MFA sessions).
    2. ``applications`` applications in the submitted state, in bulk (a
       complete application's sections are not needed for claiming).
    3. Return ``ClaimScenario([Request("POST", "/api/v1/<claim-next>/",
       headers=session_headers(s)) for s in staff], claimed_id=lambda a:
       a.json()["id"] if a.status == 200 else None, duplicates=lambda: <count
       of applications with more than one claim in the history>, empty=<status>)``.
    Each call seeds a fresh queue (the suite runs it with 32 and with 1 claimer).
    """
    require_feature("casework", "claim")
    raise adapter_missing("claim", "seed_queue")


def drain(ctx: Context, staff: int) -> tuple[float, int, list[float], dict[str, int]]:
    """Every staff member claims in a loop until the queue is empty; claims/s, duplicates, latencies."""
    scenario = seed_queue(applications=APPLICATIONS, staff=staff)
    portal = ctx.portal()
    seen: set[str] = set()
    twice: list[str] = []
    requests = iter(scenario.requests)

    def step_for(request: Request):
        body = request.body.encode() if request.body is not None else None

        def step(client: Client) -> str:
            answer = client.request(request.method, request.path, body=body, headers=request.headers)
            if answer.status == scenario.empty:
                return "empty"
            claimed = scenario.claimed_id(answer) if answer.status == scenario.claimed else None
            if claimed is None:
                return f"status {answer.status}"
            if claimed in seen:
                twice.append(claimed)
            seen.add(claimed)
            return "claimed"

        return step

    clients = [Client(portal.base_url) for _ in range(staff)]
    steps = {id(c): step_for(next(requests)) for c in clients}
    result = closed_loop(clients, lambda c: steps[id(c)](c), seconds=120, stop_on={"empty"})
    duplicates = len(twice) + scenario.duplicates()
    return result.rate("claimed"), duplicates, result.latencies_ms, result.outcomes


@benchmark("claim", WHAT, needs=("raw-claim",))
def claim(ctx: Context) -> list[Figure]:
    raw = ctx.data.get("raw-claim")
    if raw is None:
        raise NotMeasured("the raw-claim row did not measure")
    drain(ctx, 4)  # warm-up: connections, plans, caches
    many, dup_many, lat_many, outcomes_many = drain(ctx, 32)
    one, dup_one, _, _ = drain(ctx, 1)
    return [
        Figure(
            "claim",
            "claims/s, 32 staff",
            many,
            "claims/s",
            ratio=ratio(many, raw.claims_per_s),
            ratio_of="raw SKIP LOCKED claims/s, 32 connections",
            targets=[Target(">=", 0.5)],
            note=f"p99 {percentile(lat_many, 99):.1f} ms; answers {outcomes_many}",
        ),
        Figure(
            "claim",
            "32 / 1 claimer",
            ratio(many, one),
            "",
            targets=[Target(">=", 0.8, on="value")],
            note=f"1 claimer: {one:.0f} claims/s",
        ),
        Figure("claim", "duplicates", dup_many + dup_one, "count", targets=[Target("==", 0, on="value")]),
    ]
