"""The evidence pages in Debian's Chromium against a live daphne: uploads (a PDF and a
camera-sized JPEG) with progress, download, delete, a document request answered in
Ukrainian without JavaScript, an oversized upload answered with the page, and axe-core
at a phone and a desktop size in German and Ukrainian. Screenshots go to var/screenshots/."""

from __future__ import annotations

import io
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from applications.models import Document
from applications.services import application_create
from casework.services import document_request_create
from portal.models import Jobcenter
from tests.applications.conftest import EXE_BYTES, PDF_BYTES
from tests.applications.factories import fill_complete
from tests.conftest import require_binary
from tests.factories import JobcenterFactory, UserFactory
from tests.security import rawhttp
from tests.video.servers import Daphne, session_cookie_for
from tests.web.walks.documents import answer_request, delete_evidence, upload_evidence

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
LOCALES = {"de": "de-DE", "uk": "uk-UA"}
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
UPLOAD_CAP = 8 * 1024 * 1024  # the server's APPLICATION_UPLOAD_MAX_BYTES


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_setup):
    env = {
        "DEBUG": "true",
        "APPLICATION_UPLOAD_MAX_BYTES": str(UPLOAD_CAP),
        "PRIVATE_STORAGE_ROOT": str(tmp_path_factory.mktemp("private")),
    }
    with Daphne(env) as daphne:
        yield daphne


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


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small PDF and a 3000x4000 JPEG as a phone camera takes it (about 1-2 MB)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("uploads")
    (folder / "Mietvertrag.pdf").write_bytes(PDF_BYTES)
    (folder / "Kontoauszug.pdf").write_bytes(PDF_BYTES)
    (folder / "Programm.pdf").write_bytes(EXE_BYTES)
    noise = Image.frombytes("L", (750, 1000), random.Random(7).randbytes(750 * 1000))
    photo = Image.merge("RGB", [noise, noise.rotate(180), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    buffer = io.BytesIO()
    photo.resize((3000, 4000), Image.Resampling.BILINEAR).save(buffer, "JPEG", quality=85)
    (folder / "Kamera.jpg").write_bytes(buffer.getvalue())
    (folder / "Zu-gross.pdf").write_bytes(PDF_BYTES + b"0" * (UPLOAD_CAP + 2 * 1024 * 1024))
    return folder


def in_thread(query):
    """The ORM outside Playwright's event loop (Django refuses sync queries inside one)."""

    def run():
        try:
            return query()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def make_case():
    """A citizen with a lodged, filled application (of the one Jobcenter: references are unique)."""
    jobcenter = Jobcenter.objects.first() or JobcenterFactory(name="Jobcenter Kaiserslautern")
    citizen = UserFactory(citizen=True)
    draft = fill_complete(application_create(applicant=citizen, jobcenter_id=jobcenter.public_id, lodge=True))
    return citizen, draft


def make_request(citizen, application):
    """Submit ``application`` and have a team lead ask for documents (the casework service)."""
    from applications.services import application_submit

    application = application_submit(application=application, actor=citizen)
    lead = UserFactory(team_lead=True, jobcenter=application.jobcenter)
    request = document_request_create(
        application=application, actor=lead, description="Kontoauszüge der letzten drei Monate"
    )
    return request


def new_page(browser, citizen, *, language="de", size="desktop", javascript=True):
    context = browser.new_context(locale=LOCALES[language], viewport=SIZES[size], java_script_enabled=javascript)
    cookie = in_thread(lambda: session_cookie_for(citizen)).split("=", 1)[1]
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": browser.server_url}])
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_it_uploads_downloads_and_deletes_evidence_with_progress_in_german(browser, files):
    citizen, draft = in_thread(make_case)
    page = new_page(browser, citizen, size="phone")
    page.goto(f"{browser.server_url}/applications/{draft.public_id}/evidence/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Nachweise")

    upload_evidence(page, "Mietvertrag", files / "Mietvertrag.pdf")

    # The camera photo, on a slow line: the progress bar shows how far it is.
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1024 * 1024},
    )
    region = page.get_by_role("region", name="Weitere Unterlagen", exact=True)
    region.get_by_label("Foto aufnehmen", exact=True).set_input_files(str(files / "Kamera.jpg"))
    region.get_by_role("button", name="Hochladen").click()
    expect(region.get_by_role("status")).to_contain_text("Wird hochgeladen:")
    expect(region.get_by_label("Fortschritt beim Hochladen")).to_be_visible()
    screenshot(page, "evidence-progress-de-phone")
    expect(page.get_by_role("status").filter(has_text="Ihre Datei wurde hochgeladen")).to_be_visible(timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    expect(page.get_by_role("link", name="Kamera.jpg")).to_be_visible()
    screenshot(page, "evidence-uploaded-de-phone")

    with page.expect_download() as download:
        page.get_by_role("link", name="Mietvertrag.pdf").click()
    assert download.value.suggested_filename == "Mietvertrag.pdf"
    assert open(download.value.path(), "rb").read() == PDF_BYTES

    delete_evidence(page, "Mietvertrag.pdf")

    # A refused file: the answered page comes in with its error summary focused.
    region = page.get_by_role("region", name="Weitere Unterlagen", exact=True)
    region.get_by_label("Datei auswählen", exact=True).set_input_files(str(files / "Programm.pdf"))
    region.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(
        page.get_by_role("region", name="Weitere Unterlagen", exact=True).get_by_label("Datei auswählen")
    ).to_have_attribute("aria-invalid", "true")
    stored = in_thread(
        lambda: sorted(Document.objects.filter(application=draft).values_list("original_name", "checklist_key"))
    )
    assert stored == [("Kamera.jpg", "other")]
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems


def test_it_answers_a_document_request_in_ukrainian_without_javascript(browser, files):
    citizen, draft = in_thread(make_case)
    request = in_thread(lambda: make_request(citizen, draft))
    page = new_page(browser, citizen, language="uk", javascript=False)
    page.goto(f"{browser.server_url}/applications/{draft.public_id}/requests/{request.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Документи запитано")
    expect(page.locator("[lang=de]").filter(has_text="§")).not_to_have_count(0)

    answer_request(page, files / "Kontoauszug.pdf", language="uk")

    screenshot(page, "request-answered-uk-desktop")
    assert in_thread(lambda: Document.objects.get(document_request__public_id=request.public_id).original_name) == (
        "Kontoauszug.pdf"
    )


def test_it_answers_an_oversized_upload_without_javascript_with_the_page(browser, files):
    citizen, draft = in_thread(make_case)
    page = new_page(browser, citizen, javascript=False)
    evidence = f"{browser.server_url}/applications/{draft.public_id}/evidence/"
    page.goto(evidence)
    region = page.get_by_role("region", name="Weitere Unterlagen", exact=True)
    region.get_by_label("Datei auswählen", exact=True).set_input_files(str(files / "Zu-gross.pdf"))
    region.get_by_role("button", name="Hochladen").click()

    expect(page.get_by_role("alert")).to_contain_text("größer als 8 MB")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Nachweise")
    screenshot(page, "evidence-too-large-de-desktop")
    assert in_thread(lambda: Document.objects.filter(application=draft).count()) == 0


def test_it_refuses_an_announced_body_over_the_cap_with_a_page_before_reading_it(server):
    citizen, draft = in_thread(make_case)
    cookie = in_thread(lambda: session_cookie_for(citizen))

    result = rawhttp.stream(
        server.port,
        "POST",
        f"/applications/{draft.public_id}/evidence/",
        total=64 * 1024 * 1024,
        chunked=False,
        headers={"Cookie": cookie, "Content-Type": "multipart/form-data; boundary=x", "Accept-Language": "de"},
    )

    response = result.response
    assert response.status == 413
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["connection"] == "close"
    body = response.body.decode()
    assert "<h1" in body and "Nachweise" in body and "Bitte laden Sie eine kleinere Datei hoch" in body
    assert result.sent < UPLOAD_CAP + 1024 * 1024


@pytest.mark.parametrize("language", ["de", "uk"])
def test_it_has_no_axe_violations_at_phone_and_desktop_size(browser, language):
    from axe_playwright_python.sync_playwright import Axe

    citizen, draft = in_thread(make_case)  # the evidence page of a draft: an upload per item
    other, submitted = in_thread(make_case)
    request = in_thread(lambda: make_request(other, submitted))
    pages = {
        "evidence": (citizen, f"/applications/{draft.public_id}/evidence/"),
        "request": (other, f"/applications/{submitted.public_id}/requests/{request.public_id}/"),
    }
    axe, report = Axe(), []
    for size in SIZES:
        for name, (user, path) in pages.items():
            page = new_page(browser, user, language=language, size=size)
            page.goto(browser.server_url + path)
            assert page.locator("html").get_attribute("lang") == language
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            if results.violations_count:
                report.append(f"{path} {size}:\n{results.generate_report()}")
            assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
            screenshot(page, f"{name}-{language}-{size}")
            page.context.close()
    assert report == [], "\n".join(report)
