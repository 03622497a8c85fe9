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


def test_it_refuses_a_lone_surrogate_before_it_reaches_the_database(citizen_api, client):
    """The structural fuzz layer found it: ``"\\ud800"`` is valid JSON syntax but no
    character; PostgreSQL's UTF-8 encoding raised UnicodeEncodeError (a 500)."""
    for body in (b'{"first_name": "\\ud800"}', b'{"first_name": "x\\udc00"}'):
        response = citizen_api.generic("PATCH", "/api/v1/me/", body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "json_invalid_unicode"
        response = client.post("/_allauth/app/v1/auth/login", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "json_invalid_unicode"
    # A proper pair is one character (an emoji) and welcome.
    response = citizen_api.generic(
        "PATCH", "/api/v1/me/", b'{"first_name": "Olena \\ud83c\\udf3b"}', content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["first_name"] == "Olena 🌻"


@pytest.mark.parametrize("client_kind", ["browser", "app"])
def test_it_answers_404_for_allauths_phone_endpoint(citizen, client_kind):
    """The structural fuzz layer found it: allauth's headless API always has
    ``account/phone``, and our adapter keeps no phone numbers (NotImplementedError, a 500)."""
    from django.test import Client

    from bench.auth import session_headers

    client = Client(raise_request_exception=False)
    headers = session_headers(citizen)
    for method in ("GET", "POST"):
        response = client.generic(
            method, f"/_allauth/{client_kind}/v1/account/phone", b"", content_type="application/json", headers=headers
        )
        assert response.status_code == 404, response.content
        assert response["Content-Type"] == "application/problem+json"


def test_it_refuses_a_list_of_50000_items_before_drf_validates_each(api_for):
    """``make fuzz``'s structural layer found it: DRF's ListField validates every
    item before it checks ``max_length``, so 50,000 items in the counsellor's
    availability cost 150,000 validation errors and 20-30 s of CPU per request."""
    import time

    from tests.factories import UserFactory

    counsellor = api_for(UserFactory(counsellor=True))
    body = b'{"rules": [' + b"0," * 50_000 + b'0], "exceptions": [], "languages": ["de"]}'
    started = time.monotonic()
    response = counsellor.generic("PUT", "/api/v1/counsellor/availability/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "json_too_many_items"
    assert time.monotonic() - started < 5
