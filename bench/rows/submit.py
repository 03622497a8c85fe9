"""submit: the whole citizen flow, from an empty application to a submitted one."""

from __future__ import annotations

from bench.figures import Figure
from bench.files import pdf_of_size
from bench.load import Client, closed_loop
from bench.suite import Context, benchmark, require_feature
from bench.ws import percentile

WHAT = "whole citizen flow: create, fill all sections, upload a 1 MB PDF, submit"
CLIENTS = 8


_JOBCENTER: dict[str, str] = {}  # the bench Jobcenter's public id, for the create request


def seed_citizens(*, count: int) -> list[dict[str, str]]:
    """``count`` new citizens (one per flow: a citizen may hold one open application),
    each as ``bench.auth.session_headers(citizen)``; the Jobcenter is a bench one."""
    require_feature("applications.services", "submit")
    import uuid

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from bench.auth import session_headers
    from portal.constants import Role
    from portal.models import Jobcenter, User

    jobcenter, _ = Jobcenter.objects.get_or_create(
        slug="bench-submit", defaults={"name": "Jobcenter Bench", "reference_prefix": "BS"}
    )
    _JOBCENTER["id"] = str(jobcenter.public_id)
    run = uuid.uuid4().hex[:8]
    password = make_password(None)  # unusable: these citizens log in through their session token only
    users = User.objects.bulk_create(
        User(email=f"bench-submit-{run}-{n}@bench.example", first_name="Олена", last_name="Bench", password=password)
        for n in range(count)
    )
    group = Group.objects.get(name=Role.CITIZEN.value)
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
    return [session_headers(user, mfa=False) for user in users]


def _expect(answer, status: int, step: str):
    if answer.status != status:
        raise AssertionError(f"{step}: {answer.status} {answer.body[:300]!r}")
    data = answer.json()
    if isinstance(data, dict) and data.get("rejected"):
        raise AssertionError(f"{step}: rejected {data['rejected']}")
    return data


def _multipart(pdf: bytes) -> tuple[bytes, str]:
    boundary = "bench-submit-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="checklist_key"\r\n\r\nother\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="Kontoauszug.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def submit_flow(client: Client, *, pdf: bytes) -> None:
    """One citizen's whole flow through the API, raising on any unexpected answer:
    create, every section, one income entry, a PDF upload, submit."""
    import uuid

    created = _expect(
        client.request("POST", "/api/v1/applications/", json_body={"jobcenter": _JOBCENTER["id"]}), 201, "create"
    )
    base = created["url"]
    applicant = created["household"][0]["id"]
    sections = [
        (
            "personal/",
            {
                "first_name": "Олена",
                "last_name": "Коваленко",
                "birth_date": "1988-05-17",
                "birth_place": "Київ",
                "nationality": "UA",
                "marital_status": "single",
                "street": "Marktstraße 1",
                "postcode": "67655",
                "city": "Kaiserslautern",
            },
        ),
        (
            "housing/",
            {
                "housing_type": "rent",
                "floor_area_m2": "48.50",
                "persons": 1,
                "base_rent": "420.00",
                "service_charges": "110.00",
                "heating_costs": "75.00",
            },
        ),
        ("assets/", {"has_assets": False}),
        (f"health-insurance/{applicant}/", {"kind": "statutory", "insurer": "AOK"}),
        ("bank-account/", {"iban": "DE89370400440532013000", "account_holder": "Olena Kovalenko"}),
    ]
    for path, data in sections:
        _expect(client.request("PATCH", base + path, json_body=data), 200, path)
    income = {"member": applicant, "kind": "employment", "gross_monthly": "600.00", "net_monthly": "480.00"}
    _expect(client.request("POST", base + "income/entries/", json_body=income), 201, "income")
    body, content_type = _multipart(pdf)
    _expect(
        client.request("POST", base + "documents/", body=body, headers={"Content-Type": content_type}), 201, "upload"
    )
    submitted = _expect(
        client.request(
            "POST", base + "submit/", headers={"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"}
        ),
        200,
        "submit",
    )
    if submitted["status"] != "submitted":
        raise AssertionError(f"submit: status {submitted['status']}")


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
