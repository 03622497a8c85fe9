"""Two headless Chromium pages (Debian's chromium, fake camera and microphone)
go through /video/<id>/ as counsellor and citizen: waiting room, admit, and
each sees the other's video playing. The server is a real daphne."""

from __future__ import annotations

import pytest

from tests.conftest import require_binary
from tests.video.servers import Daphne, session_cookie_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
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


def test_it_takes_counsellor_and_citizen_from_the_waiting_room_into_a_call(appointment):
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    cookies = {
        "counsellor": session_cookie_for(appointment.counsellor).split("=", 1)[1],
        "citizen": session_cookie_for(appointment.citizen).split("=", 1)[1],
    }
    # DEBUG serves the static files from the source tree and allows ws: (no TLS) in the CSP.
    with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        problems: list[str] = []
        pages = {}
        try:
            for role, session in cookies.items():
                context = browser.new_context(locale="de-DE")
                context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
                page = context.new_page()
                page.on("console", lambda m: m.type == "error" and problems.append(m.text))
                page.on("pageerror", lambda e: problems.append(str(e)))
                page.goto(f"{server.url}/video/{appointment.public_id}/")
                pages[role] = page
            counsellor, citizen = pages["counsellor"], pages["citizen"]
            for page in (counsellor, citizen):
                # German by default, and the promise is on screen.
                assert "Es wird nichts aufgezeichnet." in page.locator("#privacy-note").inner_text()
                page.wait_for_selector("#join:enabled", timeout=10_000)

            counsellor.click("#join")
            counsellor.wait_for_selector("#call:not([hidden])", timeout=10_000)
            assert counsellor.locator("#lobby").is_visible()

            citizen.click("#join")
            citizen.wait_for_selector("#waiting:not([hidden])", timeout=10_000)
            assert "Warteraum" in citizen.locator("#waiting").inner_text()
            assert citizen.locator("#call").is_hidden()

            admit = counsellor.locator("#lobby-list button.primary")
            admit.wait_for(timeout=10_000)
            assert appointment.citizen.display_name in counsellor.locator("#lobby-list").inner_text()
            admit.click()

            citizen.wait_for_selector("#call:not([hidden])", timeout=10_000)
            for page in (counsellor, citizen):
                page.wait_for_function(REMOTE_VIDEO_PLAYING, timeout=30_000)
            widths = [page.evaluate("document.querySelector('#remotes video').videoWidth") for page in pages.values()]
            assert all(width > 0 for width in widths)
        finally:
            browser.close()
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
