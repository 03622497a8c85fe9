"""Walk steps on the counsellor's pages (German labels), for whole-journey tests."""

from __future__ import annotations

from playwright.sync_api import expect


def open_agenda(page, base_url: str, *, day: str = "", view: str = "day") -> None:
    page.goto(f"{base_url}/counsel/agenda/?date={day}&view={view}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Terminplan")


def open_appointment_of(page, citizen_name: str) -> None:
    """From the agenda, the appointment with ``citizen_name``."""
    page.get_by_role("link", name=citizen_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Termin mit {citizen_name}")


def open_availability(page, base_url: str) -> None:
    page.goto(f"{base_url}/counsel/availability/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Sprechzeiten")


def add_extra_hours(page, *, day: str, start: str, end: str, channel: str) -> None:
    """Add an exception row (a submit button: no JavaScript needed) and fill it as extra hours."""
    before = page.locator("legend", has_text="Ausnahme").count()
    page.get_by_role("button", name="Abwesenheit oder zusätzliche Zeit hinzufügen").click()
    row = page.get_by_role("group", name=f"Ausnahme {before + 1}", exact=True)
    expect(row).to_be_visible()
    row.get_by_label("Art").select_option(label="Zusätzliche Sprechzeiten")
    row.get_by_label("Datum").fill(day)
    row.get_by_label("Von").fill(start)
    row.get_by_label("Bis").fill(end)
    row.get_by_label(channel, exact=True).check()


def save_availability(page) -> None:
    page.get_by_role("button", name="Sprechzeiten speichern").click()
    expect(page.get_by_text("Ihre Sprechzeiten wurden gespeichert.")).to_be_visible()


def free_slots_text(page) -> str:
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Ihre freien Termine in den nächsten zwei Wochen")
    )
    return section.inner_text()


def mark_attended(page) -> None:
    page.get_by_role("button", name="Wahrgenommen").click()
    expect(page.get_by_text("Eingetragen: Die Person ist erschienen.")).to_be_visible()


def invite_guest(page, *, kind: str, name: str, email: str, language: str = "") -> None:
    page.get_by_label("Wer").select_option(label=kind)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("E-Mail-Adresse").fill(email)
    if language:
        page.get_by_label("Sprache (bei Dolmetschen)").select_option(value=language)
    page.get_by_role("button", name="Einladen", exact=True).click()
    expect(page.get_by_text("Der Gast wurde eingeladen.")).to_be_visible()


def preview_invitation(page, base_url: str, *, citizen: str, topic: str, day: str, time: str, channel: str) -> None:
    page.goto(f"{base_url}/counsel/invitations/new/?citizen={citizen}")
    page.get_by_label("Anliegen").select_option(label=topic)
    page.get_by_label("Datum").fill(day)
    page.get_by_label("Uhrzeit").fill(time)
    page.get_by_label("Art des Termins").select_option(label=channel)
    page.get_by_role("button", name="Einladung ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Einladung prüfen")


def send_invitation(page) -> None:
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.get_by_text("Die Einladung wurde gesendet.")).to_be_visible()
