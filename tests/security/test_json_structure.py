"""Bodies that break parsers are client errors, never 500 (issue #15, defect 2).

JSON nested thousands of levels deep made Python's json raise RecursionError
in DRF's parser and in allauth's headless views (login, signup, password
reset: no login needed to send one), and a JSON body over
DATA_UPLOAD_MAX_MEMORY_SIZE raised RequestDataTooBig: both were 500. Now:
400 ``json_too_deep``, 413 ``payload_too_large`` and, for a key given twice,
400 ``json_duplicate_key`` — with DEBUG on and off, through the test client
and through a real daphne.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory

from bench.auth import session_headers
from portal.api.parsers import MAX_JSON_DEPTH, StrictJSONParser, json_too_deep, loads_strict
from portal.api.problems import Problem, problem_exception_handler
from portal.views import api_bad_request
from tests.factories import UserFactory
from tests.security import rawhttp
from tests.video.servers import Daphne

DEEP = b"[" * 5000 + b"]" * 5000
DEEP_OBJECT = b'{"a":' * 3000 + b"1" + b"}" * 3000
DUPLICATE = b'{"email": "a@example.org", "email": "b@example.org", "password": "x"}'

ALLAUTH = [
    "/_allauth/browser/v1/auth/login",
    "/_allauth/browser/v1/auth/signup",
    "/_allauth/app/v1/auth/login",
    "/_allauth/app/v1/auth/signup",
    "/_allauth/app/v1/auth/password/request",
    "/_allauth/app/v1/auth/password/reset",
]


def big_json(size: int) -> bytes:
    return json.dumps({"email": "a" * size}).encode()


def assert_problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


# --- the scan and the parser ------------------------------------------------------------------


def test_it_counts_depth_outside_strings_only():
    assert not json_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert json_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert not json_too_deep(json.dumps({"note": "[" * 5000, "quote": '\\"[[[' * 100}).encode())
    assert not json_too_deep(b"[" + b"[]," * 10_000 + b"[]]")  # many brackets, shallow
    assert json_too_deep(DEEP_OBJECT)


def test_it_refuses_a_list_longer_than_the_limit_however_deep():
    from portal.api.parsers import MAX_JSON_ARRAY_ITEMS

    fine = json.dumps({"a": [[0] * MAX_JSON_ARRAY_ITEMS]}).encode()
    assert loads_strict(fine) == {"a": [[0] * MAX_JSON_ARRAY_ITEMS]}
    with pytest.raises(ValueError, match=str(MAX_JSON_ARRAY_ITEMS)):
        loads_strict(json.dumps({"a": [{"b": [0] * (MAX_JSON_ARRAY_ITEMS + 1)}]}).encode())


def test_it_refuses_a_duplicate_key_and_keeps_an_ordinary_body():
    assert loads_strict(b'{"a": {"b": [1, 2]}, "c": null}') == {"a": {"b": [1, 2]}, "c": None}
    with pytest.raises(ValueError, match="email"):
        loads_strict(DUPLICATE)
    with pytest.raises(ValueError):
        loads_strict(b'{"a": NaN}')
    with pytest.raises(UnicodeDecodeError):
        loads_strict(b'{"a": "\xff"}')


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (DEEP, 400, "json_too_deep"),
        (DUPLICATE, 400, "json_duplicate_key"),
        (big_json(3 * 1024 * 1024), 413, "payload_too_large"),
    ],
)
def test_it_makes_drfs_parser_refuse_with_a_problem(body, status, code):
    with pytest.raises(Problem) as refused:
        StrictJSONParser().parse(io.BytesIO(body))
    assert refused.value.status_code == status and refused.value.code == code


def test_it_maps_djangos_body_errors_to_problems():
    assert problem_exception_handler(RequestDataTooBig("too big"), {}).status_code == 413
    assert problem_exception_handler(RecursionError(), {}).data["code"] == "json_too_deep"
    response = api_bad_request(RequestFactory().post("/_allauth/app/v1/auth/login"), RequestDataTooBig("too big"))
    assert response.status_code == 413 and json.loads(response.content)["code"] == "payload_too_large"


# --- through Django (the test client), DEBUG on and off ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ALLAUTH)
def test_it_answers_400_to_deep_json_on_allauths_public_endpoints(client, debug, path):
    for body in (DEEP, DEEP_OBJECT):
        assert_problem(client.post(path, body, content_type="application/json"), 400, "json_too_deep")
    # allauth parses any body as JSON, whatever the content type says.
    assert_problem(client.post(path, DEEP, content_type="text/plain"), 400, "json_too_deep")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ALLAUTH)
def test_it_answers_413_to_an_oversized_json_body_on_allauth(client, debug, path):
    assert_problem(
        client.post(path, big_json(3 * 1024 * 1024), content_type="application/json"), 413, "payload_too_large"
    )


@pytest.mark.django_db
def test_it_refuses_a_duplicate_key_at_allauths_login(client, debug):
    assert_problem(client.post(ALLAUTH[0], DUPLICATE, content_type="application/json"), 400, "json_duplicate_key")


@pytest.mark.django_db
def test_it_answers_400_and_413_on_the_api(citizen_api, debug):
    for body in (DEEP, DEEP_OBJECT):
        assert_problem(
            citizen_api.generic("PATCH", "/api/v1/me/", body, content_type="application/json"), 400, "json_too_deep"
        )
    assert_problem(
        citizen_api.generic("PATCH", "/api/v1/me/", DUPLICATE, content_type="application/json"),
        400,
        "json_duplicate_key",
    )
    assert_problem(
        citizen_api.generic("PATCH", "/api/v1/me/", big_json(3 * 1024 * 1024), content_type="application/json"),
        413,
        "payload_too_large",
    )
    # An ordinary body still goes through.
    response = citizen_api.generic("PATCH", "/api/v1/me/", b'{"first_name": "Olena"}', content_type="application/json")
    assert response.status_code == 200 and response.json()["first_name"] == "Olena"


@pytest.mark.django_db
def test_it_answers_400_to_deep_json_for_an_anonymous_caller_too(api, debug):
    assert_problem(
        api.generic("POST", "/api/v1/applications/", DEEP, content_type="application/json"), 400, "json_too_deep"
    )


@pytest.mark.django_db
def test_it_leaves_a_body_that_is_not_json_to_the_view(client, citizen_api):
    response = citizen_api.generic("PATCH", "/api/v1/me/", b'{"first_name": ', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = client.post(ALLAUTH[2], b'{"email": ', content_type="application/json")
    assert response.status_code == 400


# --- through a real daphne --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_answers_400_and_413_through_daphne_chunked_or_not():
    citizen = session_headers(UserFactory(citizen=True))
    with Daphne() as server:
        for chunked in (False, True):
            for path in ("/_allauth/browser/v1/auth/login", "/_allauth/app/v1/auth/signup", "/api/v1/me/"):
                method = "PATCH" if path.startswith("/api/") else "POST"
                headers = {"Content-Type": "application/json", **(citizen if method == "PATCH" else {})}
                deep = rawhttp.send(server.port, method, path, headers=headers, body=DEEP, chunked=chunked)
                assert deep is not None and deep.status == 400, (path, chunked, deep)
                assert deep.json()["code"] == "json_too_deep"
                big = rawhttp.send(
                    server.port, method, path, headers=headers, body=big_json(3 * 1024 * 1024), chunked=chunked
                )
                assert big is not None and big.status == 413, (path, chunked, big)
                assert big.json()["code"] == "payload_too_large"
        assert "Traceback" not in server.output()
