"""Walk steps of the staff workbench (issue #17), for journeys that chain areas.

Each takes a Playwright ``page`` and uses roles and labels as selectors; the
texts are German (the portal's default language)."""

from __future__ import annotations

from playwright.sync_api import expect


def log_in_with_totp(page, *, base_url: str, email: str, password: str, code, next_path: str = "/workbench/") -> None:
    """Through the real login page: e-mail and password, then the authenticator
    code (``code``: a callable, so the code is taken fresh when the page asks)."""
    page.goto(f"{base_url}{next_path}")
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmeldung").click()
    page.wait_for_url("**/2fa/**")
    page.get_by_label("Code").first.fill(code())
    page.keyboard.press("Enter")  # submits the code form
    page.wait_for_url(f"**{next_path}")


def claim_next_case(page) -> None:
    """On the queue: "Nächster Fall", then the case page."""
    with page.expect_navigation():
        page.get_by_role("button", name="Nächster Fall").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fall")


def request_documents(page, *, description: str, deadline: str | None = None) -> None:
    """On a case page: ask for documents (the deadline's default kept unless given)."""
    page.get_by_label("Welche Unterlagen?").fill(description)
    if deadline:
        page.get_by_label("Frist").fill(deadline)
    with page.expect_navigation():
        page.get_by_role("button", name="Nachforderung senden").click()
    expect(page.get_by_role("status").filter(has_text="Die Unterlagen wurden nachgefordert")).to_be_visible()


def accept_request(page) -> None:
    """On a case page whose request the citizen answered: accept the uploads."""
    with page.expect_navigation():
        page.get_by_role("button", name="Unterlagen annehmen").click()
    expect(page.get_by_role("status").filter(has_text="Die Nachforderung ist erfüllt")).to_be_visible()


def resume_review(page) -> None:
    """On a case that waits for documents: back to review, so it can be decided."""
    with page.expect_navigation():
        page.get_by_role("button", name="Prüfung fortsetzen").click()
    expect(page.get_by_role("button", name="Entscheidung senden")).to_be_visible()


def fill_approval(page, *, starts_on: str, monthly: str, standard: str = "", housing: str = "") -> None:
    """On a case in review: fill the decision form for an approval (ISO dates, amounts as typed)."""
    page.get_by_role("radio", name="Bewilligt").check()
    page.get_by_label("Leistungen ab").fill(starts_on)
    page.get_by_label("Betrag pro Monat in Euro").fill(monthly)
    if standard:
        page.get_by_label("Davon Regelbedarf in Euro").fill(standard)
    if housing:
        page.get_by_label("Davon Kosten der Unterkunft und Heizung (KdU) in Euro").fill(housing)


def send_decision(page) -> None:
    """Send the filled decision form; the page says the citizen was notified."""
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung senden").click()
    expect(page.get_by_role("status").filter(has_text="Die Entscheidung wurde gesendet")).to_be_visible()
