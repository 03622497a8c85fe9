"""What the access matrix needs to call an operation: the operations of the
OpenAPI schema (drf-spectacular's own generator) and the other routes under
``/api/v1/``, and how to fill in paths, query strings and bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


def schema_operations() -> set[str]:
    """``"METHOD /api/v1/path/{param}/"`` for every operation in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops if method in METHODS}


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def api_routes() -> set[str]:
    """Every route under ``/api/v1/`` as an OpenAPI-style path (``{param}``)."""
    routes = set()
    for route in _walk(get_resolver().url_patterns):
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path groups
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("^", "").replace("$", "").replace("/?", "/")
        if route.startswith("api/v1/"):
            routes.add("/" + route)
    return routes


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    body: dict | None = None
    fmt: str = "json"


def _future_start(days: int, hour: int = 10) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00+01:00"


def bodies(ids: dict[str, str]) -> dict[str, dict]:
    """A valid body per write operation, so that refusals come from access
    checks and not from validation."""
    today = timezone.localdate()
    return {
        "POST /api/v1/applications/": {"jobcenter": ids["jobcenter"]},
        "PATCH /api/v1/applications/{application_id}/assets/": {"has_assets": True},
        "POST /api/v1/applications/{application_id}/assets/entries/": {
            "member": ids["applicant_member"],
            "kind": "savings",
            "value": "10.00",
        },
        "PATCH /api/v1/applications/{application_id}/assets/entries/{entry_id}/": {"value": "11.00"},
        "PATCH /api/v1/applications/{application_id}/bank-account/": {"iban": "DE02120300000000202051"},
        "POST /api/v1/applications/{application_id}/documents/": {},  # multipart, see call_for
        "PATCH /api/v1/applications/{application_id}/health-insurance/{member_id}/": {"kind": "statutory"},
        "POST /api/v1/applications/{application_id}/household/": {
            "relationship": "child",
            "first_name": "Neu",
            "last_name": "Kind",
            "birth_date": "2019-01-01",
        },
        "PATCH /api/v1/applications/{application_id}/household/{member_id}/": {"first_name": "Kasi"},
        "PATCH /api/v1/applications/{application_id}/housing/": {"base_rent": "430.00"},
        "PATCH /api/v1/applications/{application_id}/income/": {"has_income": True},
        "POST /api/v1/applications/{application_id}/income/entries/": {
            "member": ids["applicant_member"],
            "kind": "employment",
            "gross_monthly": "100.00",
            "net_monthly": "90.00",
        },
        "PATCH /api/v1/applications/{application_id}/income/entries/{entry_id}/": {"net_monthly": "95.00"},
        "POST /api/v1/applications/{application_id}/lodge/": {},
        "POST /api/v1/applications/{application_id}/messages/": {"body": "Eine Frage."},
        "POST /api/v1/applications/{application_id}/messages/read/": {},
        "PATCH /api/v1/applications/{application_id}/personal/": {"city": "Kaiserslautern"},
        "POST /api/v1/applications/{application_id}/submit/": {},
        "POST /api/v1/applications/{application_id}/withdraw/": {"reason": "Arbeit gefunden."},
        "POST /api/v1/appointments/": {
            "appointment_type": ids["appointment_type"],
            "start": _future_start(9),
            "channel": "phone",
        },
        "POST /api/v1/appointments/{public_id}/attended/": {},
        "POST /api/v1/appointments/{public_id}/cancel/": {"reason": "krank"},
        "POST /api/v1/appointments/{public_id}/confirm/": {},
        "POST /api/v1/appointments/{public_id}/no-show/": {},
        "POST /api/v1/appointments/{public_id}/request-change/": {"note": "Da habe ich einen Arzttermin."},
        "POST /api/v1/appointments/{public_id}/reschedule/": {"start": _future_start(10)},
        "POST /api/v1/appointments/{public_id}/video/guests/": {
            "kind": "person_of_trust",
            "display_name": "Beistand Bernd",
            "email": "bernd@example.org",
        },
        "PUT /api/v1/counsellor/availability/": {"languages": ["de"], "rules": [], "exceptions": []},
        "POST /api/v1/invitations/": {
            "citizen": ids["citizen_a"],
            "appointment_type": ids["appointment_type"],
            "start": _future_start(12),
            "channel": "phone",
            "purpose": "placement",
        },
        "POST /api/v1/invitations/{public_id}/cancel/": {"reason": "Termin entfällt"},
        "POST /api/v1/invitations/{public_id}/reschedule/": {"start": _future_start(13)},
        "PATCH /api/v1/me/": {"first_name": "Wilma"},
        "POST /api/v1/queue/applications/{application_id}/assign/": {"assignee": ids["staff"]},
        "POST /api/v1/queue/applications/{application_id}/decision/": {
            "outcome": "approved",
            "starts_on": today.replace(day=1).isoformat(),
            "text": "Bewilligt.",
        },
        "POST /api/v1/queue/applications/{application_id}/document-requests/": {"description": "Mietvertrag"},
        "POST /api/v1/queue/applications/{application_id}/document-requests/{request_id}/accept/": {},
        "POST /api/v1/queue/applications/{application_id}/document-requests/{request_id}/reject/": {
            "reason": "unleserlich"
        },
        "POST /api/v1/queue/applications/{application_id}/hand-over/": {"team": ids["team"]},
        "POST /api/v1/queue/applications/{application_id}/messages/": {"body": "Danke."},
        "POST /api/v1/queue/applications/{application_id}/notes/": {"body": "geprüft"},
        "POST /api/v1/queue/applications/{application_id}/release/": {},
        "POST /api/v1/queue/applications/{application_id}/transition/": {"target": "in_review"},
        "POST /api/v1/queue/applications/claim-next/": {},
        "POST /api/v1/video/check/": {"type": "offer", "sdp": "v=0"},
    }


# Which of A's objects a path parameter names, where it is not the default.
DEFAULT_PARAMS = {
    "application_id": "application",
    "member_id": "member",
    "document_id": "document",
    "request_id": "request",
    "public_id": "video",
    "guest_id": "guest",
    "check_id": "guest",  # an id no check has: the check of A is not an object of A's case
}
PARAMS = {
    "GET /api/v1/applications/{application_id}/decision/": {"application_id": "decided"},
    "GET /api/v1/applications/{application_id}/decision/document/": {"application_id": "decided"},
    "GET /api/v1/queue/applications/{application_id}/decision/": {"application_id": "decided"},
    "GET /api/v1/queue/applications/{application_id}/decision/document/": {"application_id": "decided"},
    "GET /api/v1/applications/{application_id}/receipt.pdf": {"application_id": "application"},
    "PATCH /api/v1/applications/{application_id}/health-insurance/{member_id}/": {"member_id": "applicant_member"},
    "POST /api/v1/appointments/{public_id}/confirm/": {"public_id": "invitation"},
    "POST /api/v1/appointments/{public_id}/request-change/": {"public_id": "invitation"},
    "GET /api/v1/invitations/{public_id}/": {"public_id": "invitation"},
    "POST /api/v1/invitations/{public_id}/cancel/": {"public_id": "invitation"},
    "POST /api/v1/invitations/{public_id}/reschedule/": {"public_id": "invitation"},
}
for _kind in ("income", "assets"):
    for _method in ("GET", "PATCH", "DELETE"):
        PARAMS[f"{_method} /api/v1/applications/{{application_id}}/{_kind}/entries/{{entry_id}}/"] = {
            "entry_id": "income_entry" if _kind == "income" else "asset_entry"
        }


def queries(ids: dict[str, str]) -> dict[str, str]:
    today = timezone.localdate()
    week = f"from={today.isoformat()}&to={(today + timedelta(days=13)).isoformat()}"
    return {
        "GET /api/v1/audit-events/": f"object_type=applications.application&object_id={ids['application']}",
        "GET /api/v1/slots/": f"appointment_type={ids['appointment_type']}&{week}",
        "GET /api/v1/appointment-stats/": week,
        "GET /api/v1/counsellor/agenda/": week,
    }


def call_for(op: str, ids: dict[str, str], upload) -> Call:
    method, template = op.split(" ", 1)
    params = {**DEFAULT_PARAMS, **PARAMS.get(op, {})}

    def fill(match: re.Match) -> str:
        return ids[params[match.group(1)]]

    url = re.sub(r"\{(\w+)\}", fill, template)
    query = queries(ids).get(op)
    if query:
        url = f"{url}?{query}"
    if op == "POST /api/v1/applications/{application_id}/documents/":
        return Call(method, url, {"file": upload(), "document_request": ids["request"]}, fmt="multipart")
    return Call(method, url, bodies(ids).get(op) if method != "GET" and method != "DELETE" else None)
