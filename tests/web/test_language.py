"""The language switch: a plain form, remembered for the session and, when logged in, on the account."""

from django.test import Client

from portal.audit import AuditAction
from portal.models import AuditEvent
from tests.factories import UserFactory, login


def test_it_switches_the_language_without_javascript(jobcenter):
    client = Client()
    response = client.post("/sprache/", {"language": "uk", "next": "/impressum/"})
    assert response.status_code == 302 and response["Location"] == "/impressum/"
    assert '<html lang="uk">' in client.get("/impressum/").content.decode()


def test_it_keeps_the_choice_on_the_account(jobcenter):
    citizen = UserFactory(citizen=True, preferred_language="de")
    client = Client()
    login(client, citizen)
    client.post("/sprache/", {"language": "en", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"
    assert AuditEvent.objects.filter(action=AuditAction.USER_UPDATE, object_id=str(citizen.public_id)).exists()


def test_it_ignores_an_unknown_language(jobcenter):
    citizen = UserFactory(citizen=True, preferred_language="de")
    client = Client()
    login(client, citizen)
    client.post("/sprache/", {"language": "xx", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "de"


def test_it_refuses_a_language_switch_without_csrf_token(jobcenter):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/sprache/", {"language": "uk"}).status_code == 403


def test_it_refuses_get_on_the_language_switch(jobcenter):
    assert Client().get("/sprache/").status_code == 405
