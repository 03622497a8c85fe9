"""allauth's pages in Ukrainian: login, signup, the e-mail verification and the
password reset show no English word (``locale-allauth/uk``: Django's auth app
translates "Email" as "Email" for uk and wins over allauth's own catalogue)."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What may stay in Latin letters: the Jobcenter's name, e-mail addresses the person typed.
ALLOWED = {"Jobcenter", "Kaiserslautern"}


def english_words(response) -> set[str]:
    """Latin-letter words in the page's main content, its title and its field attributes."""
    body = response.content.decode()
    main = re.search(r"<main.*?</main>", body, re.S).group(0)
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    main = re.sub(r"<script.*?</script>", "", main, flags=re.S)
    attributes = " ".join(re.findall(r'(?:placeholder|aria-label|title)="([^"]*)"', main))
    text = html.unescape(re.sub(r"<[^>]+>", " ", main)) + " " + title + " " + attributes
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED


@pytest.fixture
def uk():
    return Client(headers={"accept-language": "uk"})


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_the_email_field_has_its_ukrainian_label(jobcenter, uk, url):
    response = uk.get(url)

    assert response.status_code == 200
    assert '<html lang="uk"' in response.content.decode()
    assert re.search(
        r'<label class="kern-label" for="id_(login|email)">Електронна пошта</label>', response.content.decode()
    )
    assert english_words(response) == set()


def test_refusals_of_login_and_signup_are_ukrainian(jobcenter, uk):
    user = UserFactory(citizen=True)

    login = uk.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    signup = uk.post("/accounts/signup/", {"email": "no-address", "password1": "a", "password2": "b"})

    assert login.status_code == 200 and 'id="error-summary"' in login.content.decode()
    assert signup.status_code == 200 and 'aria-invalid="true"' in signup.content.decode()
    assert english_words(login) == set()
    assert english_words(signup) == set()


def test_the_verification_after_signup_and_its_email_are_ukrainian(jobcenter, uk):
    response = uk.post(
        "/accounts/signup/",
        {"email": "olena@example.org", "password1": "Very-long-pass-123", "password2": "Very-long-pass-123"},
        follow=True,
    )

    assert response.request["PATH_INFO"] == "/accounts/confirm-email/"
    assert english_words(response) == set()
    wrong = uk.post("/accounts/confirm-email/", {"code": "XXXX"})
    assert 'aria-invalid="true"' in wrong.content.decode()
    assert english_words(wrong) == set()
    assert mail.outbox[-1].subject.endswith("Будь ласка, підтвердіть свою адресу електронної пошти")


def test_the_password_reset_with_its_code_is_ukrainian(jobcenter, uk):
    user = UserFactory(citizen=True)

    response = uk.post("/accounts/password/reset/", {"email": user.email}, follow=True)

    assert response.request["PATH_INFO"] == "/accounts/password/reset/confirm/"
    assert english_words(response) == set()
    wrong = uk.post("/accounts/password/reset/confirm/", {"code": "XXXX"})
    assert 'aria-invalid="true"' in wrong.content.decode()
    assert english_words(wrong) == set()
