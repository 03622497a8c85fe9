"""PostgreSQL stops (like a crash) under a mixed load and comes back.

1. Before: the load runs on a healthy stack.
2. PostgreSQL is killed (``pg_ctl -m immediate``). Every answer is either a
   normal one (a request that finished before) or a 503 problem body with
   ``Retry-After``: no 500, no traceback, no dropped connection. ``/readyz``
   says the database is unavailable.
3. PostgreSQL starts again. The same portal process serves again by itself.
4. Nothing acknowledged is lost, nothing refused was written, and no write is
   half done (every profile change and booking has its audit event). A booking
   answered 503 is in doubt (its commit may have reached the database just
   before it died); the client's retry is then refused, and that is correct.

A second test freezes PostgreSQL instead (SIGSTOP on all its processes: the
sockets stay open and nobody answers, like a hung server or VM): requests
answer 503 within the configured bounds (``DB_CONNECT_TIMEOUT``,
``DB_QUERY_DEADLINE``: portal/database.py), the worker's threads are not held,
and everything serves again after SIGCONT.

Both run twice: with the connection pool (``DB_POOL=true``, the default) and
without it (``DB_POOL=false``, a new connection per request).

Our own PostgreSQL, Redis and portal (tests/security/services.py): the
machine's shared services are never touched.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from tests.security.conftest import CITIZEN_PASSWORD, CITIZENS
from tests.security.load import Citizen, MixedLoad, app_login, bookable_slots, share_slots
from tests.security.services import Portal, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# DB_CONNECT_TIMEOUT=2 and DB_QUERY_DEADLINE=3 in the fault stack (services.portal_env):
# a request meets at most a few such waits (pool check, session, the view's queries).
HANG_ANSWER_WITHIN = 15


@pytest.fixture(scope="module", params=["pool", "no-pool"])
def fault_stack(request, stack, tmp_path_factory):
    """The shared fault stack, served with the pool or by a second portal without it."""
    postgres, redis, portal = stack
    if request.param == "pool":
        yield stack
        return
    unpooled = Portal(env={**portal.env, "DB_POOL": "false"}, log=tmp_path_factory.mktemp("nopool") / "daphne.log")
    unpooled.start()
    try:
        yield postgres, redis, unpooled
    finally:
        unpooled.stop()


def assert_no_internals(answer) -> None:
    text = answer.body.decode(errors="replace")
    assert "Traceback" not in text and "psycopg" not in text and "OperationalError" not in text, text[:500]


def test_it_answers_503_while_postgres_is_down_and_recovers_without_losing_anything(fault_stack):
    postgres, _redis, portal = fault_stack
    citizens = [
        Citizen(f"fault{n}@example.org", app_login(portal, f"fault{n}@example.org", CITIZEN_PASSWORD))
        for n in range(CITIZENS)
    ]
    appointment_type, slots = bookable_slots(portal, citizens[0].token)
    share_slots(slots, citizens)
    load = MixedLoad(portal, citizens, appointment_type).start()
    try:
        time.sleep(1.5)
        load.phase = "down"
        postgres.stop("immediate")
        time.sleep(2)
        status, headers, body = portal.request("GET", "/readyz")
        ready = json.loads(body)
        # Paths where the database fails outside DRF: a cookie session loaded by a
        # middleware, allauth's login, the admin site, a public list.
        cookie = {"Cookie": "sessionid=0123456789abcdefghijklmnopqrstuv"}
        probes = {
            "cookie": portal.request("GET", "/api/v1/me/", headers=cookie),
            "login": portal.request(
                "POST", "/_allauth/app/v1/auth/login", {"email": citizens[0].email, "password": CITIZEN_PASSWORD}
            ),
            "admin": portal.request("GET", "/admin/", headers=cookie),
            "public": portal.request("GET", "/api/v1/locations/"),
        }
        load.phase = "restarting"
        postgres.start()

        def serving_again():
            return [a for a in load.answers if a.phase == "restarting" and a.kind == "me" and a.status == 200]

        wait_for(serving_again, timeout=30, what="the portal serving again after PostgreSQL came back")
        load.phase = "after"
        time.sleep(1.5)
    finally:
        load.stop()

    # While down: /readyz says why.
    assert status == 503
    assert headers["Content-Type"] == "application/problem+json"
    assert ready["checks"]["database"] == "unavailable"
    assert ready["checks"]["cache"] == "ok"

    for name, (probe_status, probe_headers, probe_body) in probes.items():
        assert probe_status == 503, (name, probe_status, probe_body[:300])
        assert probe_headers.get("Retry-After") == "5", name
        assert b"Traceback" not in probe_body and b"psycopg" not in probe_body, name
        if name != "admin":
            assert probe_headers["Content-Type"] == "application/problem+json", name
            assert json.loads(probe_body)["code"] == "service_unavailable", name

    answers = load.answers
    by_phase = {phase: [a for a in answers if a.phase == phase] for phase in ("before", "down", "restarting", "after")}
    assert all(by_phase.values()), {phase: len(a) for phase, a in by_phase.items()}
    for answer in answers:
        assert answer.status != 0, "a connection was dropped instead of answered"
        assert answer.status != 500, answer.body[:500]
        assert_no_internals(answer)
        if answer.status >= 400:
            assert answer.content_type == "application/problem+json", (answer.status, answer.body[:300])
    for phase in ("before", "after"):
        within = [a for a in by_phase[phase] if a.phase_end == phase]  # not in flight at a change
        assert {a.status for a in within} <= {200, 201, 409}, [
            (a.kind, a.status, a.body[:200]) for a in within if a.status not in (200, 201, 409)
        ]
    unavailable = [a for a in by_phase["down"] if a.status == 503]
    assert unavailable, "no request saw the outage"
    for answer in unavailable:
        assert answer.json()["code"] == "service_unavailable"
        assert answer.headers.get("Retry-After") == "5"
    assert {a.status for a in by_phase["down"]} <= {200, 201, 409, 503}

    # Nothing acknowledged was lost, nothing refused was written, nothing half done.
    emails = [c.email for c in citizens]
    rows = postgres.query(
        """SELECT u.email, u.version,
                  (SELECT count(*) FROM portal_auditevent e
                    WHERE e.action = 'user.update' AND e.object_id = u.public_id::text)
           FROM portal_user u WHERE u.email = ANY(%s)""",
        (emails,),
    )
    versions = {email: (version, audited) for email, version, audited in rows}
    appointments = postgres.query(
        """SELECT a.public_id::text, u.email, a.start,
                  (SELECT count(*) FROM portal_auditevent e
                    WHERE e.action = 'appointment.book' AND e.object_id = a.public_id::text)
           FROM appointments_appointment a JOIN portal_user u ON u.id = a.citizen_id
           WHERE u.email = ANY(%s)""",
        (emails,),
    )
    stored = {public_id: (email, start, audited) for public_id, email, start, audited in appointments}
    for citizen in citizens:
        version, audited = versions[citizen.email]
        assert version - 1 >= citizen.acked_patches > 0, (citizen.email, version, citizen.acked_patches)
        assert audited == version - 1, "a profile change without its audit event (or the reverse)"
        for public_id in citizen.acked_bookings:
            assert public_id in stored, f"acknowledged booking {public_id} was lost"
            assert stored[public_id][0] == citizen.email
    assert sum(len(c.acked_bookings) for c in citizens) > 0
    assert all(audited == 1 for _, _, audited in stored.values()), "a booking without its audit event"
    refused = {
        (c.email, datetime.fromisoformat(s["start"]))
        for c in citizens
        for s in c.refused_bookings
        if s["start"] not in c.in_doubt_starts
    }
    assert not refused & {(email, start) for email, start, _ in stored.values()}, "a refused booking was stored"


def timed(portal, method: str, path: str, **kwargs) -> tuple[int, dict, bytes, float]:
    started = time.monotonic()
    status, headers, body = portal.request(method, path, timeout=60, **kwargs)
    return status, headers, body, time.monotonic() - started


def test_it_answers_503_in_bounded_time_while_postgres_hangs_and_serves_again_after(fault_stack):
    postgres, _redis, portal = fault_stack
    token = app_login(portal, "fault1@example.org", CITIZEN_PASSWORD)
    auth = {"X-Session-Token": token}
    cookie = {"Cookie": "sessionid=0123456789abcdefghijklmnopqrstuv"}
    assert portal.request("GET", "/api/v1/me/", headers=auth)[0] == 200
    # More requests at once than the pool has connections (DB_POOL_MAX_SIZE=20 by default).
    probes = [("GET", "/api/v1/me/", {"headers": auth})] * 16 + [
        ("GET", "/api/v1/locations/", {}),
        ("GET", "/api/v1/me/", {"headers": cookie}),
        ("PATCH", "/api/v1/me/", {"headers": {**auth, "If-Match": '"1"'}, "body": {"phone": "0631 1234"}}),
        (
            "POST",
            "/_allauth/app/v1/auth/login",
            {"body": {"email": "fault2@example.org", "password": CITIZEN_PASSWORD}},
        ),
        ("GET", "/readyz", {}),
    ]

    postgres.pause()
    try:
        with ThreadPoolExecutor(len(probes)) as pool:
            answers = list(pool.map(lambda probe: timed(portal, probe[0], probe[1], **probe[2]), probes))
        # The threads that waited were let go: the worker still answers at once.
        alive, _, _, alive_seconds = timed(portal, "GET", "/healthz")
        second = timed(portal, "GET", "/api/v1/me/", headers=auth)
    finally:
        postgres.resume()

    for (method, path, _), (status, headers, body, seconds) in zip(probes, answers, strict=True):
        assert status == 503, (method, path, status, body[:300])
        assert seconds < HANG_ANSWER_WITHIN, (method, path, seconds)
        assert headers.get("Retry-After") == "5", (method, path)
        assert headers["Content-Type"] == "application/problem+json", (method, path)
        assert b"Traceback" not in body and b"psycopg" not in body, (method, path)
    assert json.loads(answers[-1][2])["checks"]["database"] == "unavailable"
    assert alive == 200 and alive_seconds < 2
    assert second[0] == 503 and second[3] < HANG_ANSWER_WITHIN

    def serving_again():
        return portal.request("GET", "/api/v1/me/", headers=auth)[0] == 200

    wait_for(serving_again, timeout=30, what="the portal serving again after PostgreSQL woke up")
    assert portal.request("GET", "/readyz")[0] == 200
    status, _, body = portal.request("GET", "/api/v1/me/", headers=auth)
    assert json.loads(body)["email"] == "fault1@example.org"
