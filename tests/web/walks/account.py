"""Walk steps of the account area (login, the account page), by roles and labels,
for a later whole-journey test to chain. German unless a step takes the labels."""

from __future__ import annotations

from playwright.sync_api import Page, expect

LABELS = {
    "de": {
        "nav": "Hauptnavigation",
        "account": "Konto",
        "first_name": "Vorname",
        "last_name": "Nachname",
        "language": "Bevorzugte Sprache",
        "calendar": "Kalenderdatei an E-Mails zu Terminen anhängen",
        "save": "Änderungen speichern",
        "saved": "Ihre Änderungen wurden gespeichert.",
        "download": "Alle meine Daten herunterladen",
        "logout": "Abmelden",
        "login_email": "E-Mail-Adresse",
        "login_password": "Passwort",
        "login_button": "Anmeldung",
    },
    "uk": {
        "nav": "Головна навігація",
        "account": "Обліковий запис",
        "first_name": "Ім’я",
        "last_name": "Прізвище",
        "language": "Бажана мова",
        "calendar": "Додавати файл календаря до листів про зустрічі",
        "save": "Зберегти зміни",
        "saved": "Зміни збережено.",
        "download": "Завантажити всі мої дані",
        "logout": "Вийти",
        "login_email": "Електронна пошта",  # locale-allauth/uk (Django's auth app said "Email")
        "login_password": "Пароль",
        "login_button": "Увійти",
    },
}


def log_in(page: Page, base_url: str, email: str, password: str, *, next_path: str = "", language: str = "de") -> None:
    """allauth's login form: e-mail and password; logged in when the header offers to log out."""
    labels = LABELS[language]
    page.goto(f"{base_url}/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label(labels["login_email"]).fill(email)
    page.get_by_label(labels["login_password"], exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=labels["login_button"], exact=True).click()
    expect(page.get_by_role("button", name=labels["logout"])).to_be_visible()


def open_account(page: Page, language: str = "de") -> None:
    """From any page: the header's "Konto" link."""
    labels = LABELS[language]
    with page.expect_navigation():
        page.get_by_role("navigation", name=labels["nav"]).get_by_role("link", name=labels["account"]).click()


def fill_profile(
    page: Page,
    *,
    language: str = "de",
    first_name: str | None = None,
    last_name: str | None = None,
    preferred_language: str | None = None,
    calendar: bool | None = None,
) -> None:
    labels = LABELS[language]
    if first_name is not None:
        page.get_by_label(labels["first_name"]).fill(first_name)
    if last_name is not None:
        page.get_by_label(labels["last_name"]).fill(last_name)
    if preferred_language is not None:
        page.get_by_label(labels["language"]).select_option(preferred_language)
    if calendar is not None:
        page.get_by_label(labels["calendar"]).set_checked(calendar)


def save_profile(page: Page, language: str = "de") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=LABELS[language]["save"]).click()


def download_my_data(page: Page, language: str = "de"):
    """The Art. 15 download; returns Playwright's Download."""
    with page.expect_download() as info:
        page.get_by_role("link", name=LABELS[language]["download"]).click()
    return info.value
