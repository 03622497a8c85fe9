"""Error pages: a page in the layout for a browser on a page URL (one h1, a way home,
no internals), problem+json under /api/ and for clients that ask for JSON."""

import pytest
from django.test import Client

from tests.factories import UserFactory, login

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"HTTP_ACCEPT": "application/json"}


def page(response, status: int, heading: str, home: str = "Zur Startseite") -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert f">{heading}</h1>" in body
    assert f'href="/">{home}</a>' in body
    assert 'id="main"' in body  # in the layout
    return body


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"].endswith("/" + code.replace("_", "-"))
    return body


def test_it_shows_a_404_page_to_a_browser(jobcenter):
    page(Client().get("/no-such-page/", **HTML), 404, "Seite nicht gefunden")


def test_it_shows_the_404_page_in_the_visitors_language(jobcenter):
    body = page(
        Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk", **HTML),
        404,
        "Сторінку не знайдено",
        "На головну сторінку",
    )
    assert '<html lang="uk">' in body


def test_it_keeps_problem_json_for_the_api(jobcenter):
    problem(Client().get("/api/v1/no-such-thing/", **HTML), 404, "not_found")


def test_it_answers_problem_json_to_a_client_that_asks_for_json(jobcenter):
    problem(Client().get("/no-such-page/", **JSON), 404, "not_found")


def test_it_shows_a_403_page_and_a_403_problem(jobcenter):
    staff = UserFactory(staff=True)
    client = Client()
    login(client, staff, mfa=False)  # the account page wants the second factor of staff
    page(client.get("/account/", **HTML), 403, "Zugriff verweigert")
    problem(client.get("/account/", **JSON), 403, "forbidden")


@pytest.mark.urls("tests.web.errors_urls")
def test_it_shows_a_500_page_without_internals(jobcenter, caplog):
    client = Client(raise_request_exception=False)
    body = page(client.get("/test/broken-page/", **HTML), 500, "Etwas ist schiefgelaufen")
    assert "hunter2" not in body and "RuntimeError" not in body
    problem(client.get("/test/broken-page/", **JSON), 500, "server_error")


def test_it_shows_a_413_page_for_a_form_too_large(jobcenter, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = Client().post("/barrierefreiheit/", {"message": "x" * 4096}, **HTML)
    page(response, 413, "Datei oder Eingabe zu groß")


def test_it_shows_a_429_page_when_allauth_limits_a_form(jobcenter, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "1/m/ip"}
    client = Client()
    client.post("/accounts/password/reset/", {"email": "a@example.org"}, **HTML)
    page(client.post("/accounts/password/reset/", {"email": "b@example.org"}, **HTML), 429, "Zu viele Versuche")
