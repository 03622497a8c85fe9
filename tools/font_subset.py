"""Subsets KERN's Fira Sans to what the portal's languages need and renames it "Portal Sans".

Fira Sans as published covers Latin, Cyrillic, Greek and Vietnamese (about 130 KB
per weight as woff2). German, English and Ukrainian need far less: Basic Latin,
Latin-1, Latin Extended-A (names from neighbouring countries), the Cyrillic letters
of Ukrainian (and Russian, for names), the apostrophe Ukrainian writes (U+02BC),
general punctuation (dashes, quotes, the non-breaking hyphen), € and №.

Fira Sans carries the Reserved Font Name "Fira" (SIL OFL 1.1, section 3): a
modified version may not be called so. The subset is therefore "Portal Sans", and
portal.css points KERN's font variable at it (see vendor/kern/LICENSE-fonts.md).

Run by ``make vendor`` in a throwaway virtualenv under var/ (fonttools, brotli):

    python tools/font_subset.py SOURCE.woff2 TARGET.woff2 "Portal Sans" Regular
"""

from __future__ import annotations

import sys

from fontTools import subset
from fontTools.ttLib import TTFont

UNICODES = [
    *range(0x0020, 0x007F),  # Basic Latin
    *range(0x00A0, 0x0100),  # Latin-1 Supplement (ä ö ü ß « » § ·, non-breaking space)
    *range(0x0100, 0x0180),  # Latin Extended-A
    *(0x0218, 0x0219, 0x021A, 0x021B),  # Ș ș Ț ț
    *(0x02BC, 0x02C6, 0x02C7, 0x02D8, 0x02D9, 0x02DA, 0x02DB, 0x02DC, 0x02DD),  # ʼ and spacing accents
    *(0x0300, 0x0301),  # combining grave and acute (stress marks)
    *range(0x0400, 0x0460),  # Cyrillic (Ukrainian: Є І Ї є і ї)
    *(0x0490, 0x0491),  # Ґ ґ
    0x1E9E,  # ẞ
    *range(0x2000, 0x2070),  # General Punctuation (‑ – — ‘ ’ ‚ “ ” „ • … ‹ ›)
    0x20AC,  # €
    0x2116,  # №
    0x2122,  # ™
    *range(0x2190, 0x2194),  # arrows
    0x2212,  # minus
    0xFFFD,  # replacement character
]


def subset_font(source: str, target: str, family: str, style: str) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # kerning, ligatures, figures: all that the kept glyphs use
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # browsers on phones ignore it; a third of the bytes
    font = TTFont(source, recalcTimestamp=False)  # the same bytes on every run
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    rename(font, family, style)
    font.flavor = "woff2"
    font.save(target)


def rename(font: TTFont, family: str, style: str) -> None:
    """The new family name everywhere a user or a browser reads one (OFL section 3)."""
    postscript = f"{family.replace(' ', '')}-{style.replace(' ', '')}"
    names = {
        1: family,
        2: "Regular" if style == "Regular" else style,
        3: f"{postscript};subset of Fira Sans",
        4: f"{family} {style}",
        6: postscript,
        16: family,
        17: style,
    }
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English
        table.setName(value, name_id, 1, 0, 0)  # Macintosh, Roman, English
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    subset_font(*sys.argv[1:])
