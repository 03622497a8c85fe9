"""The counsellor's pages in Debian's Chromium against a live daphne (PostgreSQL,
Redis): the counsellor adds extra hours, the citizen books the new slot, the
counsellor sees it in the agenda, opens the video room and admits the citizen
(a second browser context with the fake camera), and the call connects; axe-core
on every counsellor page at 360x740 and 1280x800 in German and Ukrainian.

The citizen books on the citizen's booking pages (``tests/web/walks/appointments.py``).
Screenshots go to var/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment, AppointmentType, CounsellorProfile
from portal.clock import BERLIN
from portal.constants import Role
from tests.appointments.factories import LegalNoticeFactory
from tests.conftest import require_binary
from tests.factories import JobcenterFactory, UserFactory
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import SIZES, WCAG_A_AA, in_thread, screenshot
from tests.web.walks import appointments as booking
from tests.web.walks import counsellor as walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
REMOTE_VIDEO_PLAYING = """() => [...document.querySelectorAll('#remotes video')]
    .some(v => v.videoWidth > 0 && !v.paused && v.readyState >= 2)"""


@pytest.fixture
def world(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    jobcenter = JobcenterFactory()
    appointment_type = AppointmentType.objects.create(
        jobcenter=jobcenter,
        slug="video-beratung",
        name="Videoberatung",
        description="Beratung per Video",
        duration=timedelta(minutes=10),
        channels=[Channel.VIDEO, Channel.PHONE],
        languages=["de", "uk"],
        minimum_notice=timedelta(0),
        booking_horizon=timedelta(days=60),
    )
    counsellor = UserFactory(counsellor=True, jobcenter=jobcenter, first_name="Petra", last_name="Berater")
    CounsellorProfile.objects.create(user=counsellor, languages=["de", "uk"])
    citizen = UserFactory(citizen=True, jobcenter=jobcenter, first_name="Oksana", last_name="Melnyk")
    LegalNoticeFactory()
    return appointment_type, counsellor, citizen


def _context(browser, url, session, *, locale="de-DE", size="desktop", javascript=True):
    context = browser.new_context(locale=locale, viewport=SIZES[size], java_script_enabled=javascript)
    context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def test_extra_hours_are_booked_seen_in_the_agenda_and_the_call_connects(world):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    _appointment_type, counsellor, citizen = world
    chromium = require_binary("chromium")
    sessions = {
        "counsellor": session_cookie_for(counsellor).split("=", 1)[1],
        "citizen": session_cookie_for(citizen).split("=", 1)[1],
    }
    now = timezone.now().astimezone(BERLIN)
    if now.hour == 23 and now.minute >= 20:
        pytest.skip("extra hours today need an hour before midnight (Berlin time)")
    start = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
    end = start + timedelta(minutes=40)
    today = now.date().isoformat()
    with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            # 1. Extra hours today, by video, with JavaScript off (rows are added by a submit button).
            page = _context(browser, server.url, sessions["counsellor"], javascript=False)
            walk.open_availability(page, server.url)
            expect(page.get_by_text("Keine freien Termine in den nächsten zwei Wochen.")).to_be_visible()
            walk.add_extra_hours(
                page, day=today, start=start.strftime("%H:%M"), end=end.strftime("%H:%M"), channel="Per Video"
            )
            screenshot(page, "counsel-availability-form-de-desktop")
            walk.save_availability(page)
            assert "Per Video" in walk.free_slots_text(page)
            screenshot(page, "counsel-availability-saved-de-desktop")

            # 2. The citizen books the first new slot on the booking pages (a second context).
            guest = _context(browser, server.url, sessions["citizen"])
            booking.open_topics(guest, server.url)
            booking.book(guest, "Videoberatung", "video")
            appointment = in_thread(lambda: Appointment.objects.get(citizen=citizen, status=AppointmentStatus.BOOKED))
            assert appointment.counsellor_id == counsellor.pk
            invite_at = (appointment.start + timedelta(minutes=20)).astimezone(BERLIN).strftime("%H:%M")

            # 3. The agenda shows it; its page leads to the video room (which needs JavaScript).
            page.context.close()
            page = _context(browser, server.url, sessions["counsellor"])
            walk.open_agenda(page, server.url, day=today)
            walk.open_appointment_of(page, "Oksana Melnyk")
            screenshot(page, "counsel-appointment-de-desktop")
            page.get_by_role("link", name="Videoraum öffnen").click()
            expect(page).to_have_url(f"{server.url}/video/{appointment.public_id}/")

            # 4. The citizen in a second context with the fake camera; admitted from the waiting room.
            guest.goto(f"{server.url}/video/{appointment.public_id}/")
            for room in (page, guest):
                expect(room.locator("#join")).to_be_enabled(timeout=10_000)
            page.locator("#join").click()
            expect(page.locator("#call")).to_be_visible(timeout=10_000)
            guest.locator("#join").click()
            expect(guest.locator("#waiting")).to_be_visible(timeout=10_000)
            admit = page.locator("#lobby-list button.primary")
            expect(admit).to_be_visible(timeout=10_000)
            admit.click()
            expect(guest.locator("#call")).to_be_visible(timeout=10_000)
            for room in (page, guest):
                room.wait_for_function(REMOTE_VIDEO_PLAYING, timeout=30_000)
            screenshot(page, "counsel-video-call-de-desktop")
            guest.context.close()
            page.context.close()
            problems = [p for p in page.problems + guest.problems if "Content Security Policy" in p or "Refused" in p]
            assert problems == []

            # 5. axe on every counsellor page, phone and desktop, German and Ukrainian.
            paths = {
                "agenda": f"/counsel/agenda/?date={today}&view=week",
                "appointment": f"/counsel/appointments/{appointment.public_id}/",
                "availability": "/counsel/availability/",
                "invitation": f"/counsel/invitations/new/?citizen={citizen.public_id}",
            }
            axe = Axe()
            report = []
            for locale, language in (("de-DE", "de"), ("uk-UA", "uk")):
                for size in SIZES:
                    page = _context(browser, server.url, sessions["counsellor"], locale=locale, size=size)
                    for name, path in paths.items():
                        page.goto(server.url + path)
                        assert page.locator("html").get_attribute("lang") == language
                        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
                        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
                        if results.violations_count:
                            report.append(f"{name} {language} {size}:\n{results.generate_report()}")
                        screenshot(page, f"counsel-{name}-{language}-{size}")
                    # the invitation's preview (the form is open), with the Rechtsfolgenbelehrung
                    page.locator("#id_date").fill(today)
                    page.locator("#id_time").fill(invite_at)
                    page.locator("#id_channel").select_option(value="video")
                    page.locator("button[name=preview]").click()
                    expect(page.locator("blockquote")).to_contain_text("Rechtsfolgenbelehrung")
                    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
                    if results.violations_count:
                        report.append(f"preview {language} {size}:\n{results.generate_report()}")
                    screenshot(page, f"counsel-invitation-preview-{language}-{size}")
                    page.context.close()
            assert report == [], "\n".join(report)

            # 6. The invitation is sent from its preview; its page waits for the citizen's answer.
            page = _context(browser, server.url, sessions["counsellor"])
            walk.preview_invitation(
                page,
                server.url,
                citizen=str(citizen.public_id),
                topic="Videoberatung",
                day=today,
                time=invite_at,
                channel="Per Video",
            )
            walk.send_invitation(page)
            expect(page.get_by_text("Noch keine Antwort")).to_be_visible()
            page.context.close()
        finally:
            browser.close()
    assert Appointment.objects.filter(pk=appointment.pk, counsellor=counsellor).exists()
