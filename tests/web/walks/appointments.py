"""Walk steps through the citizen's appointment pages, for Playwright pages.

Each step takes a ``page`` and finds things by role and label, in the page's
language (German or Ukrainian, from ``<html lang>``), so a whole-journey test can
chain them: ``open_topics(page, url); book(page, "Beratung", "video"); move(page); cancel(page)``.
Every step works with JavaScript on or off (htmx only swaps the list of times).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TEXTS = {
    "de": {
        "channel": "Wie möchten Sie sprechen?",
        "language": "Sprache des Gesprächs",
        "show": "Freie Termine anzeigen",
        "free_times": "Freie Termine vom",
        "booked": "Ihr Termin ist gebucht.",
        "move": "Termin verschieben",
        "moved": "Ihr Termin wurde verschoben.",
        "cancel": "Termin absagen",
        "cancel_yes": "Ja, Termin absagen",
        "cancelled": "Ihr Termin wurde abgesagt.",
        "read": "Ich habe die Rechtsfolgenbelehrung gelesen.",
        "confirm": "Termin bestätigen",
        "confirmed": "Sie haben den Termin bestätigt.",
        "why": "Warum können Sie nicht kommen, und wann würde es Ihnen passen?",
        "ask": "Anderen Termin erbitten",
        "asked": "Ihre Bitte um einen anderen Termin wurde gesendet.",
        "calendar": "In Ihren Kalender übernehmen (.ics-Datei)",
    },
    "uk": {
        "channel": "Як ви хочете поспілкуватися?",
        "language": "Мова розмови",
        "show": "Показати вільні терміни",
        "free_times": "Вільні терміни з",
        "booked": "Вашу зустріч заброньовано.",
        "move": "Перенести зустріч",
        "moved": "Вашу зустріч перенесено.",
        "cancel": "Скасувати зустріч",
        "cancel_yes": "Так, скасувати зустріч",
        "cancelled": "Вашу зустріч скасовано.",
        "read": "Я прочитав(-ла) роз'яснення правових наслідків (Rechtsfolgenbelehrung).",
        "confirm": "Підтвердити зустріч",
        "confirmed": "Ви підтвердили зустріч.",
        "why": "Чому ви не можете прийти і коли вам було б зручно?",
        "ask": "Попросити інший термін",
        "asked": "Ваше прохання про інший термін надіслано.",
        "calendar": "Додати до календаря (файл .ics)",
    },
}


def texts(page: Page) -> dict[str, str]:
    return TEXTS[page.locator("html").get_attribute("lang") or "de"]


def open_topics(page: Page, base_url: str) -> None:
    page.goto(base_url + "/appointments/book/")


def free_times(page: Page):
    """The region with the list of free times (a heading per day, a button per time)."""
    return page.get_by_role("region", name=re.compile(texts(page)["free_times"]))


def filter_times(page: Page, *, channel: str | None = None, language: str | None = None) -> None:
    """Choose way and language; then the list shows only those (with JavaScript at once,
    without after "Show free times", which is pressed either way)."""
    t = texts(page)
    if channel:
        page.get_by_label(t["channel"]).select_option(channel)
    if language:
        page.get_by_label(t["language"]).select_option(language)
    with page.expect_navigation():
        page.get_by_role("button", name=t["show"]).click()


def choose_first_time(page: Page) -> str:
    """Press the first free time; returns its accessible name (time, date, way)."""
    button = free_times(page).get_by_role("button").first
    # The accessible name as a screen reader gets it (the date part is visually hidden).
    name = re.match(r'- button "(.*)"', button.aria_snapshot()).group(1)
    with page.expect_navigation():
        button.click()
    return name


def book(page: Page, topic: str, channel: str | None = None, *, language: str | None = None) -> str:
    """From the topic list: the topic, the filter, the first free time; ends on the appointment's page."""
    page.get_by_role("link", name=topic).click()
    filter_times(page, channel=channel, language=language)
    chosen = choose_first_time(page)
    expect(page.get_by_role("status").filter(has_text=texts(page)["booked"])).to_be_visible()
    return chosen


def download_calendar(page: Page) -> bytes:
    """On the appointment's page: the .ics file."""
    with page.expect_download() as download:
        page.get_by_role("link", name=texts(page)["calendar"]).click()
    with open(download.value.path(), "rb") as file:
        return file.read()


def move(page: Page) -> str:
    """On the appointment's page: move it to the first free time offered."""
    page.get_by_role("link", name=texts(page)["move"]).click()
    chosen = choose_first_time(page)
    expect(page.get_by_role("status").filter(has_text=texts(page)["moved"])).to_be_visible()
    return chosen


def cancel(page: Page) -> None:
    """On the appointment's page: cancel it, confirming on the next page."""
    t = texts(page)
    page.get_by_role("link", name=t["cancel"]).click()
    page.get_by_role("button", name=t["cancel_yes"]).click()
    expect(page.get_by_role("status").filter(has_text=t["cancelled"])).to_be_visible()


def accept_invitation(page: Page) -> None:
    """On a binding invitation's page: tick that the Rechtsfolgenbelehrung was read, confirm."""
    t = texts(page)
    page.get_by_label(t["read"]).check()
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.get_by_role("status").filter(has_text=t["confirmed"])).to_be_visible()


def ask_for_another_date(page: Page, reason: str) -> None:
    t = texts(page)
    page.get_by_label(t["why"]).fill(reason)
    page.get_by_role("button", name=t["ask"]).click()
    expect(page.get_by_role("status").filter(has_text=t["asked"])).to_be_visible()
