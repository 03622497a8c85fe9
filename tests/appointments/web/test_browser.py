"""The appointment pages in Debian's Chromium against a live daphne: the German walk
(topic, filter, book, .ics, move, cancel), a binding invitation accepted after reading
and one answered with a request for another date, the walk in Ukrainian, booking with
JavaScript off, and axe-core on every page at phone and desktop size in German and
Ukrainian. Screenshots go to var/screenshots/appointments-*.png."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from appointments import services
from appointments.constants import AppointmentStatus, Channel, InvitationPurpose, InvitationResponse
from appointments.models import Appointment
from tests.appointments.factories import AppointmentTypeFactory, berlin, counsellor_with_hours, next_weekday
from tests.conftest import require_binary
from tests.factories import UserFactory
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import FLAGS, SCREENSHOTS, SIZES, WCAG_A_AA
from tests.web.walks import appointments as walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

TOPIC = "Beratung zur Arbeitssuche"


@pytest.fixture(scope="module")
def server():
    with Daphne({"DEBUG": "true"}) as daphne:
        yield daphne


@pytest.fixture
def world(jobcenter, appointment_type):
    """A counsellor with hours every day (German and Ukrainian), a citizen and their session."""
    counsellor = counsellor_with_hours(appointment_type, languages=("de", "uk"), first_name="Erika")
    citizen = UserFactory(citizen=True, first_name="Olena", last_name="Koval")
    return {"citizen": citizen, "counsellor": counsellor, "cookie": session_cookie_for(citizen).split("=", 1)[1]}


@pytest.fixture
def browser(world, server):
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    with sync_playwright() as playwright:
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


def citizen_page(browser, world, *, language="de", size="desktop", javascript=True):
    context = browser.new_context(
        locale={"de": "de-DE", "uk": "uk-UA"}[language],
        viewport=SIZES[size],
        java_script_enabled=javascript,
        accept_downloads=True,
    )
    context.add_cookies([{"name": "sessionid", "value": world["cookie"], "url": browser.server_url}])
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"appointments-{name}.png"), full_page=True)


def the_appointment(world) -> Appointment:
    return in_thread(lambda: Appointment.objects.select_related("appointment_type").get(citizen=world["citizen"]))


def invite(world, appointment_type, *, weeks_ahead=1) -> Appointment:
    """A binding invitation, made with the service the staff API calls."""

    def create():
        staff = UserFactory(staff=True, jobcenter=appointment_type.jobcenter)
        day = next_weekday(3, weeks_ahead=weeks_ahead)
        return services.invitation_create(
            actor=staff,
            citizen=world["citizen"],
            appointment_type=appointment_type,
            start=berlin(day.year, day.month, day.day, 10),
            channel=Channel.IN_PERSON,
            purpose=InvitationPurpose.PLACEMENT,
        )

    return in_thread(create)


def no_csp_problems(page):
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems


def test_it_walks_topic_filter_booking_calendar_move_and_cancel_in_german(world, browser):
    page = citizen_page(browser, world)
    walk.open_topics(page, browser.server_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Termin buchen")
    page.get_by_role("link", name=TOPIC).click()

    # With JavaScript, htmx swaps the list as soon as a filter changes: only video times remain.
    times = walk.free_times(page)
    expect(times.get_by_role("button", name=re.compile("Vor Ort")).first).to_be_visible()
    page.get_by_label("Wie möchten Sie sprechen?").select_option("video")
    expect(times.get_by_role("button", name=re.compile("Vor Ort"))).to_have_count(0)
    expect(times.get_by_role("button", name=re.compile("Per Video")).first).to_be_visible()
    assert "channel=video" in page.url  # the filter is in the address, for back and reload
    # Each time's accessible name says time, date and way.
    expect(times.get_by_role("button").first).to_have_accessible_name(
        re.compile(r"^\d\d:\d\d \w+, \d+\. \w+ \d{4}, Per Video\s*$")
    )
    screenshot(page, "slots-video-de-desktop")

    page.go_back()
    walk.open_topics(page, browser.server_url)
    chosen = walk.book(page, TOPIC, "video", language="uk")
    assert re.match(r"\d\d:\d\d \w+, \d+\. \w+ \d{4}, Per Video", chosen), chosen
    booked = the_appointment(world)
    assert (booked.channel, booked.languages, booked.status) == (Channel.VIDEO, ["uk"], AppointmentStatus.BOOKED)
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC)
    expect(page.get_by_role("link", name="Kamera, Mikrofon und Verbindung jetzt testen")).to_be_visible()
    screenshot(page, "detail-de-desktop")

    calendar = walk.download_calendar(page)
    assert calendar.startswith(b"BEGIN:VCALENDAR") and str(booked.public_id).encode() in calendar

    walk.move(page)
    moved = the_appointment(world)
    assert moved.start != booked.start and moved.version == booked.version + 1

    walk.cancel(page)
    assert the_appointment(world).status == AppointmentStatus.CANCELLED
    no_csp_problems(page)


def test_it_accepts_an_invitation_after_reading_and_asks_for_another_date(world, browser, appointment_type):
    first = invite(world, appointment_type)
    second = invite(world, appointment_type, weeks_ahead=2)
    page = citizen_page(browser, world, size="phone")

    page.goto(f"{browser.server_url}/appointments/{first.public_id}/")
    expect(page.get_by_role("heading", name="Rechtsfolgenbelehrung")).to_be_visible()
    expect(page.locator("#legal-text")).to_contain_text("§ 32 SGB II")
    # Without the tick the answer is refused, at the field and in the focused summary.
    page.get_by_role("button", name="Termin bestätigen").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Ich habe die Rechtsfolgenbelehrung gelesen.")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "invitation-error-de-phone")
    walk.accept_invitation(page)
    assert in_thread(lambda: Appointment.objects.get(pk=first.pk).response) == InvitationResponse.CONFIRMED

    page.goto(f"{browser.server_url}/appointments/{second.public_id}/")
    walk.ask_for_another_date(page, "Ich habe an dem Tag ein Vorstellungsgespräch.")
    answered = in_thread(lambda: Appointment.objects.get(pk=second.pk))
    assert answered.response == InvitationResponse.CHANGE_REQUESTED
    assert answered.response_note == "Ich habe an dem Tag ein Vorstellungsgespräch."
    no_csp_problems(page)


def test_it_books_moves_and_cancels_in_ukrainian(world, browser):
    page = citizen_page(browser, world, language="uk", size="phone")
    walk.open_topics(page, browser.server_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Записатися на зустріч")
    chosen = walk.book(page, TOPIC, "phone", language="uk")
    assert "Телефоном" in chosen
    screenshot(page, "detail-uk-phone")
    walk.move(page)
    walk.cancel(page)
    assert the_appointment(world).status == AppointmentStatus.CANCELLED
    no_csp_problems(page)


def test_it_books_with_javascript_off(world, browser):
    page = citizen_page(browser, world, javascript=False)
    walk.open_topics(page, browser.server_url)
    walk.book(page, TOPIC, "in_person")
    assert the_appointment(world).channel == Channel.IN_PERSON
    # Paging to the next days is a plain link.
    page.goto(f"{browser.server_url}/appointments/book/beratung/")
    page.get_by_role("link", name="Nächste Tage").click()
    expect(walk.free_times(page).get_by_role("heading", level=3).first).to_be_visible()
    assert "start=" in page.url


@pytest.mark.parametrize("language", ["de", "uk"])
def test_it_has_no_axe_violations_on_the_appointment_pages(world, browser, appointment_type, language):
    from axe_playwright_python.sync_playwright import Axe

    def book():
        day = next_weekday(1)
        return services.appointment_book(
            citizen=world["citizen"],
            appointment_type=appointment_type,
            start=berlin(day.year, day.month, day.day, 9),
            channel=Channel.VIDEO,
        )

    booked = in_thread(book)
    invitation = invite(world, appointment_type)
    in_thread(lambda: AppointmentTypeFactory(jobcenter=appointment_type.jobcenter, slug="zweites", name="Zweites"))
    pages = {
        "list": "/appointments/",
        "topics": "/appointments/book/",
        "slots": "/appointments/book/beratung/",
        "detail": f"/appointments/{booked.public_id}/",
        "move": f"/appointments/{booked.public_id}/move/",
        "cancel": f"/appointments/{booked.public_id}/cancel/",
        "invitation": f"/appointments/{invitation.public_id}/",
        "room": f"/video/{booked.public_id}/",
    }
    axe = Axe()
    report = []
    for size in SIZES:
        page = citizen_page(browser, world, language=language, size=size)
        for name, path in pages.items():
            page.goto(browser.server_url + path)
            assert page.locator("html").get_attribute("lang") == language
            assert page.get_by_role("heading", level=1).count() == 1
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                report.append(f"{name} {size}:\n{results.generate_report()}")
            if name != "room":
                # Reflow: nothing wider than the screen.
                assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"], (name, size)
            screenshot(page, f"{name}-{language}-{size}")
        page.context.close()
    assert report == [], "\n".join(report)
