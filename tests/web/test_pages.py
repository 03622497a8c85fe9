"""The public pages render in the layout, in the visitor's language, with the Jobcenter's texts."""

import re

import pytest
from django.test import Client

from portal.models import JobcenterText, JobcenterTextKind

PAGES = ["/", "/leichte-sprache/", "/impressum/", "/datenschutz/", "/barrierefreiheit/"]


def get(path, language="de", client=None):
    client = client or Client()
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("path", PAGES)
def test_it_renders_every_page_in_the_layout(jobcenter, path):
    response = get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in body
    assert body.count("<h1") == 1
    assert '<main id="main"' in body and 'href="#main"' in body  # landmark and skip link
    assert "Jobcenter Kaiserslautern" in body and "Augustastraße 2" in body  # header and footer
    for link in ["/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/"]:
        assert f'href="{link}"' in body


@pytest.mark.parametrize("path", [*PAGES, "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_it_sends_a_strict_content_security_policy_and_no_inline_code(jobcenter, path):
    response = get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    body = response.content.decode()
    # Every script is a file; data blocks (allauth's JSON) are not run.
    assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", body)
    assert "<style" not in body and " style=" not in body


def test_it_shows_the_start_page_with_login_and_registration(jobcenter):
    body = get("/").content.decode()
    assert 'href="/accounts/login/"' in body and 'href="/accounts/signup/"' in body
    assert "Bürgergeld" in body


def test_it_speaks_ukrainian_and_marks_german_only_texts(jobcenter):
    body = get("/", "uk").content.decode()
    assert '<html lang="uk">' in body
    assert "Увійти" in body  # "Log in"
    assert 'lang="de"' in body  # the address exists only in German


def test_it_shows_a_translated_jobcenter_text_in_its_language(jobcenter):
    JobcenterText.objects.filter(kind=JobcenterTextKind.IMPRESSUM).update(text_en="Legal notice of the demo")
    assert "Legal notice of the demo" in get("/impressum/", "en").content.decode()
    assert "Legal notice of the demo" not in get("/impressum/", "de").content.decode()


def test_it_escapes_markup_in_a_jobcenter_text(jobcenter):
    JobcenterText.objects.filter(kind=JobcenterTextKind.PRIVACY).update(text_de="<script>alert(1)</script>")
    body = get("/datenschutz/").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_it_says_so_when_a_text_is_missing(jobcenter):
    JobcenterText.objects.filter(kind=JobcenterTextKind.IMPRESSUM).delete()
    response = get("/impressum/")
    assert response.status_code == 200
    assert "noch nicht veröffentlicht" in response.content.decode()


def test_it_follows_the_configured_jobcenter(jobcenter, settings):
    from tests.factories import JobcenterFactory

    JobcenterFactory(name="Jobcenter Aachen", slug="aachen")  # first by name
    assert "Jobcenter Aachen" in get("/").content.decode()
    settings.PORTAL_JOBCENTER_SLUG = jobcenter.slug
    assert "Jobcenter Aachen" not in get("/").content.decode()


def test_it_renders_the_leichte_sprache_page_in_german_in_every_language(jobcenter):
    body = get("/leichte-sprache/", "uk").content.decode()
    assert '<div lang="de" class="portal-easy">' in body
    assert "Sie können Bürgergeld beantragen." in body


def test_it_renders_allauths_login_page_in_the_layout_with_sie(jobcenter):
    body = get("/accounts/login/").content.decode()
    assert '<html lang="de">' in body and "Augustastraße 2" in body
    assert body.count("<h1") == 1
    assert 'class="kern-form-input__input' in body
    signup = get("/accounts/signup/").content.decode()
    assert not re.search(r"\b(du|dein|deine|hast|bist)\b", signup + body, re.IGNORECASE)


def test_it_renders_the_password_reset_page_with_sie(jobcenter):
    body = get("/accounts/password/reset/").content.decode()
    assert body.count("<h1") == 1
    assert not re.search(r"\b(du|dein|deine|hast|bist)\b", body, re.IGNORECASE)


def test_it_keeps_allauths_passkey_script_on_the_login_page(jobcenter):
    body = get("/accounts/login/").content.decode()
    assert 'id="passkey_login"' in body
    assert "mfa_login" in body and "<script src=" in body


@pytest.mark.parametrize("path", PAGES)
def test_it_renders_every_page_on_an_installation_without_a_jobcenter(db, path):
    response = get(path)
    assert response.status_code == 200
    assert "jobcenter digital" in response.content.decode()
