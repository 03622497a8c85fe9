"""The follow pages in Debian's Chromium against a live daphne: a German walk
(overview, application, timeline, Postfach read and reply, decision notice, withdraw
another application), a reply in Ukrainian, a reply with JavaScript off, and axe-core
on each page at phone and desktop size in German and Ukrainian.

Screenshots go to var/screenshots/follow-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from playwright.sync_api import expect

from applications.constants import ApplicationStatus as S
from applications.models import Application, Message
from applications.services import message_post
from applications.workflow import application_transition
from casework.services import application_decide
from tests.applications.conftest import PDF_BYTES
from tests.applications.factories import ApplicationFactory, DocumentRequestFactory
from tests.conftest import require_binary
from tests.factories import JobcenterFactory, UserFactory
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import FLAGS, SIZES, WCAG_A_AA, in_thread, screenshot
from tests.web.walks import follow as walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

LOCALES = {"de": "de-DE", "uk": "uk-UA"}


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One daphne for the module (on the test database, with a private storage of its own)."""
    private = tmp_path_factory.mktemp("private")
    with Daphne({"DEBUG": "true", "PRIVATE_STORAGE_ROOT": str(private)}) as server:
        server.private_root = str(private)
        yield server


@pytest.fixture
def browser(server, settings, _private_storage):
    """Chromium per test: Playwright's event loop must be gone before the test database
    is flushed (Django refuses sync queries inside a running loop). The notices the test
    writes go where the server reads them."""
    from django.core.files.storage import storages
    from playwright.sync_api import sync_playwright

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": server.private_root}},
    }
    storages._storages.pop("private", None)

    chromium = require_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        browser.server_url = server.url
        try:
            yield browser
        finally:
            browser.close()


def make_citizen() -> SimpleNamespace:
    """A citizen with a decided application (a message from the Jobcenter, a notice) and an
    open one in review (a document request), both built through the services."""
    jobcenter = JobcenterFactory(name="Jobcenter Kaiserslautern")
    lead = UserFactory(team_lead=True, jobcenter=jobcenter)
    citizen = UserFactory(citizen=True, first_name="Olena", last_name="Kovalenko")
    decided = ApplicationFactory(in_review=True, applicant=citizen, jobcenter=jobcenter)
    message_post(
        application=decided, actor=lead, body="Guten Tag, bitte prüfen Sie Ihren Bescheid.", from_jobcenter=True
    )
    application_decide(
        application=decided,
        actor=lead,
        outcome="approved",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 10, 31),
        amounts={"monthly_amount": Decimal("1168.00"), "standard_needs_amount": Decimal("563.00")},
        text="Bewilligt.",
    )
    current = ApplicationFactory(submitted=True, applicant=citizen, jobcenter=jobcenter)
    application_transition(application=current, target=S.IN_REVIEW, actor=lead)
    DocumentRequestFactory(application=current, deadline=dt.date(2027, 1, 15))
    message_post(application=current, actor=lead, body="Wir brauchen noch Kontoauszüge.", from_jobcenter=True)
    return SimpleNamespace(
        citizen=citizen,
        decided=Application.objects.get(pk=decided.pk),
        current=Application.objects.get(pk=current.pk),
        cookie=session_cookie_for(citizen).split("=", 1)[1],
    )


def new_page(browser, person, *, language="de", size="desktop", javascript=True):
    context = browser.new_context(locale=LOCALES[language], viewport=SIZES[size], java_script_enabled=javascript)
    context.add_cookies([{"name": "sessionid", "value": person.cookie, "url": browser.server_url}])
    # The language as a person would choose it: the switch keeps it in the session's cookie.
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": browser.server_url}])
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    return page


def test_it_follows_an_application_in_german(browser):
    person = in_thread(make_citizen)
    page = new_page(browser, person)
    walk.open_overview(page, browser.server_url)
    expect(page.get_by_text("Angeforderte Unterlagen senden")).to_be_visible()  # the next step: the request
    expect(page.get_by_text("15. Januar 2027")).to_be_visible()
    expect(page.get_by_text("Sie haben 1 ungelesene Nachricht.")).to_be_visible()
    screenshot(page, "follow-overview-de-desktop")

    walk.open_application(page, person.decided.reference)
    expect(page.get_by_text("Entscheidung: bewilligt")).to_be_visible()  # the timeline
    screenshot(page, "follow-detail-de-desktop")
    attachment = {"name": "Kontoauszug.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    walk.read_and_reply(page, "Vielen Dank, ich habe den Bescheid erhalten.", files=[attachment])
    unread = Message.objects.filter(application=person.decided, from_jobcenter=True, read_by_citizen_at=None)
    assert in_thread(unread.count) == 0
    href = page.get_by_role("link", name="Kontoauszug.pdf").get_attribute("href")
    sent = page.context.request.get(browser.server_url + href)
    assert sent.status == 200 and sent.body() == PDF_BYTES
    screenshot(page, "follow-messages-attachment-de-desktop")
    screenshot(page, "follow-messages-de-desktop")

    page.get_by_role("link", name="Zurück zu Ihrem Antrag").click()
    walk.open_decision(page)
    expect(page.get_by_text("1.168,00 €")).to_be_visible()
    # The link's file, fetched with the page's session (a headless download may be cancelled).
    href = page.get_by_role("link", name="Bescheid herunterladen").get_attribute("href")
    notice = page.context.request.get(browser.server_url + href)
    assert notice.status == 200 and notice.headers["content-type"] == "application/pdf"
    assert notice.body().startswith(b"%PDF")
    screenshot(page, "follow-decision-de-desktop")

    walk.open_overview(page, browser.server_url)
    walk.open_application(page)
    walk.withdraw(page, "Ich habe eine Arbeit gefunden.")
    expect(page.get_by_text("Begründung: Ich habe eine Arbeit gefunden.")).to_be_visible()
    current = in_thread(lambda: Application.objects.get(pk=person.current.pk))
    assert current.status == S.WITHDRAWN and current.withdrawal_reason == "Ich habe eine Arbeit gefunden."
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems


def test_it_reads_and_replies_in_ukrainian(browser):
    person = in_thread(make_citizen)
    page = new_page(browser, person, language="uk", size="phone")
    walk.open_overview(page, browser.server_url)
    walk.open_application(page)
    expect(page.get_by_role("heading", name="Хронологія")).to_be_visible()
    walk.read_and_reply(page, "Дякую, надішлю виписки завтра.")
    screenshot(page, "follow-messages-uk-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    body = in_thread(lambda: Message.objects.filter(application=person.current, from_jobcenter=False).get().body)
    assert body == "Дякую, надішлю виписки завтра."


def test_it_replies_without_javascript_and_shows_the_error_at_the_field(browser):
    person = in_thread(make_citizen)
    page = new_page(browser, person, javascript=False)
    page.goto(f"{browser.server_url}/applications/{person.current.public_id}/messages/")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben")).to_be_visible()
    field = page.get_by_label("Ihre Nachricht")
    expect(field).to_have_attribute("aria-invalid", "true")
    screenshot(page, "follow-messages-error-de-desktop")
    field.fill("Ohne JavaScript geschrieben.")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(
        page.get_by_role("status").filter(has_text="Ihre Nachricht wurde an das Jobcenter gesendet.")
    ).to_be_visible()
    assert in_thread(lambda: Message.objects.filter(body="Ohne JavaScript geschrieben.").exists())


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_follow_pages_have_no_axe_violations(browser, language):
    from axe_playwright_python.sync_playwright import Axe

    person = in_thread(make_citizen)
    decided, current = person.decided.public_id, person.current.public_id
    paths = {
        "overview": "/overview/",
        "list": "/applications/",
        "detail": f"/applications/{current}/",
        "messages": f"/applications/{current}/messages/",
        "decision": f"/applications/{decided}/decision/",
        "withdraw": f"/applications/{current}/withdraw/",
    }
    axe = Axe()
    report = []
    for size in SIZES:
        page = new_page(browser, person, language=language, size=size)
        for name, path in paths.items():
            page.goto(browser.server_url + path)
            assert page.locator("html").get_attribute("lang") == language
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            if results.violations_count:
                report.append(f"{path} {size}:\n{results.generate_report()}")
            screenshot(page, f"follow-{name}-{language}-{size}")
            if size == "phone":  # reflow at 320 CSS px without horizontal scrolling (WCAG 1.4.10)
                page.set_viewport_size({"width": 320, "height": 640})
                assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
                page.set_viewport_size(SIZES[size])
        page.context.close()
    assert report == [], "\n".join(report)
