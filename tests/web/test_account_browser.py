"""The account page, the navigation and the error pages in Debian's Chromium against
a live daphne: a German walk (profile saved, data downloaded), a Ukrainian one with
JavaScript off (a stale form refused), axe-core at phone and desktop size in German
and Ukrainian, reflow at 320 CSS px. Screenshots go to var/screenshots/."""

from __future__ import annotations

import json
import os

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from portal.demo import DEMO_TEXTS
from portal.models import JobcenterText, User
from portal.services import user_profile_update
from tests.conftest import require_binary
from tests.factories import PASSWORD, JobcenterFactory, UserFactory
from tests.video.servers import Daphne
from tests.web.test_browser import FLAGS, SIZES, WCAG_A_AA, in_thread, new_page, screenshot
from tests.web.walks.account import LABELS, download_my_data, fill_profile, log_in, open_account, save_profile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One daphne and one Chromium for the module (the walks create their own users)."""
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    # Playwright's event loop runs in this thread for the whole module, and Django
    # refuses the ORM in a thread with a running loop: the tests reach the ORM through
    # in_thread, but pytest-django's flush after each test runs here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
            browser.server_url = server.url
            try:
                yield browser
            finally:
                browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def jobcenter(browser):
    """tests/web/conftest.py's Jobcenter, made outside Playwright's event loop (it runs for the module)."""

    def make():
        made = JobcenterFactory(name="Jobcenter Kaiserslautern", email="kontakt@jobcenter.example")
        for kind, texts in DEMO_TEXTS.items():
            JobcenterText.objects.create(jobcenter=made, kind=kind, **texts)
        return made

    return in_thread(make)


def citizen(**fields) -> User:
    return person(citizen=True, **fields)


def staff(**fields) -> User:
    return person(staff=True, **fields)


def person(**fields) -> User:
    """A user whose password the live server can check: the tests hash with a fast
    hasher the server does not know, so the hash is PBKDF2 (with few rounds)."""
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)

    def make() -> User:
        user = UserFactory(first_name="Olena", last_name="Koval", **fields)
        User.objects.filter(pk=user.pk).update(password=password)
        return user

    return in_thread(make)


def test_it_saves_the_profile_and_downloads_the_data_in_german(jobcenter, browser):
    person = citizen()
    page = new_page(browser)
    log_in(page, browser.server_url, person.email, PASSWORD)
    open_account(page)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Konto")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Konto")

    fill_profile(page, first_name="Olha", calendar=True)
    save_profile(page)
    expect(page.get_by_role("status").filter(has_text=LABELS["de"]["saved"])).to_be_visible()
    expect(page.get_by_label("Vorname")).to_have_value("Olha")
    saved = in_thread(lambda: User.objects.get(pk=person.pk))
    assert (saved.first_name, saved.email_calendar_attachment, saved.version) == ("Olha", True, 2)
    screenshot(page, "account-saved-de-desktop")

    download = download_my_data(page)
    assert download.suggested_filename == "my-data.json"
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["email"] == person.email and data["account"]["first_name"] == "Olha"
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems
    page.context.close()


def test_it_refuses_a_stale_form_in_ukrainian_without_javascript(jobcenter, browser):
    person = citizen()
    page = new_page(browser, javascript=False)
    log_in(page, browser.server_url, person.email, PASSWORD, next_path="/account/")
    fill_profile(page, preferred_language="uk")
    save_profile(page)
    assert page.locator("html").get_attribute("lang") == "uk"
    expect(page.get_by_role("heading", level=1)).to_have_text("Ваш обліковий запис")
    expect(page.get_by_role("status").filter(has_text=LABELS["uk"]["saved"])).to_be_visible()

    # Another device saves meanwhile: this form's version is stale.
    in_thread(lambda: user_profile_update(user=person, actor=person, changes={"last_name": "Kovalenko"}))
    fill_profile(page, language="uk", first_name="Olha")
    save_profile(page, "uk")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ваш обліковий запис тим часом змінено")
    expect(page.get_by_label("Ім’я")).to_have_value("Olha")  # what was typed is kept
    screenshot(page, "account-stale-uk-desktop")
    saved = in_thread(lambda: User.objects.get(pk=person.pk))
    assert (saved.first_name, saved.last_name) == ("Olena", "Kovalenko")
    save_profile(page, "uk")  # the form now carries the current version
    saved = in_thread(lambda: User.objects.get(pk=person.pk))
    assert (saved.first_name, saved.last_name) == ("Olha", "Kovalenko")
    page.context.close()


@pytest.mark.parametrize("language", ["de", "uk"])
def test_it_has_no_axe_violations_on_the_account_and_error_pages(jobcenter, browser, language):
    """The account page (a citizen) and the 403 page in the layout (staff without a
    second factor on the account page; the live server runs with DEBUG on, where
    Django shows its own 404 page instead of ours, so the error layout is checked on 403)."""
    from axe_playwright_python.sync_playwright import Axe

    people = {"account": citizen(preferred_language=language), "error-403": staff(preferred_language=language)}
    axe = Axe()
    report = []
    for size in SIZES:
        for name, person in people.items():
            page = new_page(browser, locale={"de": "de-DE", "uk": "uk-UA"}[language], size=size)
            log_in(page, browser.server_url, person.email, PASSWORD, language=language)
            response = page.goto(browser.server_url + "/account/")
            assert response.status == (403 if name == "error-403" else 200)
            assert page.locator("html").get_attribute("lang") == language
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            if results.violations_count:
                report.append(f"{name} {size}:\n{results.generate_report()}")
            screenshot(page, f"{name}-{language}-{size}")
            page.context.close()
    assert report == [], "\n".join(report)


def test_it_fits_the_navigation_and_the_account_page_into_320_css_pixels(jobcenter, browser):
    person = citizen()
    context = browser.new_context(locale="de-DE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    log_in(page, browser.server_url, person.email, PASSWORD, next_path="/account/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    for name in ("Übersicht", "Anträge", "Termine", "Konto"):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 320, (name, box)
    expect(nav.get_by_role("button", name="Abmelden")).to_be_visible()
    screenshot(page, "account-de-320")
    context.close()
