"""claim: benefits staff taking the next submitted application off the queue."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from uuid import uuid4

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Answer, Client, Request, closed_loop
from bench.procs import CpuMeter
from bench.rows.floor import floor_cpu_ms
from bench.suite import Context, benchmark, require_feature
from bench.ws import percentile

WHAT = "32 staff calling claim-next on 2,000 submitted applications"
APPLICATIONS = 2000
_queues = itertools.count(1)


@dataclass
class ClaimScenario:
    requests: list[Request]  # one claim-next request per staff member (with that person's session header)
    claimed_id: Callable[[Answer], str | None]  # the application an answer handed out; None: nothing claimed
    duplicates: Callable[[], int]  # applications the database shows claimed more than once (history rows)
    claimed: int = 200  # status of a successful claim
    empty: int = 204  # status when the queue is empty


def seed_queue(*, applications: int, staff: int) -> ClaimScenario:
    """A queue of ``applications`` submitted applications and ``staff`` people working it.

    1. A Jobcenter of its own with one benefits team; ``staff`` staff members in
       the team, each with an MFA session (``bench.auth.session_headers``).
    2. ``applications`` citizens (one open first application each) and their
       applications in the submitted state, already routed to the team, lodged
       a minute apart, each with the applicant's household member (the queue
       row shows the name). In bulk: the sections a complete application has are
       not needed for claiming.
    3. Claim-next requests, one per staff member; duplicates are the applications
       of this queue that the audit trail shows claimed more than once.
    Each call seeds a fresh queue (the suite runs it with 32 and with 1 claimer).
    """
    require_feature("casework.services", "claim")
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from applications.constants import ApplicationStatus, Relationship
    from applications.lodging import effective_from
    from applications.models import Application, HouseholdMember
    from bench.auth import session_headers
    from bench.rows.appointment_seed import users
    from portal.constants import Role, TeamKind
    from portal.models import AuditEvent, Jobcenter, Team

    n = next(_queues)
    run = f"{n}-{uuid4().hex[:6]}"
    jobcenter = Jobcenter.objects.create(
        name=f"Jobcenter Bench claim {run}", slug=f"bench-claim-{run}", reference_prefix="BC"
    )
    team = Team.objects.create(jobcenter=jobcenter, name="Leistungssachbearbeitung", kind=TeamKind.BENEFITS)
    people = users(jobcenter, count=staff, role=Role.STAFF, label="claim-staff")
    team.members.add(*people)
    citizens = users(None, count=applications, role=Role.CITIZEN, label="claim-citizen")
    now = timezone.now()
    rows = []
    for i, citizen in enumerate(citizens):
        lodged = now - timedelta(days=20, minutes=applications - i)  # the first seeded is the oldest
        rows.append(
            Application(
                jobcenter=jobcenter,
                applicant=citizen,
                status=ApplicationStatus.SUBMITTED,
                reference=f"BC-{run}-{i:06d}",
                lodged_at=lodged,
                effective_from=effective_from(lodged),
                submitted_at=lodged + timedelta(hours=1),
                snapshot={"applicant": {"last_name": citizen.last_name}},
                team=team,
            )
        )
    created = Application.objects.bulk_create(rows, batch_size=1000)
    HouseholdMember.objects.bulk_create(
        (
            HouseholdMember(
                application=a, relationship=Relationship.APPLICANT, first_name="Alex", last_name=f"Muster{i}"
            )
            for i, a in enumerate(created)
        ),
        batch_size=1000,
    )
    ids = [str(a.public_id) for a in created]

    def duplicates() -> int:
        return (
            AuditEvent.objects.filter(action="application.claim", object_id__in=ids)
            .values("object_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )

    return ClaimScenario(
        requests=[
            Request("POST", "/api/v1/queue/applications/claim-next/", headers=session_headers(person))
            for person in people
        ],
        claimed_id=lambda answer: answer.json()["id"] if answer.status == 200 else None,
        duplicates=duplicates,
        claimed=200,
        empty=204,
    )


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
    with CpuMeter(portal.pids()) as server:
        result = closed_loop(clients, lambda c: steps[id(c)](c), seconds=120, stop_on={"empty"})
    duplicates = len(twice) + scenario.duplicates()
    claimed = result.outcomes.get("claimed", 0)
    ctx.data[f"claim-cpu-ms-{staff}"] = server.cpu * 1000 / claimed if claimed else None
    return result.rate("claimed"), duplicates, result.latencies_ms, result.outcomes


@benchmark("claim", WHAT, needs=("floor", "raw-claim"))
def claim(ctx: Context) -> list[Figure]:
    raw = ctx.data.get("raw-claim")
    floor = ctx.data.get("floor")
    if raw is None or floor is None:
        raise NotMeasured("the raw-claim or the floor row did not measure")
    drain(ctx, 4)  # warm-up: connections, plans, caches
    many, dup_many, lat_many, outcomes_many = drain(ctx, 32)
    one, dup_one, _, _ = drain(ctx, 1)
    cpu_ms = ctx.data.get("claim-cpu-ms-32")
    return [
        Figure(
            "claim",
            "server CPU per claim, 32 staff",
            cpu_ms,
            "ms",
            ratio=ratio(cpu_ms, floor_cpu_ms(floor)),
            ratio_of="server CPU per floor request",
            targets=[Target("<=", 3)],
            note=f"p99 {percentile(lat_many, 99):.1f} ms; answers {outcomes_many}",
        ),
        Figure(
            "claim",
            "claims/s, 32 staff",
            many,
            "claims/s",
            ratio=ratio(many, raw.claims_per_s),
            ratio_of="raw SKIP LOCKED claims/s, 32 connections (the database's headroom, no target)",
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
