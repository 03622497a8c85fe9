"""The receipt (Eingangsbestätigung) of a submitted application, as PDF (fpdf2).

Built only from the frozen snapshot, so it reads the same every time it is
downloaded. A Unicode TrueType font (DejaVu Sans from Debian's
``fonts-dejavu-core``, see ``APPLICATION_PDF_FONTS``) is needed for names in
Cyrillic and other scripts; without one the receipt falls back to a core font
and replaces characters it cannot show (and logs a warning).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from applications.conf import app_settings
from applications.constants import Relationship
from applications.models import Application
from portal.clock import berlin_localtime

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _font_path(candidates: tuple[str, ...]) -> str | None:
    found = next((path for path in candidates if os.path.isfile(path)), None)
    if found is None:
        logger.warning("No Unicode font for PDF receipts found; tried %s", ", ".join(candidates))
    return found


def _date(value: str | None) -> str:
    return dt.date.fromisoformat(value).strftime("%d.%m.%Y") if value else "-"


def _time(value: str | None) -> str:
    if not value:
        return "-"
    return berlin_localtime(dt.datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")


class _Receipt:
    def __init__(self, created: dt.datetime) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_creation_date(created)
        self.pdf.set_auto_page_break(auto=True, margin=15)
        path = _font_path(tuple(app_settings.PDF_FONTS))
        if path:
            self.pdf.add_font("body", fname=path)
            self.font, self.unicode = "body", True
        else:
            self.font, self.unicode = "helvetica", False
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: int = 13) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(self.font, size=size)
        self.pdf.multi_cell(0, 8, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def line(self, value: str, size: int = 10) -> None:
        self.pdf.set_font(self.font, size=size)
        self.pdf.multi_cell(0, 5.5, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str) -> None:
        self.line(f"{label}: {value}")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def receipt_pdf(application: Application) -> bytes:
    """The receipt of a submitted application (reads ``application.snapshot`` only)."""
    snap = application.snapshot or {}
    language = application.applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        doc = _Receipt(application.submitted_at)
        doc.pdf.set_title(_("Receipt of your application %(reference)s") % {"reference": snap.get("reference")})
        doc.heading(snap.get("jobcenter", {}).get("name", ""), size=11)
        doc.heading(_("Receipt of your application for Bürgergeld"), size=16)
        doc.field(_("Reference"), snap.get("reference") or "-")
        doc.field(_("Lodged (Berlin time)"), _time(snap.get("lodged_at")))
        doc.field(_("Submitted (Berlin time)"), _time(snap.get("submitted_at")))
        doc.field(_("Takes effect from"), _date(snap.get("effective_from")))
        personal = snap.get("personal", {})
        doc.field(_("Applicant"), f"{personal.get('first_name', '')} {personal.get('last_name', '')}".strip())
        address = ", ".join(
            filter(None, [personal.get("street"), f"{personal.get('postcode', '')} {personal.get('city', '')}".strip()])
        )
        doc.field(_("Address"), address or "-")

        doc.heading(_("Household"))
        for member in snap.get("household", []):
            relationship = Relationship(member["relationship"]).label
            forms = ", ".join(member.get("forms", []))
            name = f"{member.get('first_name', '')} {member.get('last_name', '')}".strip()
            born = _("born")
            doc.line(f"{name}, {born} {_date(member.get('birth_date'))} ({relationship}; {forms})")

        doc.heading(_("Documents"))
        documents = snap.get("documents", [])
        if not documents:
            doc.line(_("No documents were uploaded."))
        for item in documents:
            doc.line(f"{item['name']} ({item['size']:,} bytes)".replace(",", "."))
            doc.line(f"SHA-256: {item['sha256']}", size=8)

        doc.heading(_("Checksum"))
        doc.line(_("SHA-256 of the submitted data:"))
        doc.line(application.snapshot_sha256, size=8)
        doc.pdf.ln(4)
        doc.line(
            _(
                "Your application takes effect from the first day of the month in which it was lodged "
                "(§37 SGB II). Keep this receipt."
            ),
            size=9,
        )
        return doc.output()
