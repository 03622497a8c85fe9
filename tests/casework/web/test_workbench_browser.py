"""The staff workbench in Debian's Chromium against a live daphne: a staff
member logs in with TOTP through the real login page, claims the next case,
requests documents and decides by keyboard only; axe-core on the queue and the case
at phone and desktop size in German and Ukrainian; the request form without
JavaScript. Screenshots go to var/screenshots/."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from applications.constants import ApplicationStatus
from applications.models import Document, DocumentRequest
from casework.models import RoutingRule
from portal.clock import berlin_today
from tests.casework.factories import ApplicationFactory
from tests.conftest import require_binary
from tests.factories import PASSWORD, JobcenterFactory, TeamFactory, UserFactory, with_totp
from tests.security.flows import fresh_totp_code
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import FLAGS, SIZES, WCAG_A_AA, focused, in_thread, new_page, screenshot, tab_to
from tests.web.walks import workbench as walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser(django_db_setup):  # the test database first: the server is pointed at it
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        browser.server_url = server.url
        # One browser for the module: pytest-django sets up and flushes the database
        # while Playwright's sync API has its event loop open in this thread. Nothing
        # runs concurrently (the sync API blocks), so Django's guard may stand down
        # here (this process only; the server was started without it).
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            yield browser
        finally:
            browser.close()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _team_with_cases():
    jobcenter = JobcenterFactory(name="Jobcenter Kaiserslautern", reference_prefix="KL")
    team = TeamFactory(jobcenter=jobcenter, name="Leistung A-Z")
    RoutingRule.objects.create(jobcenter=jobcenter, team=team, is_default=True)
    TeamFactory(jobcenter=jobcenter, name="Leistung Selbstständige")  # a team to hand a case over to
    staff = UserFactory(staff=True, jobcenter=jobcenter, teams=[team], email="sb@jc.example", first_name="Sam")
    UserFactory(team_lead=True, jobcenter=jobcenter, teams=[team], email="tl@jc.example")
    oldest = ApplicationFactory(jobcenter=jobcenter, team=team, surname="Albers", reference="KL-2026-000001")
    ApplicationFactory(
        jobcenter=jobcenter,
        team=team,
        surname="Becker",
        reference="KL-2026-000002",
        status=ApplicationStatus.IN_REVIEW,
        assigned_to=staff,
    )
    return staff, oldest


@pytest.fixture
def team():
    return in_thread(_team_with_cases)


def logged_in_page(browser, user, **kwargs):
    page = new_page(browser, **kwargs)
    cookie = in_thread(lambda: session_cookie_for(user))
    page.context.add_cookies([{"name": "sessionid", "value": cookie.split("=", 1)[1], "url": browser.server_url}])
    return page


def test_staff_log_in_with_totp_claim_the_next_case_request_documents_and_decide_by_keyboard(browser, team):
    staff, oldest = team
    secret = in_thread(lambda: with_totp(staff))
    # The tests hash with MD5 (fast); the server knows only the real hashers.
    hasher = PBKDF2PasswordHasher()
    staff.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    in_thread(lambda: staff.save(update_fields=["password"]))
    page = new_page(browser)
    page.set_default_timeout(10_000)
    walk.log_in_with_totp(
        page,
        base_url=browser.server_url,
        email=staff.email,
        password=PASSWORD,
        code=lambda: fresh_totp_code(secret),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Team-Eingang")
    expect(page.get_by_role("link", name="KL-2026-000001")).to_be_visible()

    # Keyboard only from here: the skip link, "Nächster Fall", the request form.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Zum Hauptinhalt springen"
    page.keyboard.press("Enter")
    button = tab_to(page, "Nächster Fall")
    assert button["outline"], "the focused button has no visible focus"
    screenshot(page, "workbench-queue-focus-de")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fall KL-2026-000001")
    expect(page.get_by_role("status").filter(has_text="ist Ihnen jetzt zugewiesen")).to_be_visible()
    assert in_thread(lambda: type(oldest).objects.get(pk=oldest.pk).assigned_to_id) == staff.pk

    tab_to(page, "id_request_description", limit=80)
    page.keyboard.type("Mietvertrag\nKontoauszüge der letzten drei Monate")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_request_deadline"  # the default deadline is kept
    tab_to(page, "Nachforderung senden")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Die Unterlagen wurden nachgefordert")).to_be_visible()
    screenshot(page, "workbench-case-requested-de-desktop")
    request = in_thread(lambda: DocumentRequest.objects.get())
    assert request.description.splitlines() == ["Mietvertrag", "Kontoauszüge der letzten drei Monate"]
    assert request.created_by_id == staff.pk

    # The citizen answers (their upload pages have tests of their own); by keyboard on:
    # accept the answer, continue the review, reject with a reason, send.
    in_thread(lambda: _answer(request))
    page.reload()
    tab_to(page, "Unterlagen annehmen", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Die Nachforderung ist erfüllt")).to_be_visible()
    tab_to(page, "Prüfung fortsetzen", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="wieder in Prüfung")).to_be_visible()
    tab_to(page, "id_decide_outcome_0", limit=120)
    page.keyboard.press("ArrowRight")  # the radio group: from "Bewilligt" to "Abgelehnt"
    expect(page.get_by_role("radio", name="Abgelehnt")).to_be_checked()
    tab_to(page, "id_decide_reason")
    page.keyboard.type("Das Einkommen deckt den Bedarf.")
    button = tab_to(page, "Entscheidung senden")
    assert button["outline"], "the focused button has no visible focus"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Die Entscheidung wurde gesendet")).to_be_visible()
    decided = in_thread(lambda: type(oldest).objects.get(pk=oldest.pk))
    assert decided.status == ApplicationStatus.REJECTED
    assert in_thread(lambda: decided.decision.reason) == "Das Einkommen deckt den Bedarf."
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems


def _answer(request) -> None:
    """What the citizen's upload leaves: a document that answers the request."""
    Document.objects.create(
        application=request.application,
        document_request=request,
        storage_name="documents/answer.pdf",
        original_name="Mietvertrag.pdf",
        content_type="application/pdf",
        size=15,
        sha256="1" * 64,
    )


def test_the_request_form_works_without_javascript_and_shows_errors(browser, team):
    staff, oldest = team
    in_thread(lambda: type(oldest).objects.filter(pk=oldest.pk).update(assigned_to=staff))
    page = logged_in_page(browser, staff, javascript=False)
    page.goto(f"{browser.server_url}/workbench/cases/{oldest.public_id}/")
    page.get_by_label("Welche Unterlagen?").fill("Personalausweis")
    page.get_by_label("Frist").fill("2020-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Nachforderung senden").click()
    expect(page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben")).to_be_visible()
    assert page.get_by_label("Frist").get_attribute("aria-invalid") == "true"
    expect(page.get_by_label("Welche Unterlagen?")).to_have_value("Personalausweis")
    screenshot(page, "workbench-case-errors-de-phone")
    walk.request_documents(
        page, description="Personalausweis", deadline=(berlin_today() + timedelta(days=7)).isoformat()
    )
    assert in_thread(lambda: DocumentRequest.objects.get().description) == "Personalausweis"


def test_two_staff_browsers_act_on_one_case_one_wins_the_other_is_told(browser, team):
    staff, oldest = team
    mine = in_thread(lambda: type(oldest).objects.get(reference="KL-2026-000002"))
    lead = in_thread(lambda: type(staff).objects.get(email="tl@jc.example"))
    url = f"{browser.server_url}/workbench/cases/{mine.public_id}/"
    pages = {"staff": logged_in_page(browser, staff), "lead": logged_in_page(browser, lead)}
    for page in pages.values():
        page.goto(url)  # both render the same version
    pages["lead"].get_by_label("Welche Unterlagen?").fill("Meldebescheinigung")
    walk.request_documents(pages["staff"], description="Mietvertrag")
    with pages["lead"].expect_navigation():
        pages["lead"].get_by_role("button", name="Nachforderung senden").click()
    expect(pages["lead"].get_by_role("alert")).to_contain_text("inzwischen von jemand anderem geändert")
    expect(pages["lead"].get_by_label("Welche Unterlagen?")).to_have_value("Meldebescheinigung")
    screenshot(pages["lead"], "workbench-case-changed-meanwhile-de-desktop")
    assert in_thread(lambda: list(DocumentRequest.objects.values_list("description", flat=True))) == ["Mietvertrag"]
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_queue_and_the_case_have_no_serious_axe_violations(browser, team, language):
    from axe_playwright_python.sync_playwright import Axe

    staff, oldest = team
    mine = in_thread(lambda: type(oldest).objects.get(reference="KL-2026-000002"))
    axe = Axe()
    report = []
    for size in SIZES:
        page = logged_in_page(browser, staff, locale={"de": "de-DE", "uk": "uk-UA"}[language], size=size)
        for name, path in (("queue", "/workbench/"), ("case", f"/workbench/cases/{mine.public_id}/")):
            page.goto(browser.server_url + path)
            assert page.locator("html").get_attribute("lang") == language
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if name == "case":  # the hand-over's select is on the page axe checks
                expect(page.get_by_label({"de": "An Team abgeben", "uk": "Передати команді"}[language])).to_be_visible()
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
            if serious:
                report.append(f"{path} {size}:\n{results.generate_report()}")
            assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"], (path, size)
            screenshot(page, f"workbench-{name}-{language}-{size}")
        page.context.close()
    assert report == [], "\n".join(report)
