"""What the fuzzer found, pinned down so it stays fixed (see docs/security.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from drf_spectacular.generators import SchemaGenerator

from portal.api.problems import problem_exception_handler

pytestmark = pytest.mark.django_db


def test_it_answers_404_for_a_malformed_id_in_the_ics_path(citizen_api):
    # 36 characters of the old pattern [0-9a-f-]{36}, but no UUID: used to reach the ORM and be a 500.
    response = citizen_api.get("/api/v1/appointments/000000000000000000000000000000000000/ics/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_it_turns_a_model_validation_error_into_a_400_problem():
    response = problem_exception_handler(ValidationError({"public_id": ["“x” is not a valid UUID."]}), {})
    assert response.status_code == 400
    assert response.data["code"] == "validation"
    assert response.data["errors"] == {"public_id": ["“x” is not a valid UUID."]}

    response = problem_exception_handler(ValidationError("“x” is not a valid UUID."), {})
    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["“x” is not a valid UUID."]}


@pytest.mark.parametrize("path", ["/api/v1/appointments/", "/api/v1/invitations/"])
def test_it_describes_paginated_lists_as_paginated(path):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    paginated = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert set(paginated["properties"]) >= {"count", "next", "previous", "results"}


def test_it_describes_the_counsellor_agenda_as_the_object_it_is():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ok = schema["paths"]["/api/v1/counsellor/agenda/"]["get"]["responses"]["200"]["content"]["application/json"]
    agenda = schema["components"]["schemas"][ok["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(agenda["properties"]) == {"from", "to", "results"}


@pytest.mark.postgres
def test_it_answers_400_when_postgresql_refuses_a_value(citizen_api):
    """``make fuzz`` found it: a NUL byte in a query parameter reached PostgreSQL (DataError, was a 500)."""
    response = citizen_api.get("/api/v1/appointment-types/", {"jobcenter": "kaisers\x00lautern"})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_value"
    assert "psycopg" not in response.content.decode() and "DataError" not in response.content.decode()
