"""Staff and citizen on one case, in two browser contexts of Debian's Chromium against
a live daphne (issue #17): staff log in with TOTP, claim the next case and request
documents; the citizen answers by upload; staff accept, continue the review, look at
the decision form and decide; the citizen reads the decision notice. Then the team
lead's dashboard. The main staff pages: var/screenshots/staff-*.png
(1280x800), with ``DOCS_UI=1`` docs/ui/staff-*.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from applications.constants import ApplicationStatus
from applications.models import Application, Document, DocumentRequest
from casework.models import Decision, RoutingRule
from tests.applications.conftest import PDF_BYTES
from tests.applications.factories import ApplicationFactory
from tests.conftest import require_binary
from tests.factories import PASSWORD, JobcenterFactory, TeamFactory, UserFactory, with_totp
from tests.security.flows import fresh_totp_code
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import FLAGS, SCREENSHOTS, in_thread, new_page, screenshot
from tests.web.walks import documents as documents_walk
from tests.web.walks import follow as follow_walk
from tests.web.walks import workbench as walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

DOCS_UI = Path(settings.BASE_DIR) / "docs" / "ui"


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One daphne with a private storage of its own (the citizen's upload, the notice)."""
    with Daphne({"DEBUG": "true", "PRIVATE_STORAGE_ROOT": str(tmp_path_factory.mktemp("private"))}) as server:
        yield server


@pytest.fixture
def browser(server):  # per test: Playwright's event loop must be gone before the database is flushed
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        browser.server_url = server.url
        try:
            yield browser
        finally:
            browser.close()


def _world():
    jobcenter = JobcenterFactory(name="Jobcenter Kaiserslautern", reference_prefix="KL")
    team = TeamFactory(jobcenter=jobcenter, name="Leistung A-Z")
    RoutingRule.objects.create(jobcenter=jobcenter, team=team, is_default=True)
    staff = UserFactory(staff=True, jobcenter=jobcenter, teams=[team], email="sb@jc.example", first_name="Sam")
    lead = UserFactory(team_lead=True, jobcenter=jobcenter, teams=[team], email="tl@jc.example")
    citizen = UserFactory(citizen=True, first_name="Olena", last_name="Kovalenko")
    case = ApplicationFactory(submitted=True, applicant=citizen, jobcenter=jobcenter, team=team)
    secret = with_totp(staff)
    hasher = PBKDF2PasswordHasher()  # the tests hash with MD5; the server knows only the real hashers
    staff.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    staff.save(update_fields=["password"])
    return staff, lead, citizen, case, secret


def logged_in_page(browser, user, **kwargs):
    page = new_page(browser, **kwargs)
    cookie = in_thread(lambda: session_cookie_for(user))
    page.context.add_cookies([{"name": "sessionid", "value": cookie.split("=", 1)[1], "url": browser.server_url}])
    page.set_default_timeout(15_000)
    return page


def docs_screenshot(page, name: str) -> None:
    """A page as staff see it at 1280x800 (the viewport, not the whole long page). Into
    docs/ui only when asked (``DOCS_UI=1``), so a test run leaves the tracked images alone."""
    folder = DOCS_UI if os.environ.get("DOCS_UI") == "1" else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"staff-{name}.png"
    page.screenshot(path=str(path), type="png")
    assert path.stat().st_size < 250_000, f"{path.name} is {path.stat().st_size} bytes"


def test_staff_and_citizen_work_one_case_to_its_decision(browser, tmp_path):
    staff, lead, citizen, case, secret = in_thread(_world)
    answer = tmp_path / "Mietvertrag.pdf"
    answer.write_bytes(PDF_BYTES)

    # Staff: TOTP through the real login page, the queue, "Nächster Fall", request documents.
    work = new_page(browser)
    work.set_default_timeout(15_000)
    walk.log_in_with_totp(
        work, base_url=browser.server_url, email=staff.email, password=PASSWORD, code=lambda: fresh_totp_code(secret)
    )
    expect(work.get_by_role("link", name=case.reference)).to_be_visible()
    work.reload()  # without the login's notice
    work.get_by_role("link", name=case.reference).evaluate(
        "e => e.scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    docs_screenshot(work, "queue-de-desktop")
    walk.claim_next_case(work)
    expect(work.get_by_role("heading", level=1)).to_have_text(f"Fall {case.reference}")
    walk.request_documents(work, description="Mietvertrag (alle Seiten)")
    request = in_thread(lambda: DocumentRequest.objects.get(application=case))

    # The citizen, in a browser of their own: the request's page, the answer by upload.
    home = logged_in_page(browser, citizen)
    home.goto(f"{browser.server_url}/applications/{case.public_id}/requests/{request.public_id}/")
    expect(home.get_by_text("Mietvertrag (alle Seiten)")).to_be_visible()
    documents_walk.answer_request(home, answer)
    assert in_thread(lambda: Document.objects.get(document_request=request).original_name) == "Mietvertrag.pdf"

    # Staff: the answer is on the case; accept it, continue the review, decide.
    work.reload()
    expect(work.get_by_role("button", name="Unterlagen annehmen")).to_be_visible()
    docs_screenshot(work, "case-de-desktop")
    walk.accept_request(work)
    walk.resume_review(work)
    walk.fill_approval(work, starts_on="2026-12-01", monthly="1012.50", standard="563.00", housing="449.50")
    preview = work.get_by_role("button", name="Bescheid ansehen (PDF)")  # the form down to its two buttons
    preview.evaluate("e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
    docs_screenshot(work, "decide-de-desktop")
    walk.send_decision(work)
    decided = in_thread(lambda: Application.objects.get(pk=case.pk))
    assert decided.status == ApplicationStatus.APPROVED
    decision = in_thread(lambda: Decision.objects.get(application=case))
    assert (str(decision.monthly_amount), decision.decided_by_id) == ("1012.50", staff.pk)

    # The citizen sees the decision and its notice.
    follow_walk.open_overview(home, browser.server_url)
    follow_walk.open_application(home)
    follow_walk.open_decision(home)
    with home.expect_download() as download:
        home.get_by_role("link", name=follow_walk.words(home)["download"]).click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    screenshot(home, "workbench-journey-citizen-decision-de")

    # The team lead's dashboard, reached from the header's "Auswertung".
    boss = logged_in_page(browser, lead)
    boss.goto(f"{browser.server_url}/workbench/")
    boss.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Auswertung").click()
    expect(boss.get_by_role("heading", level=1)).to_be_visible()
    expect(boss.get_by_role("link", name="Auswertung")).to_have_attribute("aria-current", "page")
    docs_screenshot(boss, "dashboard-de-desktop")
    for page in (work, home, boss):
        assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems
