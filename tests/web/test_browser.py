"""The public pages in Debian's Chromium against a live daphne: a keyboard-only walk
from the start page to a sent barrier report, the language switch, axe-core at a
phone and a desktop size in German and Ukrainian, and reflow at 320 CSS px.

Screenshots go to var/screenshots/ (printed at the end of the run)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from portal.models import AccessibilityFeedback
from tests.conftest import require_binary
from tests.video.servers import Daphne

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = [
    "/",
    "/leichte-sprache/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/accounts/login/",
    "/accounts/signup/",
]
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        browser.server_url = server.url
        try:
            yield browser
        finally:
            browser.close()


def in_thread(query):
    """The ORM outside Playwright's event loop (Django refuses sync queries inside one)."""

    def run():
        try:
            return query()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def new_page(browser, *, locale="de-DE", size="desktop", javascript=True):
    context = browser.new_context(locale=locale, viewport=SIZES[size], java_script_enabled=javascript)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName, text: (e.innerText || e.value || '').trim(), id: e.id,
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""
    )


def tab_to(page, text: str, *, limit: int = 40, back: bool = False) -> dict:
    """Press Tab (Shift-Tab) until the focused element's text or id contains ``text``."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        element = focused(page)
        if text in element["text"] or text == element["id"]:
            return element
    raise AssertionError(f"{text!r} not reached by keyboard")


def test_it_walks_from_the_start_page_to_a_sent_barrier_report_by_keyboard_only(jobcenter, browser):
    page = new_page(browser)
    page.goto(browser.server_url + "/")

    # The first Tab shows the skip link; Enter moves focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Zum Hauptinhalt springen"
    assert page.get_by_role("link", name="Zum Hauptinhalt springen").is_visible()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    link = tab_to(page, "Informationen in Leichter Sprache")
    assert link["outline"], "the focused link has no visible focus"
    screenshot(page, "keyboard-focus-start")
    page.keyboard.press("Enter")
    page.wait_for_url("**/leichte-sprache/")
    assert page.get_by_role("heading", level=1).inner_text() == "Informationen in Leichter Sprache"

    tab_to(page, "Formular")
    tab_to(page, "Anmelden", back=True)  # Shift-Tab goes back through the page
    tab_to(page, "Formular")
    page.keyboard.press("Enter")
    page.wait_for_url("**/barrierefreiheit/#feedback")
    assert page.get_by_role("heading", level=1).inner_text() == "Erklärung zur Barrierefreiheit"

    # Sent empty: the summary takes the focus and links to the field.
    tab_to(page, "id_name")
    tab_to(page, "Nachricht senden")
    with page.expect_navigation():
        page.keyboard.press("Space")
    # A locator assertion, not wait_for_function: a string predicate is eval'd in the
    # page, which our CSP (no 'unsafe-eval') refuses when the first check fails.
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben").is_visible()
    assert focused(page)["id"] == "error-summary"
    message = page.get_by_label("Ihre Nachricht")
    assert message.get_attribute("aria-invalid") == "true"
    screenshot(page, "feedback-errors-desktop")
    tab_to(page, "Ihre Nachricht: Bitte beschreiben Sie die Barriere, auf die Sie gestoßen sind.")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_message"
    page.keyboard.type("Der Kalender lässt sich nicht mit der Tastatur bedienen.")
    tab_to(page, "Nachricht senden")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_role("status").filter(has_text="Vielen Dank").is_visible()
    assert in_thread(lambda: AccessibilityFeedback.objects.get().message).startswith("Der Kalender")
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems


def test_it_switches_to_ukrainian_without_javascript(jobcenter, browser):
    page = new_page(browser, javascript=False)
    page.goto(browser.server_url + "/impressum/")
    page.get_by_label("Sprache").select_option("uk")
    page.get_by_role("button", name="Sprache wechseln").click()
    page.wait_for_url("**/impressum/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", level=1).inner_text() == "Вихідні дані"
    assert page.get_by_role("link", name="Увійти").is_visible()
    page.goto(browser.server_url + "/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "uk"
    screenshot(page, "start-uk-desktop")


@pytest.mark.parametrize("language", ["de", "uk"])
def test_it_has_no_axe_violations_at_phone_and_desktop_size(jobcenter, browser, language):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    report = []
    for size in SIZES:
        page = new_page(browser, locale={"de": "de-DE", "uk": "uk-UA"}[language], size=size)
        for path in PAGES:
            page.goto(browser.server_url + path)
            assert page.locator("html").get_attribute("lang") == language
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            if results.violations_count:
                report.append(f"{path} {size}:\n{results.generate_report()}")
            name = path.strip("/").replace("/", "-") or "start"
            screenshot(page, f"{name}-{language}-{size}")
        page.context.close()
    assert report == [], "\n".join(report)


@pytest.mark.parametrize("path", PAGES)
def test_it_reflows_at_320_css_pixels_without_horizontal_scrolling(jobcenter, browser, path):
    context = browser.new_context(locale="de-DE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(browser.server_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_it_prints_where_the_screenshots_are():
    print(f"\nscreenshots: {SCREENSHOTS}")
