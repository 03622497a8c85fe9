"""The browser pages are shells: the same for every id, no inline script or style (CSP)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [f"/video/{uuid.uuid4()}/", "/video/check/"])
def test_it_serves_the_page_without_inline_script_or_style(path):
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "style=" not in html and "<style" not in html
    assert "playsinline" in html
    assert "no-store" in response["Cache-Control"]
    assert "csrftoken" in response.cookies


def test_it_shows_the_room_page_in_german_english_and_ukrainian():
    texts = {
        "de": "Es wird nichts aufgezeichnet.",
        "en": "Nothing is recorded.",
        "uk": "Нічого не записується.",
    }
    for language, text in texts.items():
        response = Client().get(f"/video/{uuid.uuid4()}/", HTTP_ACCEPT_LANGUAGE=language)
        assert text in response.content.decode(), language


def test_it_serves_the_javascript_catalogue_in_german():
    response = Client().get("/video/jsi18n/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert "Warteraum" in response.content.decode()
