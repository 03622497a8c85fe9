"""Schemathesis against the OpenAPI schema at ``/api/v1/schema/``, as a citizen,
a counsellor and staff (both with a second factor): no 5xx, every response as the schema says,
no operation that declares authentication and ignores it.

A bounded run (``FUZZ_MAX_EXAMPLES`` per operation and role, default 5); ``make
fuzz`` runs a long one against a server (tests/security/fuzz.py). In-process
through Django's WSGI handler, on the test database.
"""

from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, response_schema_conformance

from bench.auth import session_headers
from tests.factories import JobcenterFactory, UserFactory

CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))


# Loaded at collection: the schema endpoint needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Django's handler closes database connections at the end of each request;
    the test client stops that (the test's transaction lives on the
    connection), and so must a request through the WSGI handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def citizen_headers(db):
    return session_headers(UserFactory(citizen=True))


@pytest.fixture
def staff_headers(db):
    """Staff (MFA recorded in the session), with a colleague team lead in the same Jobcenter."""
    jobcenter = JobcenterFactory()
    UserFactory(team_lead=True, jobcenter=jobcenter)
    return session_headers(UserFactory(staff=True, jobcenter=jobcenter))


@pytest.fixture
def counsellor_headers(db):
    return session_headers(UserFactory(counsellor=True))


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
    database=None,  # no example database left in the work tree
)


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_it_holds_to_its_schema_for_a_citizen(case, citizen_headers):
    case.call_and_validate(headers=citizen_headers, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_it_holds_to_its_schema_for_staff_with_mfa(case, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_it_holds_to_its_schema_for_a_counsellor_with_mfa(case, counsellor_headers):
    case.call_and_validate(headers=counsellor_headers, checks=CHECKS)


# --- the structural layer (tests/security/fuzz_structural.py) ---------------------------------
# Every operation of the API schema and of allauth's headless API, with bodies the
# schema cannot describe, as anonymous, citizen and staff: no answer may be a 5xx.
# In-process (no chunking through the test client; ``make fuzz`` sends chunked bodies too).


def _structural_roles():
    from tests.applications.factories import ApplicationFactory as DraftFactory
    from tests.appointments.factories import AppointmentFactory
    from tests.casework.factories import ApplicationFactory as CaseFactory

    citizen = UserFactory(citizen=True)
    staff = UserFactory(staff=True)
    UserFactory(team_lead=True, jobcenter=staff.jobcenter)
    draft = DraftFactory(applicant=citizen)
    case = CaseFactory(jobcenter=staff.jobcenter)
    appointment = AppointmentFactory(citizen=citizen)
    return {
        "anonymous": ({}, {}),
        "citizen": (
            session_headers(citizen),
            {"application_id": str(draft.public_id), "public_id": str(appointment.public_id)},
        ),
        "staff": (session_headers(staff), {"application_id": str(case.public_id)}),
    }


def _structural_operations():
    from django.test import Client

    from tests.security.fuzz_structural import operations

    client = Client()
    api = client.get("/api/v1/schema/", {"format": "json"}).json()
    allauth = client.get("/_allauth/openapi.json").json()
    return operations(api) + operations(allauth)


def _turn(operation, case, roles: int) -> int:
    """Which role sends this case at this operation (stable from run to run)."""
    return zlib.crc32(f"{operation}|{case.name}".encode()) % roles


@pytest.mark.django_db
def test_it_never_answers_5xx_to_a_hostile_structure():
    """Bounded: every case at every operation once, the role taking turns (the long
    run in ``make fuzz`` sends each case as each role, and chunked)."""
    from django.test import Client

    from tests.security.fuzz_structural import QUICK_VALUES, client_transport, run

    roles = _structural_roles()
    names = list(roles)
    client = Client(raise_request_exception=False)
    report = run(
        client_transport(client),
        _structural_operations(),
        roles,
        values=QUICK_VALUES,
        select=lambda role, op, case: role == names[_turn(op, case, len(names))],
    )
    assert report.sent > 1000
    assert report.server_errors == 0, report.summary()
