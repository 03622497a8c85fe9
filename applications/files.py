"""Checking and storing uploaded evidence. All upload rules live here.

1. Size: refused above ``APPLICATION_UPLOAD_MAX_BYTES`` (413) before anything is stored.
2. Viruses: with ``APPLICATION_VIRUS_SCAN`` on, the content goes to clamd
   (INSTREAM) first: a finding is refused (422 ``virus_found``); a clamd that
   does not answer refuses the upload (503 ``virus_scan_unavailable``): fail
   closed, nothing is ever stored unscanned.
3. Type: decided from the file's content (magic bytes), never from its name or
   the client's ``Content-Type``: PDF, JPEG and PNG only (415).
4. Content: a file that is also something else is refused (422
   ``dangerous_content``): HTML or script inside (HTML/PDF/JPEG polyglots), a
   ZIP archive inside, a PDF that launches programs or carries embedded files.
   Images declaring more than ``APPLICATION_UPLOAD_MAX_PIXELS`` are refused
   (422 ``image_too_large``: a "pixel flood" bomb for whoever opens it).
   PDF JavaScript and automatic actions are *flagged*, not refused: fillable
   official forms carry form scripts, so staff see the flag
   (``Document.active_content``) in the case's document list instead.
5. Name: the client's file name is sanitised and kept as metadata only; the
   stored file gets a random name in ``storages["private"]``.
6. Checksum: SHA-256 over the content, shown on the receipt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import clamdpy
import filetype
from clamdpy.exceptions import ClamdException
from django.core.exceptions import TooManyFilesSent
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from rest_framework.exceptions import ParseError

from applications.conf import app_settings
from portal.api.problems import Problem

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
STORAGE_FOLDER = "documents"
MAX_NAME_LENGTH = 120
MAX_FILES_PER_REQUEST = 1
CHUNK = 64 * 1024

# Markup a browser would run if it ever rendered the file as HTML or SVG: script-bearing
# tags, script URLs, and any tag with an event-handler attribute (``<img src=x onerror=...>``
# needs no script tag). The attribute run is printable ASCII and bounded, so compressed
# image or stream bytes do not match by chance.
SCRIPT_MARKERS = re.compile(
    rb"<\s*(?:script|html|svg|iframe|frame|frameset|object|embed|applet|body|math|\?php)[\s>/]"
    rb"|<[a-z][a-z0-9]{0,15}(?:[\s/][\x20-\x3b\x3d\x3f-\x7e]{0,256}?)?[\s/\"']on[a-z]{3,24}\s*="
    rb"|(?:java|vb)script:|<!doctype\s+html",
    re.IGNORECASE,
)
# Runs of ASCII in UTF-16 (little- or big-endian): a browser sniffing a UTF-16 byte order
# mark reads ``<\0s\0c\0r\0...`` as ``<script``; the runs are decoded and searched again.
UTF16_RUNS = re.compile(rb"(?:[\x09\x0a\x0d\x20-\x7e]\x00){6,}|(?:\x00[\x09\x0a\x0d\x20-\x7e]){6,}")
# Bytes kept from the previous chunk so a marker cut by a chunk boundary is still found.
MARKER_OVERLAP = 1024
# PDF names in the raw bytes (the parsed walk below also finds obfuscated ones).
PDF_RAW_NAMES = {
    b"JavaScript": "javascript",
    b"JS": "javascript",
    b"Launch": "launch_action",
    b"EmbeddedFile": "embedded_file",
    b"EmbeddedFiles": "embedded_file",
}
PDF_RAW_NAME = re.compile(rb"/(" + b"|".join(sorted(PDF_RAW_NAMES, key=len, reverse=True)) + rb")(?![A-Za-z0-9#])")
# Findings that refuse a file; the others (scripts, automatic actions) flag it for staff.
REFUSED_FINDINGS = {"script_inside", "zip_inside", "launch_action", "embedded_file"}
PDF_WALK_LIMIT = 200_000


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str
    # Flags for staff (PDF JavaScript, automatic actions); see module docstring.
    active_content: tuple[str, ...] = ()


def private_storage() -> Storage:
    return storages["private"]


def too_large(size: int) -> Problem:
    limit_mb = app_settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    return Problem(
        status=413,
        code="file_too_large",
        detail=_(
            "The file is larger than %(limit)s MB. Please upload a smaller file (for example a scan at a lower resolution)."
        )
        % {"limit": f"{limit_mb:g}"},
        errors={"file": [_("File too large.")]},
        extra={"max_bytes": app_settings.UPLOAD_MAX_BYTES},
    )


def check_size(size: int) -> None:
    if size > app_settings.UPLOAD_MAX_BYTES:
        raise too_large(size)


# The form fields and multipart framing around an uploaded file (the same allowance
# as ``portal.bodylimit.UPLOAD_FORM_ALLOWANCE``, which caps the body while it streams).
FORM_ALLOWANCE = 1024 * 1024


def check_request_size(request) -> None:
    """Refuse an upload request whose announced body is over the limit before reading it."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > app_settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE:
        raise too_large(length)


def check_file_count(request) -> None:
    """One file per request: a second one would be silently dropped, and
    hundreds of parts cost disk and time. Django stops counting at
    ``DATA_UPLOAD_MAX_NUMBER_FILES`` (100) while parsing; both end as the same 400."""
    try:
        count = sum(len(request.FILES.getlist(name)) for name in request.FILES)
    except (TooManyFilesSent, ParseError):
        count = MAX_FILES_PER_REQUEST + 1
    if count > MAX_FILES_PER_REQUEST:
        raise Problem(
            status=400,
            code="too_many_files",
            detail=_("Upload one file per request."),
            errors={"file": [_("Only one file can be uploaded at a time.")]},
            extra={"max_files": MAX_FILES_PER_REQUEST},
        )


def sanitise_name(name: str) -> str:
    """A display name without paths, control characters or shell-special characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*;$`\']', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name or "document"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Check ``upload``; raise a problem (413, 415, 422, 503) naming the field ``file``."""
    check_size(upload.size)
    if app_settings.VIRUS_SCAN:
        virus_scan(upload)
    upload.seek(0)
    head = upload.read(256 * 1024)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise Problem(
            status=415,
            code="unsupported_file_type",
            detail=_("Only PDF, JPEG and PNG files can be uploaded."),
            errors={"file": [_("This file is not a PDF, JPEG or PNG file.")]},
        )
    check_pixels(head, kind.mime)
    findings = content_findings(upload, kind.mime)
    refused = sorted(set(findings) & REFUSED_FINDINGS)
    if refused:
        raise Problem(
            status=422,
            code="dangerous_content",
            detail=_(
                "This file contains something other than a document (a program, a web page, an archive or "
                "an embedded file). Please upload a scan or a photo of the document instead."
            ),
            errors={"file": [_("This file contains active or hidden content.")]},
            extra={"findings": refused},
        )
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        digest.update(chunk)
    check_size(size)
    upload.seek(0)
    name = sanitise_name(upload.name)
    stem, _ext = os.path.splitext(name)
    return CheckedFile(
        content_type=kind.mime,
        extension=ALLOWED_TYPES[kind.mime],
        size=size,
        sha256=digest.hexdigest(),
        original_name=f"{stem or 'document'}.{ALLOWED_TYPES[kind.mime]}",
        active_content=tuple(sorted(set(findings))),
    )


# --- content ----------------------------------------------------------------------------------
def image_size(head: bytes, mime: str) -> tuple[int, int] | None:
    """Width and height as the image declares them (header only, nothing decoded)."""
    if mime == "image/png" and len(head) >= 24 and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if mime == "image/jpeg":
        pos = 2
        while pos + 9 <= len(head):
            if head[pos] != 0xFF:
                return None
            marker = head[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            (length,) = struct.unpack(">H", head[pos + 2 : pos + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
                height, width = struct.unpack(">HH", head[pos + 5 : pos + 9])
                return width, height
            pos += 2 + length
    return None


def check_pixels(head: bytes, mime: str) -> None:
    size = image_size(head, mime)
    if size is not None and size[0] * size[1] > app_settings.UPLOAD_MAX_PIXELS:
        raise Problem(
            status=422,
            code="image_too_large",
            detail=_("The image is too large (%(width)s x %(height)s pixels). Please upload a smaller photo or scan.")
            % {"width": size[0], "height": size[1]},
            errors={"file": [_("Too many pixels.")]},
            extra={"max_pixels": app_settings.UPLOAD_MAX_PIXELS},
        )


def content_findings(upload: UploadedFile, mime: str) -> list[str]:
    """What else the file holds: ``script_inside``, ``zip_inside`` and, for PDFs,
    ``launch_action``, ``embedded_file`` (refused), ``javascript``, ``auto_action`` (flagged)."""
    findings: list[str] = []
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks(CHUNK):
        window = tail + chunk
        if has_markup(window):
            findings.append("script_inside")
        if mime == "application/pdf":
            findings.extend(PDF_RAW_NAMES[m.group(1)] for m in PDF_RAW_NAME.finditer(window))
        tail = window[-MARKER_OVERLAP:]
    upload.seek(0)
    if _is_zip(upload):
        findings.append("zip_inside")
    if mime == "application/pdf":
        findings.extend(pdf_findings(upload))
    upload.seek(0)
    return sorted(set(findings))


def has_markup(window: bytes) -> bool:
    """Active markup in ``window``, as bytes or as UTF-16 text."""
    if SCRIPT_MARKERS.search(window):
        return True
    return any(SCRIPT_MARKERS.search(run.group().replace(b"\x00", b"")) for run in UTF16_RUNS.finditer(window))


def _is_zip(upload: UploadedFile) -> bool:
    """A readable ZIP directory at the end (a ZIP is read from its end, so any
    file can carry one: the classic PDF/ZIP and JPEG/ZIP polyglots)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False


def pdf_findings(upload: UploadedFile) -> list[str]:
    """Walk the parsed PDF's objects (names decoded, object streams opened)."""
    try:
        reader = PdfReader(upload, strict=False)
        todo = [reader.trailer]
    except Exception:  # unreadable for pypdf: the raw byte search above still ran
        return []
    findings: set[str] = set()
    seen: set[tuple[int, int]] = set()
    visited = 0
    try:
        while todo and visited < PDF_WALK_LIMIT:
            node = todo.pop()
            visited += 1
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in seen:
                    continue
                seen.add(key)
                node = node.get_object()
            if isinstance(node, DictionaryObject):
                action = node.get("/S")
                if action == "/JavaScript" or "/JS" in node:
                    findings.add("javascript")
                elif action == "/Launch":
                    findings.add("launch_action")
                if "/EmbeddedFiles" in node or node.get("/Type") == "/EmbeddedFile":
                    findings.add("embedded_file")
                if "/AA" in node or isinstance(_resolved(node.get("/OpenAction")), DictionaryObject):
                    findings.add("auto_action")
                if "/XFA" in node:
                    findings.add("javascript")  # XFA forms carry their own scripts
                todo.extend(value for name, value in node.items() if name != "/Parent")
            elif isinstance(node, ArrayObject):
                todo.extend(node)
    except Exception:  # a broken object late in the file: keep what was found
        logger.info("pdf walk stopped early", exc_info=True)
    return sorted(findings)


def _resolved(value):
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


# --- viruses (clamd) --------------------------------------------------------------------------
def clamd_client() -> clamdpy.ClamdNetworkSocket:
    address, timeout = app_settings.CLAMD_ADDRESS, app_settings.CLAMD_TIMEOUT
    if address.startswith("tcp://"):
        host, _sep, port = address.removeprefix("tcp://").rpartition(":")
        return clamdpy.ClamdNetworkSocket(host=host.strip("[]"), port=int(port), timeout=timeout)
    return clamdpy.ClamdUnixSocket(path=address.removeprefix("unix://"), timeout=timeout)


# /readyz must answer within its own bound even when clamd hangs.
READY_TIMEOUT = 2.0


def virus_scanner_status() -> str:
    """``"off"`` when scanning is switched off, ``"ok"`` when clamd answers PING; raises otherwise."""
    if not app_settings.VIRUS_SCAN:
        return "off"
    client = clamd_client()
    client.timeout = min(client.timeout or READY_TIMEOUT, READY_TIMEOUT)
    answer = client.ping()
    if answer.strip() != "PONG":
        raise RuntimeError(f"clamd answered {answer[:40]!r} to PING")
    return "ok"


def virus_scan(upload: UploadedFile) -> None:
    """Stream the upload to clamd (INSTREAM). Refuse a finding (422); refuse the
    upload when clamd cannot give a verdict (503): never store a file unscanned."""
    upload.seek(0)
    try:
        result = clamd_client().instream(upload, max_chunk_size=CHUNK)
    except (ClamdException, OSError) as error:
        logger.error("virus scan unavailable: %s", error.__class__.__name__)
        raise _scan_unavailable() from None
    finally:
        upload.seek(0)
    if result.status == "FOUND":
        logger.warning("virus found in an upload: %s", result.reason)
        raise Problem(
            status=422,
            code="virus_found",
            detail=_("The virus scanner found malware in this file. It was not stored."),
            errors={"file": [_("Malware found.")]},
        )
    if result.status != "OK":
        logger.error("virus scan failed: %s", result.reason)
        raise _scan_unavailable()


def _scan_unavailable() -> Problem:
    return Problem(
        status=503,
        code="virus_scan_unavailable",
        detail=_("Uploads cannot be checked for viruses at the moment. Please try again in a few minutes."),
        errors={"file": [_("Not checked; not stored.")]},
        headers={"Retry-After": "60"},
    )


def store(upload: UploadedFile, checked: CheckedFile) -> str:
    """Write the file under a random name; return that name. Nothing is left
    behind if writing fails half-way."""
    storage = private_storage()
    name = f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.{checked.extension}"
    upload.seek(0)
    try:
        saved = storage.save(name, upload)
    except BaseException:
        discard(name)
        raise
    return saved


def open_stored(name: str):
    """The stored file ``name``, open for reading; 404 when it is gone."""
    try:
        return private_storage().open(name, "rb")
    except FileNotFoundError:
        raise Problem(status=404, code="file_missing", detail=_("The file is not available.")) from None


def download_response(document) -> FileResponse:
    """The stored file of ``document`` as a download, never rendered inline (API and pages)."""
    return FileResponse(
        open_stored(document.storage_name),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def discard(name: str) -> None:
    storage = private_storage()
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:  # the file is unreachable anyway; a cleanup job may retry
        pass
