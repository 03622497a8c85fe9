"""The access-control matrix: every API operation x every role, against citizen A's objects.

Operations come from the OpenAPI schema (drf-spectacular's generator) plus the
few routes under ``/api/v1/`` that are not in it; the WebSocket route is driven
through the real ASGI stack. ``MATRIX`` below is the one table of expected
answers: an operation without a row fails ``test_it_classifies_every_operation``.

Cells: the status code each role gets. A trailing ``*`` marks the roles entitled
to A's data in that operation; every other cell is searched for everything that
identifies A (``matrix_world.World.secrets``: name, e-mail, references, IBAN, ids
of A's objects not named in the URL, message and note texts, PDF and iCalendar
bodies) and must not contain any of it. Refusals of A's objects are 401/403/404
only. Each cell runs in a savepoint that is rolled back, so a write allowed in
one cell does not change the next.

Roles: anonymous, citizen A, citizen B, A's counsellor, A's video guest
(``X-Video-Guest``), staff (A's case worker) and team lead of A's Jobcenter,
staff of another Jobcenter, admin (superuser without a Jobcenter).
"""

from __future__ import annotations

import io
import os
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction

from applications.models import Application
from appointments.models import Appointment
from portal.models import User
from tests.security.matrix_ops import api_routes, call_for, schema_operations
from tests.security.matrix_world import ROLES, STAFF_ONLY, build_world
from tests.security.uploads_corpus import pdf

# fmt: off
MATRIX: dict[str, str] = {
    # operation                                                                                  anon  a     b     couns guest staff lead  forgn admin
    "DELETE /api/v1/applications/{application_id}/":                                             "401   409*  404   403   401   403   403   403   403",
    "DELETE /api/v1/applications/{application_id}/assets/entries/{entry_id}/":                   "401   409*  404   403   401   403   403   403   403",
    "DELETE /api/v1/applications/{application_id}/documents/{document_id}/":                     "401   409*  404   403   401   403   403   403   403",
    "DELETE /api/v1/applications/{application_id}/household/{member_id}/":                       "401   409*  404   403   401   403   403   403   403",
    "DELETE /api/v1/applications/{application_id}/income/entries/{entry_id}/":                   "401   409*  404   403   401   403   403   403   403",
    "DELETE /api/v1/appointments/{public_id}/video/guests/{guest_id}/":                          "401   403*  404   204*  401   404   404   404   404",
    "DELETE /api/v1/video/check/{check_id}/":                                                    "401   404*  404   404   404   404   404   404   404",
    "GET /api/v1/applications/":                                                                 "401   200*  200   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/":                                                "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/assets/":                                         "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/assets/entries/{entry_id}/":                      "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/bank-account/":                                   "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/checklist/":                                      "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/decision/":                                       "401   200*  404   404   401   404   404   404   404",
    "GET /api/v1/applications/{application_id}/decision/document/":                              "401   200*  404   404   401   404   404   404   404",
    "GET /api/v1/applications/{application_id}/document-requests/":                              "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/document-requests/{request_id}/":                 "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/documents/":                                      "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/documents/{document_id}/":                        "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/documents/{document_id}/file/":                   "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/health-insurance/":                               "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/household/":                                      "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/household/{member_id}/":                          "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/housing/":                                        "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/income/":                                         "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/income/entries/{entry_id}/":                      "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/messages/":                                       "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/personal/":                                       "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/receipt.pdf":                                     "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/applications/{application_id}/timeline/":                                       "401   200*  404   403   401   403   403   403   403",
    "GET /api/v1/appointment-stats/":                                                            "401   403*  403   403   401   200   200   200   403",
    "GET /api/v1/appointment-types/":                                                            "200   200*  200   200   200   200   200   200   200",
    "GET /api/v1/appointments/":                                                                 "401   200*  200   200*  401   200   200   200   200",
    "GET /api/v1/appointments/{public_id}/":                                                     "401   200*  404   200*  401   404   404   404   404",
    "GET /api/v1/appointments/{public_id}/ics/":                                                 "401   200*  404   200*  401   404   404   404   404",
    "GET /api/v1/appointments/{public_id}/video/":                                               "401   200*  404   200*  200*  404   404   404   404",
    "GET /api/v1/appointments/{public_id}/video/guests/":                                        "401   200*  404   200*  401   404   404   404   404",
    "GET /api/v1/audit-events/":                                                                 "401   403*  403   403   401   200*  200*  200   403",
    "GET /api/v1/counsellor/agenda/":                                                            "401   403*  403   200*  401   403   403   403   403",
    "GET /api/v1/counsellor/availability/":                                                      "401   403*  403   200   401   403   403   403   403",
    "GET /api/v1/docs/":                                                                         "200   -     -     -     -     -     -     -     -",
    "GET /api/v1/invitations/":                                                                  "401   403*  403   200*  401   200*  200*  200   403",
    "GET /api/v1/invitations/{public_id}/":                                                      "401   403*  403   200*  401   200*  200*  404   403",
    "GET /api/v1/locations/":                                                                    "200   200*  200   200   200   200   200   200   200",
    "GET /api/v1/me/":                                                                           "401   200*  200   200   401   200   200   200   200",
    "GET /api/v1/me/data-export/":                                                               "401   200*  200   403   401   403   403   403   403",
    "GET /api/v1/queue/applications/":                                                           "401   403*  403   403   401   200*  200*  200   403",
    "GET /api/v1/queue/applications/{application_id}/":                                          "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/applications/{application_id}/decision/":                                 "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/applications/{application_id}/decision/document/":                        "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/applications/{application_id}/document-requests/":                        "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/applications/{application_id}/documents/{document_id}/":                  "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/applications/{application_id}/messages/":                                 "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/applications/{application_id}/notes/":                                    "401   403*  403   403   401   200*  200*  404   403",
    "GET /api/v1/queue/stats/":                                                                  "401   403*  403   403   401   200   200   200   403",
    "GET /api/v1/queue/unread/":                                                                 "401   403*  403   403   401   200   200   200   403",
    "GET /api/v1/schema/":                                                                       "200   -     -     -     -     -     -     -     -",
    "GET /api/v1/slots/":                                                                        "200   200*  200   200   200   200   200   200   200",
    "GET /api/v1/video/check/{check_id}/":                                                       "401   404*  404   404   404   404   404   404   404",
    "PATCH /api/v1/applications/{application_id}/assets/":                                       "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/assets/entries/{entry_id}/":                    "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/bank-account/":                                 "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/health-insurance/{member_id}/":                 "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/household/{member_id}/":                        "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/housing/":                                      "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/income/":                                       "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/income/entries/{entry_id}/":                    "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/applications/{application_id}/personal/":                                     "401   409*  404   403   401   403   403   403   403",
    "PATCH /api/v1/me/":                                                                         "401   200*  200   200   401   200   200   200   200",
    "POST /api/v1/applications/":                                                                "401   409*  201   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/assets/entries/":                                "401   409*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/documents/":                                     "401   201*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/household/":                                     "401   409*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/income/entries/":                                "401   409*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/lodge/":                                         "401   200*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/messages/":                                      "401   201*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/messages/read/":                                 "401   200*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/submit/":                                        "401   200*  404   403   401   403   403   403   403",
    "POST /api/v1/applications/{application_id}/withdraw/":                                      "401   200*  404   403   401   403   403   403   403",
    "POST /api/v1/appointments/":                                                                "401   409*  409   403   401   403   403   403   403",
    "POST /api/v1/appointments/{public_id}/attended/":                                           "401   403*  403   409*  401   403   403   403   403",
    "POST /api/v1/appointments/{public_id}/cancel/":                                             "401   409*  404   200*  401   404   404   404   404",
    "POST /api/v1/appointments/{public_id}/confirm/":                                            "401   200*  404   403   401   403   403   403   403",
    "POST /api/v1/appointments/{public_id}/no-show/":                                            "401   403*  403   409*  401   403   403   403   403",
    "POST /api/v1/appointments/{public_id}/request-change/":                                     "401   200*  404   403   401   403   403   403   403",
    "POST /api/v1/appointments/{public_id}/reschedule/":                                         "401   409*  404   409*  401   404   404   404   404",
    "POST /api/v1/appointments/{public_id}/video/guests/":                                       "401   403*  404   201*  401   404   404   404   404",
    "POST /api/v1/invitations/":                                                                 "401   403*  403   409   401   409   409   400   403",
    "POST /api/v1/invitations/{public_id}/cancel/":                                              "401   403*  403   200*  401   200*  200*  404   403",
    "POST /api/v1/invitations/{public_id}/reschedule/":                                          "401   403*  403   409   401   409   409   404   403",
    "POST /api/v1/queue/applications/claim-next/":                                               "401   403*  403   403   401   204   204   204   403",
    "POST /api/v1/queue/applications/{application_id}/assign/":                                  "401   403*  403   403   401   403   200*  403   403",
    "POST /api/v1/queue/applications/{application_id}/decision/":                                "401   403*  403   403   401   409   409   404   403",
    "POST /api/v1/queue/applications/{application_id}/document-requests/":                       "401   403*  403   403   401   201   201   404   403",
    "POST /api/v1/queue/applications/{application_id}/document-requests/{request_id}/accept/":   "401   403*  403   403   401   200*  200*  404   403",
    "POST /api/v1/queue/applications/{application_id}/document-requests/{request_id}/reject/":   "401   403*  403   403   401   200*  200*  404   403",
    "POST /api/v1/queue/applications/{application_id}/hand-over/":                               "401   403*  403   403   401   200*  200*  404   403",
    "POST /api/v1/queue/applications/{application_id}/messages/":                                "401   403*  403   403   401   201   201   404   403",
    "POST /api/v1/queue/applications/{application_id}/notes/":                                   "401   403*  403   403   401   201   201   404   403",
    "POST /api/v1/queue/applications/{application_id}/release/":                                 "401   403*  403   403   401   200*  200*  404   403",
    "POST /api/v1/queue/applications/{application_id}/transition/":                              "401   403*  403   403   401   200*  200*  404   403",
    "POST /api/v1/video/check/":                                                                 "401   400*  400   400   400   400   400   400   400",
    "PUT /api/v1/counsellor/availability/":                                                      "401   403*  403   200   401   403   403   403   403",
}
# fmt: on

NOT_IN_SCHEMA = {
    # The API's own description.
    "GET /api/v1/schema/",
    "GET /api/v1/docs/",
}


def operations() -> list[str]:
    return sorted(MATRIX)


def parse(cells: str) -> dict[str, tuple[int | None, bool]]:
    """``"401 200* 404 ..."`` -> ``{"anon": (401, False), "a": (200, True), ...}``; ``-``: not driven."""
    values = cells.split()
    assert len(values) == len(ROLES), cells
    return {
        role: (None if v == "-" else int(v.rstrip("*")), v.endswith("*")) for role, v in zip(ROLES, values, strict=True)
    }


def upload():
    handle = io.BytesIO(pdf("Nachweis"))
    handle.name = "nachweis.pdf"
    return handle


def send(client, call):
    method = call.method.lower()
    if call.body is None:
        return getattr(client, method)(call.url)
    return getattr(client, method)(call.url, call.body, format=call.fmt)


def text_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def leaks(body: str, secrets: dict[str, str], url: str) -> list[str]:
    """Labels of A's secrets in ``body`` (those named in the URL itself excepted)."""
    return [label for label, text in secrets.items() if text not in url and text in body]


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_every_operation_for_each_role_as_the_table_says(role, db, _private_storage):
    world = build_world(_private_storage)
    client = world.client(role)
    observe = os.environ.get("MATRIX_OBSERVE")
    problems, seen = [], []
    for op in sorted(schema_operations() | NOT_IN_SCHEMA) if observe else operations():
        if not observe and parse(MATRIX[op])[role][0] is None:
            continue
        call = call_for(op, world.ids, upload)
        with transaction.atomic():
            response = send(client, call)
            transaction.set_rollback(True)
        body = text_of(response)
        found = leaks(body, world.secrets, call.url)
        seen.append(f"{op} {response.status_code} {' '.join(found)}")
        if observe:
            continue
        expected, entitled = parse(MATRIX[op])[role]
        if response.status_code != expected:
            problems.append(f"{op}: {role} got {response.status_code}, table says {expected}")
        if entitled:
            if STAFF_ONLY in body and role not in ("staff", "lead"):
                problems.append(f"{op}: {role} sees an internal note")
        elif found:
            problems.append(f"{op}: {role} ({response.status_code}) sees A's {', '.join(found)}")
    if observe:
        with open(f"/tmp/matrix-{role}.txt", "w") as out:
            out.write("\n".join(seen))
    assert not problems, "\n".join(problems)


def test_it_classifies_every_operation():
    """A new endpoint fails here until it has a row in MATRIX."""
    in_schema = schema_operations()
    routes = api_routes()
    unclassified = sorted((in_schema | NOT_IN_SCHEMA) - set(MATRIX))
    stale = sorted(set(MATRIX) - in_schema - NOT_IN_SCHEMA)
    # Routes under /api/v1/ outside the schema must be listed in NOT_IN_SCHEMA (with their methods).
    schema_paths = {op.split(" ", 1)[1] for op in in_schema}
    hidden = sorted(routes - schema_paths - {op.split(" ", 1)[1] for op in NOT_IN_SCHEMA})
    assert not unclassified, f"operations without a row in MATRIX: {unclassified}"
    assert not stale, f"rows for operations that no longer exist: {stale}"
    assert not hidden, f"routes outside the schema and the matrix: {hidden}"


# --- the WebSocket route ----------------------------------------------------------------------
# ``/ws/video/<room>/`` for A's video room, each role with its own credentials: a session
# cookie (logged in) or, for the guest, the ticket its invitation key fetches. Cells: the
# first server message (``welcome`` or the error code) and the close code (0: stays open).
WS_ROUTES = {"/ws/video/{room}/"}
# fmt: off
WS_MATRIX: dict[str, str] = {
    # what                                      anon                  a          b                counsellor  guest      staff            lead             foreign          admin
    "own credentials":                         ("not_authenticated:4401 welcome:0 not_found:4404 welcome:0 welcome:0 not_found:4404 not_found:4404 not_found:4404 not_found:4404"),
    "A's token with own credentials":          ("welcome:0 welcome:0 forbidden:4403 forbidden:4403 welcome:0 forbidden:4403 forbidden:4403 forbidden:4403 forbidden:4403"),
}
# fmt: on


@pytest.fixture
def _fresh_channel_layer():
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_it_lists_every_websocket_route():
    from video.routing import websocket_urlpatterns

    routes = {"/" + str(p.pattern).replace("<str:room>", "{room}") for p in websocket_urlpatterns}
    assert routes == WS_ROUTES, "a new WebSocket route needs rows in WS_MATRIX"


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_participants_into_the_video_room(_private_storage, _fresh_channel_layer):
    from tests.video.sockets import connect, session_cookie

    world = build_world(_private_storage)
    room = world.ids["video"]
    a_token = world.client("a").get(f"/api/v1/appointments/{room}/video/").json()["token"]
    guest_token = world.client("guest").get(f"/api/v1/appointments/{room}/video/").json()["token"]

    async def attempt(*, token, cookie) -> tuple[str, str]:
        socket, connected = await connect(room, token=token, cookie=cookie)
        assert connected
        first = await socket.receive()
        outcome = "welcome" if first["type"] == "welcome" else first.get("code", first["type"])
        close = 0 if first["type"] == "welcome" else await socket.closed()
        await socket.leave()
        return f"{outcome}:{close}", str(first)

    problems = []
    for what, cells in WS_MATRIX.items():
        for role, expected in zip(ROLES, cells.split(), strict=True):
            cookie = session_cookie(world.users[role]) if role in world.users else None
            token = {"own credentials": guest_token if role == "guest" else None}.get(what, a_token)
            got, first = async_to_sync(attempt)(token=token, cookie=cookie)
            if got != expected:
                problems.append(f"{what}: {role} got {got}, table says {expected}")
            entitled = role in ("a", "counsellor", "guest") or (what != "own credentials" and role == "anon")
            if not entitled and leaks(first, world.secrets, room):
                problems.append(f"{what}: {role} sees A's {leaks(first, world.secrets, room)}")
    assert not problems, "\n".join(problems)


# --- mass assignment ------------------------------------------------------------------------
# Fields a client must never set: they are ignored (not in the input serializer) or refused.
FORGED = {
    "status": "approved",
    "reference": "KL-2026-999999",
    "applicant": None,  # filled per test with another person's id
    "owner": None,
    "assigned_to": None,
    "assignee": None,
    "team": None,
    "jobcenter_id": 1,
    "lodged_at": "2020-01-01T00:00:00Z",
    "submitted_at": "2020-01-01T00:00:00Z",
    "decided_at": "2020-01-01T00:00:00Z",
    "created_at": "2020-01-01T00:00:00Z",
    "version": 99,
    "public_id": "00000000-0000-4000-8000-000000000000",
    "id": "00000000-0000-4000-8000-000000000000",
    "snapshot": {"applicant": {"last_name": "Fälschung"}},
}


@pytest.fixture
def world(db, _private_storage):
    return build_world(_private_storage)


def forged(world, **extra) -> dict:
    other = world.ids["staff"]
    return {
        **FORGED,
        "applicant": world.ids["citizen_a"],
        "owner": world.ids["citizen_a"],
        "assigned_to": other,
        "assignee": other,
        "team": world.ids["team"],
        **extra,
    }


def test_it_ignores_forged_fields_when_an_application_is_started(world):
    response = world.client("b").post(
        "/api/v1/applications/", forged(world, jobcenter=world.ids["jobcenter"]), format="json"
    )

    assert response.status_code == 201, response.content
    application = Application.objects.get(public_id=response.json()["id"])
    assert application.applicant == world.users["b"]
    assert (application.status, application.reference, application.lodged_at) == ("draft", None, None)
    assert (application.assigned_to, application.team, application.version) == (None, None, 1)
    assert application.submitted_at is None and application.snapshot is None
    assert str(application.public_id) != FORGED["public_id"]


@pytest.mark.parametrize("section", ["personal", "housing", "income", "assets", "bank-account"])
def test_it_refuses_forged_fields_in_section_updates(world, section):
    client = world.client("b")
    created = client.post("/api/v1/applications/", {"jobcenter": world.ids["jobcenter"]}, format="json").json()
    before = Application.objects.values().get(public_id=created["id"])

    response = client.patch(f"/api/v1/applications/{created['id']}/{section}/", forged(world), format="json")

    assert response.status_code == 200, response.content
    rejected = response.json()["rejected"]
    for name in ("status", "reference", "applicant", "assigned_to", "lodged_at", "version", "snapshot"):
        assert name in rejected, (section, name, rejected)
    after = Application.objects.values().get(public_id=created["id"])
    for name in (
        "status",
        "reference",
        "applicant_id",
        "assigned_to_id",
        "team_id",
        "jobcenter_id",
        "lodged_at",
        "submitted_at",
        "snapshot",
        "public_id",
    ):
        assert after[name] == before[name], (section, name)


def test_it_ignores_forged_roles_and_organisation_on_the_profile(world):
    user = world.users["b"]
    body = {
        "first_name": "Bert",
        "roles": ["admin"],
        "is_staff": True,
        "is_superuser": True,
        "jobcenter": world.ids["jobcenter"],
        "email": "boss@example.org",
        "teams": [world.ids["team"]],
        "version": 99,
    }

    response = world.client("b").patch("/api/v1/me/", body, format="json")

    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.first_name == "Bert"
    assert (user.is_staff, user.is_superuser, user.jobcenter_id, user.email) == (
        False,
        False,
        None,
        world.users["b"].email,
    )
    assert sorted(user.roles) == ["citizen"] and not user.teams.exists()
    assert response.json()["roles"] == ["citizen"]


def test_it_ignores_forged_author_and_sender_of_a_message(world):
    app_id = world.ids["application"]

    response = world.client("a").post(
        f"/api/v1/applications/{app_id}/messages/",
        {
            "body": "Frage",
            "from_jobcenter": True,
            "author": world.ids["staff"],
            "read_by_jobcenter_at": "2020-01-01T00:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    message = Application.objects.get(public_id=app_id).messages.get(body="Frage")
    assert message.author == world.users["a"] and message.from_jobcenter is False
    assert message.read_by_jobcenter_at is None


def test_it_ignores_forged_fields_of_an_upload(world, _private_storage):
    app_id = world.ids["application"]
    body = {
        "file": upload(),
        "document_request": world.ids["request"],
        "uploaded_by": world.ids["staff"],
        "sha256": "f" * 64,
        "size": 1,
        "content_type": "text/html",
        "storage_name": "../../etc/passwd",
        "active_content": "[]",
    }

    response = world.client("a").post(f"/api/v1/applications/{app_id}/documents/", body, format="multipart")

    assert response.status_code == 201, response.content
    document = Application.objects.get(public_id=app_id).documents.get(public_id=response.json()["id"])
    assert document.uploaded_by == world.users["a"] and document.content_type == "application/pdf"
    assert document.sha256 != "f" * 64 and document.size > 1
    assert document.storage_name.startswith("documents/") and ".." not in document.storage_name


def test_it_ignores_forged_fields_of_staff_writes(world):
    app_id = world.ids["application"]
    staff = world.client("staff")
    case = f"/api/v1/queue/applications/{app_id}/"

    note = staff.post(
        case + "notes/",
        {"body": "ok", "author": world.ids["citizen_a"], "application": world.ids["decided"]},
        format="json",
    )
    request = staff.post(
        case + "document-requests/",
        {
            "description": "Mietvertrag",
            "status": "fulfilled",
            "created_by": world.ids["citizen_a"],
            "consequences_text": "Keine Folgen.",
            "consequences_version": "0",
        },
        format="json",
    )
    moved = staff.post(
        case + "transition/", forged(world, target="in_review", assigned_to=world.ids["citizen_a"]), format="json"
    )

    assert (note.status_code, request.status_code, moved.status_code) == (201, 201, 200), (
        note.content,
        request.content,
        moved.content,
    )
    app = Application.objects.get(public_id=app_id)
    from casework.models import InternalNote

    assert InternalNote.objects.get(body="ok").author == world.users["staff"]
    assert InternalNote.objects.get(body="ok").application == app
    created = app.document_requests.get(description="Mietvertrag")
    assert created.status == "open" and created.created_by == world.users["staff"]
    assert created.consequences_text != "Keine Folgen." and created.consequences_version != "0"
    assert app.status == "in_review" and app.assigned_to == world.users["staff"]
    assert app.reference != FORGED["reference"] and app.snapshot != FORGED["snapshot"]


def test_it_ignores_forged_owner_and_status_of_a_booking(world):
    from tests.appointments.factories import counsellor_with_hours, next_weekday

    appointment = world.objects["video"]
    counsellor_with_hours(appointment.appointment_type, weekdays=[2])
    day = next_weekday(2)
    body = forged(
        world,
        appointment_type=world.ids["appointment_type"],
        start=datetime.combine(day, time(9), ZoneInfo("Europe/Berlin")).isoformat(),
        channel="phone",
        status="attended",
        citizen=world.ids["citizen_a"],
        is_invitation=True,
        invited_by=world.ids["staff"],
        purpose="placement",
    )

    response = world.client("b").post("/api/v1/appointments/", body, format="json")

    assert response.status_code == 201, response.content
    booked = Appointment.objects.get(public_id=response.json()["id"])
    assert booked.citizen == world.users["b"] and booked.status == "booked"
    assert booked.is_invitation is False and booked.invited_by is None and booked.purpose == ""
    assert booked.version == 1 and str(booked.public_id) != FORGED["public_id"]


_ = User
