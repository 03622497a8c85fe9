"""Walk steps of the "follow your application" pages, for whole-journey tests.

Each step takes a Playwright ``page`` that shows a page of the portal in German or
Ukrainian (read from ``<html lang>``), finds things by role and label, and leaves the
browser on the page it names. ``expect`` waits; nothing sleeps.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

WORDS = {
    "de": {
        "overview": "Ihre Übersicht",
        "all": "Alle Ihre Anträge",
        "show": "Ihren Antrag anzeigen",
        "application": "Ihr Antrag",
        "timeline": "Verlauf",
        "postfach": "Zu Ihrem Postfach",
        "message": "Ihre Nachricht",
        "send": "Nachricht senden",
        "attach": "Dateien anhängen (freiwillig)",
        "sent": "Ihre Nachricht wurde an das Jobcenter gesendet.",
        "decision": "Bescheid lesen",
        "decision_h1": "Entscheidung über Ihren Antrag",
        "download": "Bescheid herunterladen",
        "withdraw": "Antrag zurücknehmen",
        "reason": "Warum nehmen Sie Ihren Antrag zurück?",
        "continue": "Weiter zur Bestätigung",
        "confirm": "Ja, Antrag zurücknehmen",
        "withdrawn": "Ihr Antrag wurde zurückgenommen.",
    },
    "uk": {
        "overview": "Ваш огляд",
        "all": "Усі ваші заяви",
        "show": "Показати заяву",
        "application": "Ваша заява",
        "timeline": "Хронологія",
        "postfach": "Перейти до поштової скриньки",
        "message": "Ваше повідомлення",
        "send": "Надіслати повідомлення",
        "attach": "Додати файли (необов’язково)",
        "sent": "Ваше повідомлення надіслано до Jobcenter.",
        "decision": "Прочитати рішення (Bescheid)",
        "decision_h1": "Рішення щодо вашої заяви",
        "download": "Завантажити рішення",
        "withdraw": "Відкликати заяву",
        "reason": "Чому ви відкликаєте свою заяву?",
        "continue": "Далі до підтвердження",
        "confirm": "Так, відкликати заяву",
        "withdrawn": "Вашу заяву відкликано.",
    },
}


def words(page: Page) -> dict[str, str]:
    return WORDS[page.locator("html").get_attribute("lang")]


def open_overview(page: Page, server_url: str) -> None:
    page.goto(server_url + "/overview/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words(page)["overview"])


def open_application(page: Page, reference: str | None = None) -> None:
    """From the overview: the current application, or (``reference``) one from the list."""
    w = words(page)
    if reference is None:
        page.get_by_role("link", name=w["show"]).click()
    else:
        page.get_by_role("link", name=w["all"]).click()
        page.get_by_role("link", name=re.compile(re.escape(reference))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(w["application"])
    expect(page.get_by_role("heading", name=w["timeline"])).to_be_visible()


def read_and_reply(page: Page, text: str, files: list[dict] | None = None) -> None:
    """From the application's page: open the Postfach (which marks it read) and reply,
    with ``files`` attached if given (Playwright payloads: ``name``, ``mimeType``, ``buffer``)."""
    w = words(page)
    page.get_by_role("link", name=w["postfach"]).click()
    page.get_by_label(w["message"]).fill(text)
    if files:
        page.get_by_label(w["attach"]).set_input_files(files)
    page.get_by_role("button", name=w["send"]).click()
    expect(page.get_by_role("status").filter(has_text=w["sent"])).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=text)).to_be_visible()
    for file in files or ():
        expect(page.get_by_role("link", name=file["name"])).to_be_visible()


def open_decision(page: Page) -> None:
    """From the application's page: the decision with the link to the notice."""
    w = words(page)
    page.get_by_role("link", name=w["decision"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(w["decision_h1"])
    expect(page.get_by_role("link", name=re.compile(re.escape(w["download"])))).to_be_visible()


def withdraw(page: Page, reason: str) -> None:
    """From the application's page: withdraw with ``reason`` and confirm."""
    w = words(page)
    page.get_by_role("link", name=w["withdraw"]).click()
    page.get_by_label(w["reason"]).fill(reason)
    page.get_by_role("button", name=w["continue"]).click()
    expect(page.get_by_text(reason)).to_be_visible()
    page.get_by_role("button", name=w["confirm"]).click()
    expect(page.get_by_role("status").filter(has_text=w["withdrawn"])).to_be_visible()
