"""The decision notice (Bescheid) as PDF, generated with fpdf2 when staff do
not upload their own. A Unicode font is used so that Ukrainian names print."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from fpdf import FPDF

from applications.conf import app_settings
from applications.models import Application
from portal.clock import berlin_today

AMOUNT_LABELS = (
    ("standard_needs_amount", N_("Standard needs (Regelbedarf)")),
    ("additional_needs_amount", N_("Additional needs (Mehrbedarfe)")),
    ("housing_amount", N_("Housing and heating (KdU)")),
    ("monthly_amount", N_("Total per month")),
)


def _font(pdf: FPDF) -> str:
    for path in app_settings.PDF_FONTS:
        if os.path.exists(path):
            pdf.add_font("body", "", path)
            return "body"
    return "helvetica"  # core font: Latin-1 only; names outside it are replaced below


def _euro(value: Decimal) -> str:
    return f"{value:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")


def _day(value: date) -> str:
    return date_format(value, "d.m.Y")


def decision_pdf(*, application: Application, values: dict) -> bytes:
    """The notice (Bescheid) as a PDF, in German: the official language (§19
    SGB X), whatever language the staff member works in."""
    with translation.override("de"):
        return _decision_pdf(application=application, values=values)


def _decision_pdf(*, application: Application, values: dict) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    font = _font(pdf)

    def line(text: str, size: int = 11, gap: float = 6) -> None:
        if font == "helvetica":
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(font, size=size)
        pdf.multi_cell(0, gap, text, new_x="LMARGIN", new_y="NEXT")

    approved = values["outcome"] == "approved"
    line(application.jobcenter.name, 12)
    line(_("Date: %(date)s") % {"date": _day(berlin_today())})
    line(_("Reference: %(reference)s") % {"reference": application.reference})
    pdf.ln(6)
    title = (
        _("Notice: your application for Bürgergeld is approved")
        if approved
        else _("Notice: your application for Bürgergeld is rejected")
    )
    line(title, 14, 8)
    pdf.ln(3)
    if approved:
        period = _("Benefits are granted from %(start)s") % {"start": _day(values["starts_on"])}
        if values.get("ends_on"):
            period += " " + _("until %(end)s") % {"end": _day(values["ends_on"])}
        line(period + ".")
        for field, label in AMOUNT_LABELS:
            if values.get(field) is not None:
                line(f"{_(label)}: {_euro(values[field])}")
    else:
        line(_("Reason: %(reason)s") % {"reason": values["reason"]})
    if values.get("text"):
        pdf.ln(3)
        line(values["text"])
    pdf.ln(6)
    # Rechtsbehelfsbelehrung (§84 SGG): objection within one month.
    line(
        _(
            "Right to object: you may object to this notice within one month after it was "
            "made known to you, in writing or electronically, at the Jobcenter named above."
        ),
        9,
        5,
    )
    return bytes(pdf.output())
