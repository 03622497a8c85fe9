"""Walk steps on the team lead's dashboard (German labels), for whole-journey tests."""

from __future__ import annotations

from playwright.sync_api import expect


def open_dashboard(page, base_url: str) -> None:
    page.goto(f"{base_url}/workbench/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team-Dashboard")


def table_rows(page, caption: str) -> list[list[str]]:
    """The body rows of the table named ``caption``, as the cells' texts."""
    table = page.get_by_role("table", name=caption)
    expect(table).to_be_visible()
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def choose_team(page, name: str) -> None:
    """Show the figures of one team (a GET form: works without JavaScript)."""
    page.get_by_label("Kennzahlen anzeigen für").select_option(label=name)
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_text(f"Kennzahlen des Teams {name}.")).to_be_visible()


def download_csv(page, caption: str) -> str:
    """Download the table named ``caption`` as CSV; its text (with the BOM)."""
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Als CSV herunterladen ({caption})").click()
    with open(info.value.path(), encoding="utf-8") as handle:
        return handle.read()
