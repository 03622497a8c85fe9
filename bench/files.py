"""Files the flows upload."""

from __future__ import annotations

import math
from functools import cache

LINE = "Kontoauszug Januar - Buchung Miete 650,00 EUR - Nebenkosten 120,00 EUR - Heizung 80,00 EUR - Strom 45,00 EUR"


def _pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)
    pdf.set_font("Helvetica", size=8)
    for _ in range(pages):
        pdf.add_page()
        for _ in range(60):
            pdf.cell(0, 4, LINE, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@cache
def pdf_of_size(size: int = 1024 * 1024) -> bytes:
    """A valid PDF (uncompressed text pages, made with fpdf2) of at least ``size`` bytes."""
    per_page = len(_pdf(10)) / 10
    data = _pdf(math.ceil(size / per_page) + 1)
    assert len(data) >= size
    return data
