"""submit: the whole citizen flow, from an empty application to a submitted one."""

from __future__ import annotations

from bench.figures import Figure
from bench.files import pdf_of_size
from bench.load import Client, closed_loop
from bench.suite import Context, adapter_missing, benchmark, require_feature
from bench.ws import percentile

WHAT = "whole citizen flow: create, fill all sections, upload a 1 MB PDF, submit"
CLIENTS = 8


def seed_citizens(*, count: int) -> list[dict[str, str]]:
    """TODO(applications): ``count`` citizens of one Jobcenter; return their
    ``bench.auth.session_headers(citizen)``. Each flow creates a new application,
    so a citizen who may hold only one open application needs one citizen per flow:
    then return many more (the suite hands each flow the next unused one)."""
    require_feature("applications.services", "submit")
    raise adapter_missing("submit", "seed_citizens")


def submit_flow(client: Client, *, pdf: bytes) -> None:
    """TODO(applications): one citizen's whole flow through the API, raising on any unexpected answer.

    1. ``POST /api/v1/applications/`` (create), 2. ``PATCH`` every section with
    realistic data (person, household, income, lodging (KdU), bank account),
    3. upload ``pdf`` as evidence (multipart, ``client.request(..., body=...,
    headers={"Content-Type": "multipart/form-data; boundary=..."})``),
    4. submit; assert the final status says "submitted".
    """
    raise adapter_missing("submit", "submit_flow")


@benchmark("submit", WHAT)
def submit(ctx: Context) -> list[Figure]:
    pdf = pdf_of_size(1024 * 1024)
    portal = ctx.portal()
    citizens = iter(seed_citizens(count=CLIENTS * 200))

    def step(client: Client) -> str:
        client.headers.update(next(citizens))
        submit_flow(client, pdf=pdf)
        return "flow"

    clients = [Client(portal.base_url) for _ in range(CLIENTS)]
    closed_loop(clients[:2], step, seconds=ctx.timing.warmup)
    result = closed_loop(clients, step, seconds=ctx.timing.measure)
    note = f"{CLIENTS} citizens at once" + (
        f"; {len(result.errors)} failed: {result.errors[0]}" if result.errors else ""
    )
    flows = [ms for ms in result.latencies_ms]
    return [
        Figure("submit", "flows/s", result.rate("flow"), "flows/s", note=note),
        Figure("submit", "flow p99", percentile(flows, 99), "ms"),
    ]
