"""Reusable steps of the apply journey for Playwright walks (issue #16).

Each takes a Playwright ``page`` and finds things by role and label, in the page's own
language: ``t(page, msgid)`` is the English source text translated through the same
catalogues the page uses. A whole-journey test chains them::

    reference = secure_date(page, base_url)
    fill_all_steps(page, DATA)
    submit(page)
    pdf = download_receipt(page)
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext, override
from playwright.sync_api import expect

DATA = {
    "personal": {
        "First name": "Olena",
        "Last name": "Kovalenko",
        "Date of birth": "1988-05-17",
        "Place of birth": "Kyiv",
        "Nationality": "UA",
        "Marital status": ("select", "single"),
        "Street and house number": "Marktstraße 1",
        "Postcode": "67655",
        "City": "Kaiserslautern",
    },
    "members": [
        {
            "Relationship to you": ("select", "child"),
            "First name": "Sofiia",
            "Last name": "Kovalenko",
            "Date of birth": "2015-02-03",
        },
        {
            "Relationship to you": ("select", "other_relative"),
            "First name": "Petro",
            "Last name": "Kovalenko",
            "Date of birth": "1950-01-01",
        },
    ],
    "remove": "Petro Kovalenko",
    "housing": {
        "How do you live?": ("select", "rent"),
        "Floor area in square metres": "62,5",
        "Number of people living in the home": "2",
        "Monthly base rent (Kaltmiete)": "480,00",
        "Monthly service charges (Nebenkosten)": "120",
        "Monthly heating costs": "80",
    },
    "income": {
        "flag": "true",
        "entry": {
            "Whose income is it?": ("select-label", "Olena Kovalenko"),
            "Kind of income": ("select", "child_benefit"),
            "Monthly gross amount": "255",
        },
    },
    "assets": {"flag": "false"},
    "health_insurance": {"Olena Kovalenko": ("statutory", "AOK"), "Sofiia Kovalenko": ("family", "AOK")},
    "bank": {"IBAN": "DE89 3704 0044 0532 0130 00", "Account holder": "Olena Kovalenko"},
}


def t(page, msgid: str) -> str:
    """``msgid`` as the page shows it (its ``<html lang>``)."""
    with override(page.locator("html").get_attribute("lang") or "de"):
        return gettext(msgid)


def fill(scope, page, fields: dict) -> None:
    """Fill labelled fields; a value ("select", v) picks an option by value, ("select-label", l) by its text."""
    for label, value in fields.items():
        field = scope.get_by_label(t(page, label), exact=True)
        if isinstance(value, tuple):
            kind, choice = value
            field.select_option(value=choice) if kind == "select" else field.select_option(label=choice)
        else:
            field.fill(value)


def heading(page, msgid: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, msgid))


def press(page, msgid: str) -> None:
    page.get_by_role("button", name=t(page, msgid), exact=True).click()


def secure_date(page, base_url: str) -> str:
    """From the start page, one button; returns the reference the next page shows."""
    page.goto(base_url + "/applications/new/")
    heading(page, "Apply for Bürgergeld")
    press(page, "Secure my application date")
    heading(page, "Your application date")
    expect(page.get_by_role("status").first).to_contain_text(t(page, "Your application date is secured."))
    reference = page.locator("dd").first.inner_text()
    page.get_by_role("link", name=t(page, "Fill in the form")).click()
    heading(page, "Personal data")
    return reference


def fill_personal_step(page, data: dict) -> None:
    heading(page, "Personal data")
    fill(page, page, data)
    press(page, "Save and continue")


def add_household_member(page, member: dict) -> None:
    heading(page, "Household")
    fill(page.get_by_role("group", name=t(page, "Add a person")), page, member)
    press(page, "Add person")
    name = f"{member['First name']} {member['Last name']}"
    expect(page.get_by_role("list").filter(has_text=name)).to_be_visible()


def remove_household_member(page, name: str) -> None:
    page.get_by_role("button", name=t(page, "Remove %(name)s") % {"name": name}).click()
    expect(page.get_by_role("status").first).to_contain_text(t(page, "The person was removed from the household."))
    expect(page.get_by_role("button", name=t(page, "Remove %(name)s") % {"name": name})).to_have_count(0)


def fill_housing_step(page, data: dict) -> None:
    heading(page, "Housing costs")
    fill(page, page, data)
    press(page, "Save and continue")


def fill_income_step(page, data: dict) -> None:
    heading(page, "Income")
    page.get_by_label(t(page, "Does anyone in your household have income?")).select_option(data["flag"])
    if data.get("entry"):
        fill(page.get_by_role("group", name=t(page, "Add income")), page, data["entry"])
        press(page, "Add income")
        expect(page.get_by_role("status").first).to_contain_text(t(page, "The entry was added."))
    press(page, "Save and continue")


def fill_assets_step(page, data: dict) -> None:
    heading(page, "Assets")
    page.get_by_label(t(page, "Does anyone in your household have assets?")).select_option(data["flag"])
    press(page, "Save and continue")


def fill_health_insurance_step(page, data: dict) -> None:
    heading(page, "Health insurance")
    for name, (kind, insurer) in data.items():
        group = page.get_by_role("group", name=name)
        group.get_by_label(t(page, "Health insurance"), exact=True).select_option(kind)
        group.get_by_label(t(page, "Health insurance fund"), exact=True).fill(insurer)
    press(page, "Save and continue")


def fill_bank_step(page, data: dict) -> None:
    heading(page, "Bank account")
    fill(page, page, data)
    press(page, "Save and check")


def fill_all_steps(page, data: dict = DATA) -> None:
    """Personal data to bank account, adding the household members and removing one on the way."""
    fill_personal_step(page, data["personal"])
    for member in data["members"]:
        add_household_member(page, member)
    if data.get("remove"):
        remove_household_member(page, data["remove"])
    press(page, "Save and continue")
    fill_housing_step(page, data["housing"])
    fill_income_step(page, data["income"])
    fill_assets_step(page, data["assets"])
    fill_health_insurance_step(page, data["health_insurance"])
    fill_bank_step(page, data["bank"])
    heading(page, "Check and submit")


def submit(page) -> None:
    """On the review page with nothing missing: submit and land on the confirmation."""
    heading(page, "Check and submit")
    expect(page.get_by_role("status").filter(has_text=t(page, "All required information is there."))).to_be_visible()
    press(page, "Submit application")
    heading(page, "Application submitted")


def download_receipt(page) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=t(page, "Download the receipt (PDF)")).click()
    return Path(info.value.path()).read_bytes()


def leave_field(page, label: str, value: str) -> None:
    """Type into a step's field and leave it with Tab (JavaScript on: htmx saves it then);
    waits until the status line names the field."""
    # htmx binds the form once the page has loaded: a change before that is not sent.
    page.wait_for_load_state("load")
    page.get_by_label(t(page, label), exact=True).fill(value)
    page.keyboard.press("Tab")
    expect(page.locator("#apply-autosave-status")).to_contain_text(t(page, label))
