"""The apply journey in Debian's Chromium against a live daphne: German with JavaScript,
Ukrainian without, keyboard only, and axe-core on every apply page at phone and desktop
size in German and Ukrainian (with reflow at 320 CSS px). Screenshots: var/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from applications.constants import ApplicationStatus, Relationship
from applications.models import Application
from tests.applications.factories import fill_complete
from tests.factories import JobcenterFactory, UserFactory
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import FLAGS, SCREENSHOTS, SIZES, WCAG_A_AA, in_thread, screenshot, tab_to
from tests.web.walks import apply as walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
LOCALES = {"de": "de-DE", "uk": "uk-UA"}


@pytest.fixture(scope="module")
def server(django_db_setup):
    """One daphne for the module (a process: no event loop in the tests' thread)."""
    with Daphne({"DEBUG": "true"}) as server:
        yield server


@pytest.fixture
def jobcenter(db):
    return JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")


@pytest.fixture
def browser(jobcenter, server):
    """Chromium per test: Playwright's event loop runs while it is open, so the ORM is
    reached through ``in_thread`` inside the tests (and the database flushed after it closed)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import require_binary

    chromium = require_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        browser.server_url = server.url
        try:
            yield browser
        finally:
            browser.close()


def citizen_page(browser, *, language="de", size="desktop", javascript=True):
    """A logged-in citizen's page (a session made by the test client, as after a login)."""
    user = in_thread(lambda: UserFactory(citizen=True, first_name="Olena", last_name="Kovalenko"))
    cookie = in_thread(lambda: session_cookie_for(user)).split("=", 1)[1]
    context = browser.new_context(
        locale=LOCALES[language], viewport=SIZES[size], java_script_enabled=javascript, accept_downloads=True
    )
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": browser.server_url}])
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.user = user
    return page


def the_application(user) -> Application:
    return in_thread(lambda: Application.objects.select_related("housing").get(applicant=user))


def check_journey(page, reference: str) -> None:
    application = the_application(page.user)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference == reference
    members = in_thread(lambda: sorted(application.members.values_list("first_name", "relationship")))
    assert members == [("Olena", Relationship.APPLICANT), ("Sofiia", Relationship.CHILD)]
    assert str(application.housing.base_rent) == "480.00"
    assert in_thread(lambda: application.income_entries.get().kind) == "child_benefit"
    assert application.snapshot["bank_account"]["iban"] == "DE89370400440532013000"


def test_it_walks_in_german_from_the_date_to_the_receipt(browser):
    page = citizen_page(browser)

    reference = walk.secure_date(page, browser.server_url)
    assert reference.startswith("KL-")
    walk.fill_all_steps(page)
    screenshot(page, "apply-review-de-desktop")
    walk.submit(page)
    expect(page.get_by_text(reference)).to_be_visible()
    screenshot(page, "apply-submitted-de-desktop")
    assert walk.download_receipt(page).startswith(b"%PDF")

    check_journey(page, reference)
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems
    page.context.close()


def test_it_saves_a_field_on_leaving_it_so_that_it_is_there_after_a_reload(browser):
    page = citizen_page(browser)
    walk.secure_date(page, browser.server_url)

    walk.leave_field(page, "City", "Kaiserslautern")
    expect(page.locator("#apply-autosave-status")).to_have_text(
        walk.t(page, "%(label)s saved.") % {"label": walk.t(page, "City")}
    )
    page.reload()  # no button pressed
    expect(page.get_by_label(walk.t(page, "City"), exact=True)).to_have_value("Kaiserslautern")

    walk.leave_field(page, "Postcode", "123")  # a typo: the message at the field, nothing saved
    postcode = page.get_by_label(walk.t(page, "Postcode"), exact=True)
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_postcode-error")).to_be_visible()
    # caret="initial": Playwright's hidden caret leaves style="" on the inputs, which htmx copies when it swaps
    # the field (the CSP blocks that); the page itself sets no style.
    page.screenshot(path=str(SCREENSHOTS / "apply-autosave-error-de-desktop.png"), full_page=True, caret="initial")
    postcode.fill("67655")
    walk.press(page, "Save and continue")  # right after leaving the field: waits for that save, not stale
    walk.heading(page, "Household")
    application = the_application(page.user)
    assert (application.postcode, application.city) == ("67655", "Kaiserslautern")
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems
    page.context.close()


def test_it_walks_in_ukrainian_on_a_phone_without_javascript(browser):
    page = citizen_page(browser, language="uk", size="phone", javascript=False)

    reference = walk.secure_date(page, browser.server_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Особисті дані"
    walk.fill_personal_step(page, {**walk.DATA["personal"], "Postcode": "6765"})  # a typo first
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Поштовий індекс:")).to_be_visible()
    assert page.get_by_label("Поштовий індекс").get_attribute("aria-invalid") == "true"
    screenshot(page, "apply-personal-error-uk-phone")
    page.get_by_label("Поштовий індекс").fill("67655")
    walk.press(page, "Save and continue")
    walk.heading(page, "Household")
    walk.press(page, "Save and go back")  # back saves too, and shows what was saved
    expect(page.get_by_label("Поштовий індекс")).to_have_value("67655")
    walk.press(page, "Save and continue")
    for member in walk.DATA["members"]:
        walk.add_household_member(page, member)
    walk.remove_household_member(page, walk.DATA["remove"])
    walk.press(page, "Save and continue")
    walk.fill_housing_step(page, walk.DATA["housing"])
    walk.fill_income_step(page, walk.DATA["income"])
    walk.fill_assets_step(page, walk.DATA["assets"])
    walk.fill_health_insurance_step(page, walk.DATA["health_insurance"])
    walk.fill_bank_step(page, walk.DATA["bank"])
    screenshot(page, "apply-review-uk-phone")
    walk.submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Заяву надіслано"
    assert walk.download_receipt(page).startswith(b"%PDF")

    check_journey(page, reference)
    page.context.close()


def test_it_walks_from_the_start_to_submitted_by_keyboard_only(browser):
    page = citizen_page(browser)
    page.goto(browser.server_url + "/")

    # From the start page (logged in) through the overview to the apply page.
    tab_to(page, "Zu Ihrer Übersicht")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.heading(page, "Your overview")
    tab_to(page, "Bürgergeld beantragen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.heading(page, "Apply for Bürgergeld")
    tab_to(page, "Antragsdatum sichern")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.heading(page, "Your application date")
    # The rest of the form was filled on another device meanwhile: it is resumed here.
    in_thread(lambda: fill_complete(Application.objects.get(applicant=page.user)))
    link = tab_to(page, "Formular ausfüllen")
    assert link["outline"], "the focused link has no visible focus"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.heading(page, "Personal data")
    assert page.get_by_label("Ort", exact=True).input_value() == "Kaiserslautern"

    tab_to(page, "id_phone")
    page.keyboard.type("0631 123456")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field is "Save and continue"
    walk.heading(page, "Household")
    for title in ("Housing costs", "Income", "Assets", "Health insurance", "Bank account"):
        tab_to(page, "Speichern und weiter")
        tab_to(page, "Speichern und zurück")
        tab_to(page, "Speichern und weiter", back=True)  # Shift-Tab
        with page.expect_navigation():
            page.keyboard.press("Space")
        walk.heading(page, title)
    tab_to(page, "Speichern und prüfen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.heading(page, "Check and submit")
    button = tab_to(page, "Antrag absenden")
    assert button["outline"]
    with page.expect_navigation():
        page.keyboard.press("Space")
    walk.heading(page, "Application submitted")

    application = the_application(page.user)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.phone == "0631 123456"
    page.context.close()


@pytest.mark.parametrize("language", ["de", "uk"])
def test_it_has_no_axe_violations_on_the_apply_pages(browser, language):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = citizen_page(browser, language=language, size="phone")
    report = []

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == language
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            if results.violations_count:
                report.append(f"{name} {size}:\n{results.generate_report()}")
            screenshot(page, f"apply-{name}-{language}-{size}")
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{name} scrolls sideways at 320 px"

    base = browser.server_url
    page.goto(base + "/applications/new/")
    check("start")
    walk.press(page, "Secure my application date")
    check("secured")
    application = the_application(page.user)
    in_thread(lambda: fill_complete(application))
    for slug in ("personal", "household", "housing", "income", "assets", "health-insurance", "bank-account"):
        page.goto(f"{base}/applications/{application.public_id}/apply/{slug}/")
        check(slug)
    page.get_by_label(walk.t(page, "IBAN"), exact=True).fill("DE00 1234")
    walk.press(page, "Save and check")
    expect(page.locator("#error-summary")).to_be_focused()
    check("bank-account-error")
    page.goto(f"{base}/applications/{application.public_id}/review/")
    check("review")
    walk.submit(page)
    check("submitted")
    page.context.close()
    assert report == [], "\n".join(report)
