"""The team lead's dashboard in Debian's Chromium against a live daphne: the tables
and charts match the data the test created, a team chosen and a table downloaded
without JavaScript, axe-core at 360x740 and 1280x800 in German and Ukrainian.

Screenshots go to var/screenshots/."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.casework.web.test_dashboard import figures  # noqa: F401 (the fixture with known figures)
from tests.conftest import require_binary
from tests.video.servers import Daphne, session_cookie_for
from tests.web.test_browser import FLAGS, SIZES, WCAG_A_AA, screenshot
from tests.web.walks.dashboard import choose_team, download_csv, open_dashboard, table_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_the_team_lead_sees_the_figures_the_test_created(org, figures):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    session = session_cookie_for(org.lead).split("=", 1)[1]
    with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            # German, without JavaScript: tables, charts, a team, a CSV.
            context = browser.new_context(
                locale="de-DE", viewport=SIZES["desktop"], java_script_enabled=False, accept_downloads=True
            )
            context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
            page = context.new_page()
            open_dashboard(page, server.url)
            states = table_rows(page, "Fälle nach Status")
            assert ["Bewilligt", "4"] in states and ["In Bearbeitung", "2"] in states
            assert table_rows(page, "Bearbeitungszeit pro Monat")[-2][1:] == ["5", "20,0", "36,0"]
            deadlines = table_rows(page, "Fälle, deren Frist nach §88 SGG innerhalb von 30 Tagen endet")
            assert [row[0] for row in deadlines] == ["A-2026-SOON"]
            assert table_rows(page, "Wahrgenommene und versäumte Termine")[-2][1:] == ["2", "1"]
            chart = page.get_by_role("img", name="Bearbeitungszeit pro Monat")
            expect(chart).to_be_visible()
            expect(chart.locator("text").filter(has_text="36,0")).to_have_count(1)
            rows = list(
                csv.reader(io.StringIO(download_csv(page, "Fälle nach Status").lstrip("\ufeff")), delimiter=";")
            )
            assert rows[0] == ["Status", "Fälle"] and ["Bewilligt", "4"] in rows
            screenshot(page, "dashboard-de-desktop")
            choose_team(page, "Leistung L-Z")
            assert table_rows(page, "Bearbeitungszeit pro Monat")[-2][1:] == ["1", "5,0", "5,0"]
            context.close()

            # axe-core at both sizes in German and Ukrainian, with a screenshot each.
            axe = Axe()
            report = []
            for locale, language in (("de-DE", "de"), ("uk-UA", "uk")):
                for size in SIZES:
                    context = browser.new_context(locale=locale, viewport=SIZES[size])
                    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
                    page = context.new_page()
                    page.goto(f"{server.url}/workbench/dashboard/")
                    assert page.locator("html").get_attribute("lang") == language
                    if language == "uk":
                        expect(page.get_by_role("heading", level=1)).to_have_text("Панель команди")
                    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
                    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
                    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
                    if serious:
                        report.append(f"{language} {size}:\n{results.generate_report()}")
                    screenshot(page, f"dashboard-{language}-{size}")
                    context.close()
            assert report == [], "\n".join(report)
        finally:
            browser.close()
