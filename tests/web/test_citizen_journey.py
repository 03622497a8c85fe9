"""The whole journey of a new citizen in Debian's Chromium against a live daphne on
PostgreSQL and Redis, on a phone-sized screen, in German (issue #16, "Done when"):

register and verify the e-mail address, log in, secure the application date, fill every
step, upload a PDF and a camera-sized JPEG, submit, open the receipt, read the
Jobcenter's message and reply, answer a document request (made by a staff service
call), book, move and cancel an appointment, accept a binding invitation.

Each part's own walks (Ukrainian, without JavaScript, keyboard only, axe) are in the
part's tests; this one chains the parts' walk steps (``tests/web/walks/``) the way one
person goes through them. Screenshots: var/screenshots/journey-*.png."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from applications.constants import ApplicationStatus
from applications.models import Application, DocumentRequest, Message
from appointments.constants import AppointmentStatus, InvitationPurpose, InvitationResponse
from appointments.models import Appointment
from portal.demo import DEMO_TEXTS
from portal.models import JobcenterText, User
from tests.applications.conftest import PDF_BYTES
from tests.appointments.factories import AppointmentTypeFactory, berlin, counsellor_with_hours, next_weekday
from tests.factories import JobcenterFactory, TeamFactory, UserFactory
from tests.video.servers import Daphne
from tests.web.test_browser import FLAGS, SIZES, in_thread, screenshot
from tests.web.walks import apply as apply_walk
from tests.web.walks import appointments as appointment_walk
from tests.web.walks import documents as documents_walk
from tests.web.walks import follow as follow_walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

EMAIL = "olena.kovalenko@example.org"
PASSWORD = "Sonnenblume-Kyjiw-2026"
TOPIC = "Beratung zur Arbeitssuche"


@pytest.fixture
def server(tmp_path):
    """A daphne of its own (its console e-mails are read from its log), with private
    storage in a temporary folder."""
    private = tmp_path / "private"
    private.mkdir()
    # No EMAIL_HOST (the tests' settings name one): DEBUG's console backend writes the mails to the log.
    with Daphne({"DEBUG": "true", "EMAIL_HOST": "", "PRIVATE_STORAGE_ROOT": str(private)}) as server:
        yield server


@pytest.fixture
def office(db):
    """The Jobcenter as seed_demo leaves it, with a benefits team that takes every case,
    a caseworker, and a counsellor with free hours on every day."""
    from casework.models import RoutingRule
    from portal.constants import TeamKind

    jobcenter = JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")
    for kind, texts in DEMO_TEXTS.items():
        JobcenterText.objects.create(jobcenter=jobcenter, kind=kind, **texts)
    team = TeamFactory(jobcenter=jobcenter, name="Leistung A-Z", kind=TeamKind.BENEFITS)
    RoutingRule.objects.create(jobcenter=jobcenter, team=team, is_default=True)
    staff = UserFactory(staff=True, jobcenter=jobcenter, teams=[team], first_name="Sam", last_name="Berger")
    placement = TeamFactory(jobcenter=jobcenter, name="Arbeitsvermittlung", kind=TeamKind.PLACEMENT)
    appointment_type = AppointmentTypeFactory(
        jobcenter=jobcenter, team=placement, slug="beratung", name=TOPIC, translations={}
    )
    counsellor = counsellor_with_hours(appointment_type, languages=("de", "uk"), first_name="Erika", last_name="Muster")
    return {"jobcenter": jobcenter, "staff": staff, "type": appointment_type, "counsellor": counsellor}


@pytest.fixture
def browser(server, office):  # the data first: no ORM inside Playwright's event loop
    from playwright.sync_api import sync_playwright

    from tests.conftest import require_binary

    chromium = require_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def mailed_code(server: Daphne, address: str) -> str:
    """The verification code of the last e-mail to ``address`` (the console backend
    writes mails into the server's log)."""
    server.log.seek(0)
    log = server.log.read().decode(errors="replace")
    mail = log[log.rindex(f"To: {address}") :]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail, re.MULTILINE).group(1)


def camera_jpeg(path) -> None:
    """A photo as a phone camera takes it: 3000 x 4000 pixels."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (3000, 4000), "white")
    draw = ImageDraw.Draw(image)
    for y in range(0, 4000, 40):
        draw.line([(0, y), (3000, y + 200)], fill=(30, 30, 30), width=3)
    image.save(path, "JPEG", quality=85)


def shot(page, name: str) -> None:
    screenshot(page, f"journey-{name}-de-phone")


def test_a_new_citizen_goes_the_whole_way_in_german_on_a_phone(browser, server, office, tmp_path):
    base = server.url
    context = browser.new_context(locale="de-DE", viewport=SIZES["phone"], accept_downloads=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))

    # Register and verify the e-mail address with the mailed code, then log in.
    page.goto(base + "/")
    shot(page, "start")
    page.get_by_role("link", name="Registrieren").first.click()
    page.get_by_label("E-Mail").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-Mail")
    page.get_by_label("Code").fill(mailed_code(server, EMAIL))
    page.get_by_role("button", name="Bestätigen").click()
    # Verified, the new citizen is logged in and sees the overview; log out and in again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Übersicht")
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("link", name="Anmelden").first.click()
    page.get_by_label("E-Mail").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmeldung", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Übersicht")
    shot(page, "overview-new")
    citizen = in_thread(lambda: User.objects.get(email=EMAIL))
    assert in_thread(lambda: citizen.emailaddress_set.get().verified)

    # Secure the date, fill every step.
    reference = apply_walk.secure_date(page, base)
    assert reference.startswith("KL-")
    apply_walk.fill_all_steps(page)
    shot(page, "review")
    application = in_thread(lambda: Application.objects.get(applicant__email=EMAIL))

    # Evidence: a PDF chosen as a file, a photo taken with the camera.
    pdf, photo = tmp_path / "Mietvertrag.pdf", tmp_path / "Ausweis.jpg"
    pdf.write_bytes(PDF_BYTES)
    camera_jpeg(photo)
    page.goto(f"{base}/applications/{application.public_id}/evidence/")
    documents_walk.upload_evidence(page, "Mietvertrag", pdf)
    documents_walk.upload_evidence(page, "Personalausweis oder Reisepass von Olena Kovalenko", photo, photo=True)
    shot(page, "evidence")
    assert in_thread(lambda: application.documents.count()) == 2

    # Submit from the review page, open the receipt.
    page.goto(f"{base}/applications/{application.public_id}/review/")
    apply_walk.submit(page)
    expect(page.get_by_text(reference)).to_be_visible()
    shot(page, "submitted")
    assert apply_walk.download_receipt(page).startswith(b"%PDF")
    application = in_thread(lambda: Application.objects.get(pk=application.pk))
    assert application.status == ApplicationStatus.SUBMITTED

    # The caseworker takes the case, writes, and asks for bank statements (services, as the API does).
    def jobcenter_writes_and_asks():
        from casework.services import application_claim_next, document_request_create, staff_message_send

        staff = office["staff"]
        claimed = application_claim_next(user=staff)
        assert claimed.pk == application.pk
        staff_message_send(application=claimed, actor=staff, body="Guten Tag, bitte senden Sie Kontoauszüge.")
        return document_request_create(
            application=Application.objects.get(pk=claimed.pk),
            actor=staff,
            description="Kontoauszüge der letzten drei Monate",
        )

    request = in_thread(jobcenter_writes_and_asks)

    # Read the message and reply; answer the request by upload.
    follow_walk.open_overview(page, base)
    shot(page, "overview-request")
    follow_walk.open_application(page, reference)
    follow_walk.read_and_reply(page, "Ich schicke die Kontoauszüge heute.")
    shot(page, "messages")
    page.goto(f"{base}/applications/{application.public_id}/requests/{request.public_id}/")
    documents_walk.answer_request(page, pdf)
    shot(page, "request-answered")
    assert in_thread(lambda: Message.objects.filter(application=application, from_jobcenter=False).count()) == 1
    assert in_thread(lambda: DocumentRequest.objects.get(pk=request.pk).documents.count()) == 1

    # Book an appointment by video, take it into the calendar, move it, cancel it.
    appointment_walk.open_topics(page, base)
    appointment_walk.book(page, TOPIC, "video")
    shot(page, "appointment-booked")
    assert appointment_walk.download_calendar(page).startswith(b"BEGIN:VCALENDAR")
    first = in_thread(lambda: Appointment.objects.get(citizen=citizen, status=AppointmentStatus.BOOKED))
    appointment_walk.move(page)
    moved = in_thread(lambda: Appointment.objects.get(citizen=citizen, status=AppointmentStatus.BOOKED))
    assert moved.start != first.start
    appointment_walk.cancel(page)
    assert not in_thread(lambda: Appointment.objects.filter(citizen=citizen, status=AppointmentStatus.BOOKED).exists())

    # A binding invitation from the Jobcenter: read the Rechtsfolgenbelehrung, accept.
    def invite():
        from appointments.services import invitation_create

        day = next_weekday(3, weeks_ahead=2)
        return invitation_create(
            actor=office["staff"],
            citizen=citizen,
            appointment_type=office["type"],
            start=berlin(day.year, day.month, day.day, 10),
            channel="in_person",
            purpose=InvitationPurpose.PLACEMENT,
        )

    invitation = in_thread(invite)
    page.goto(f"{base}/appointments/{invitation.public_id}/")
    shot(page, "invitation")
    appointment_walk.accept_invitation(page)
    assert in_thread(lambda: Appointment.objects.get(pk=invitation.pk).response) == InvitationResponse.CONFIRMED

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()
    print(f"\nscreenshots: {settings.BASE_DIR / 'var' / 'screenshots'}")
