"""Every API error is an RFC 9457 problem body (``application/problem+json``)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "https://jobcenter-digital.example/problems/" + code.replace("_", "-")
    assert body["title"]
    assert body["detail"]
    return body


def test_it_names_the_invalid_field_on_400(citizen_api):
    body = problem(citizen_api.patch("/api/v1/me/", {"preferred_language": "fr"}, format="json"), 400, "validation")
    assert list(body["errors"]) == ["preferred_language"]
    assert body["errors"]["preferred_language"]


def test_it_answers_400_on_malformed_json(citizen_api):
    response = citizen_api.patch("/api/v1/me/", b'{"first_name": ', content_type="application/json")
    problem(response, 400, "parse_error")


def test_it_answers_401_with_a_challenge_to_anonymous_callers(api):
    response = api.get("/api/v1/me/")
    problem(response, 401, "not_authenticated")
    assert "X-Session-Token" in response["WWW-Authenticate"]


def test_it_answers_401_to_an_unknown_session_token(api):
    problem(api.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-session"), 401, "not_authenticated")


def test_it_answers_403_to_a_citizen_on_a_staff_endpoint(citizen_api):
    response = citizen_api.get("/api/v1/audit-events/", {"object_type": "portal.user", "object_id": "1"})
    problem(response, 403, "role_required")


def test_it_answers_404_for_unknown_api_urls(citizen_api):
    problem(citizen_api.get("/api/v1/no-such-thing/"), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v2/", "/api/v1/me/extra/", "/api/"])
def test_it_answers_404_as_a_problem_also_with_debug_on(citizen_api, api, settings, path):
    # With DEBUG on Django renders its HTML technical 404 page for a path that
    # matches no route; an app developing against `make run` must get JSON.
    settings.DEBUG = True
    for client in (citizen_api, api):
        problem(client.get(path), 404, "not_found")


def test_it_keeps_the_html_404_page_outside_the_api(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_it_answers_405_for_a_wrong_method(citizen_api):
    response = citizen_api.delete("/api/v1/me/")
    problem(response, 405, "method_not_allowed")
    assert "PATCH" in response["Allow"]


def test_it_answers_412_for_a_stale_if_match(citizen_api):
    response = citizen_api.patch("/api/v1/me/", {"first_name": "A"}, format="json", HTTP_IF_MATCH='"stale-0"')
    problem(response, 412, "precondition_failed")


def test_it_answers_415_for_a_body_that_is_not_json(citizen_api):
    response = citizen_api.patch("/api/v1/me/", "first_name=A", content_type="text/plain")
    problem(response, 415, "unsupported_media_type")


@pytest.mark.urls("tests.portal.testonly_urls")
def test_it_answers_500_without_internals(api, caplog):
    api.raise_request_exception = False
    body = problem(api.get("/api/v1/test/boom/"), 500, "server_error")
    assert "hunter2" not in str(body)
    assert "RuntimeError" not in str(body)
    # ... but the log has it, for whoever runs the service.
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


def test_it_keeps_the_problem_shape_for_pages_outside_the_api(client):
    # Outside /api/ a human gets Django's page, not JSON.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_it_refuses_staff_of_the_wrong_role_with_a_problem(api_for):
    counsellor = UserFactory(counsellor=True)
    response = api_for(counsellor).get("/api/v1/audit-events/", {"object_type": "x", "object_id": "1"})
    problem(response, 403, "role_required")


def test_it_speaks_german_by_default_and_the_callers_language_on_request(api):
    assert api.get("/api/v1/me/").json()["title"] == "Anmeldung erforderlich."
    assert api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="uk").json()["title"] == "Потрібен вхід."
    assert api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()["title"] == "Authentication required."
