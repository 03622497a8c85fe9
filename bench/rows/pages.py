"""pages: the server side of two web pages, read against the floor (issue #18).

- the citizen overview ``GET /overview/`` (panels of every app, portal/web/overview.py),
  for a citizen with one submitted application;
- the staff queue ``GET /workbench/`` for a member of a team with 200 queued cases.

Both with the session cookie the web login writes (``bench.auth.session_cookie``;
the staff member's with the second factor). Target: server p50 <= 3 x floor p50.
"""

from __future__ import annotations

from bench.figures import Figure, NotMeasured, Target, ratio
from bench.load import Request, measure_http
from bench.suite import Context, benchmark, require_feature

WHAT = "server p50 of the citizen overview (/overview/) and the staff queue (/workbench/), 1 connection"
QUEUED = 200


def seed_pages() -> dict[str, Request]:
    """A queue of ``QUEUED`` cases with one staff member (``bench.rows.claim.seed_queue``)
    and one of its citizens; a request per page with that person's session cookie."""
    require_feature("casework.web.views", "pages")
    from applications.models import Application
    from bench.auth import session_cookie
    from bench.rows.claim import seed_queue

    queue = seed_queue(applications=QUEUED, staff=1)
    staff_session = queue.requests[0].headers["X-Session-Token"]
    citizen = Application.objects.filter(assigned_to__isnull=True).order_by("-id").first().applicant
    return {
        "overview": Request("GET", "/overview/", headers=session_cookie(citizen)),
        "workbench": Request("GET", "/workbench/", headers=session_cookie(None, session_key=staff_session)),
    }


@benchmark("pages", WHAT, needs=("floor",))
def pages(ctx: Context) -> list[Figure]:
    floor = ctx.data.get("floor")
    if floor is None:
        raise NotMeasured("the floor row did not measure")
    portal = ctx.portal()
    figures = []
    for request in seed_pages().values():
        result = measure_http(
            portal.base_url,
            timing=ctx.timing,
            requests=[request],
            connections=ctx.connections,
            server_pids=portal.pids(),
        )
        for phase in (result.latency, result.load):
            bad = {s: n for s, n in phase.statuses.items() if s != 200}
            if not phase.requests or bad:
                raise RuntimeError(f"pages {request.path}: answers other than 200: {bad} (a login redirect is 302)")
        figures.append(
            Figure(
                "pages",
                f"{request.path} p50",
                result.p50_ms,
                "ms",
                ratio=ratio(result.p50_ms, floor.p50_ms),
                ratio_of="floor p50",
                targets=[Target("<=", 3)],
                note=f"1 connection; p99 {result.p99_ms:.1f} ms; {result.rps:.0f} req/s at {ctx.connections} connections",
            )
        )
    return figures
