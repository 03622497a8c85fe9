"""Walk steps of the evidence pages (templates/applications/documents/), for whole-journey
tests: plain functions taking a Playwright ``page``, with roles and labels as selectors.

The texts default to German; pass ``language="uk"`` for the Ukrainian pages."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

TEXTS = {
    "de": {
        "photo": "Foto aufnehmen",
        "file": "Datei auswählen",
        "upload": "Hochladen",
        "uploaded": "Ihre Datei wurde hochgeladen",
        "delete": "Löschen",
        "deleted": "wurde gelöscht",
        "request_upload": "Unterlage hochladen",
    },
    "uk": {
        "photo": "Зробити фото",
        "file": "Вибрати файл",
        "upload": "Завантажити",
        "uploaded": "Ваш файл завантажено",
        "delete": "Видалити",
        "deleted": "видалено",
        "request_upload": "Завантажити документ",
    },
}


def _send(page, region, path: Path | str, *, photo: bool, language: str) -> None:
    texts = TEXTS[language]
    region.get_by_label(texts["photo"] if photo else texts["file"], exact=True).set_input_files(str(path))
    region.get_by_role("button", name=texts["upload"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=texts["uploaded"])).to_be_visible(timeout=30_000)


def upload_evidence(page, item_label: str, path: Path | str, *, photo: bool = False, language: str = "de") -> None:
    """On the evidence page: upload ``path`` to the checklist item headed ``item_label``
    (through the camera input when ``photo``) and wait for the page to say it was stored."""
    region = page.get_by_role("region", name=item_label, exact=True)
    _send(page, region, path, photo=photo, language=language)
    expect(
        page.get_by_role("region", name=item_label, exact=True).get_by_role("link", name=Path(path).name)
    ).to_be_visible()


def delete_evidence(page, file_name: str, *, language: str = "de") -> None:
    """On the evidence page: delete the upload ``file_name`` (its button names it)."""
    page.get_by_role("button", name=f"{TEXTS[language]['delete']} {file_name}").click()
    expect(page.get_by_role("status").filter(has_text=TEXTS[language]["deleted"])).to_be_visible()
    expect(page.get_by_role("link", name=file_name, exact=True)).to_have_count(0)


def answer_request(page, path: Path | str, *, photo: bool = False, language: str = "de") -> None:
    """On a document request's page: upload ``path`` in answer and wait until it is listed."""
    region = page.get_by_role("region", name=TEXTS[language]["request_upload"], exact=True)
    _send(page, region, path, photo=photo, language=language)
    expect(page.get_by_role("link", name=Path(path).name, exact=True)).to_be_visible()
