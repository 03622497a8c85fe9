"""Checking and storing uploaded evidence. All upload rules live here, so more
checks (a virus scan through clamd, page limits) can be added in one place.

1. Size: refused above ``APPLICATION_UPLOAD_MAX_BYTES`` (413) before anything is stored.
2. Type: decided from the file's content (magic bytes), never from its name or
   the client's ``Content-Type``: PDF, JPEG and PNG only (415).
3. Name: the client's file name is sanitised and kept as metadata only; the
   stored file gets a random name in ``storages["private"]``.
4. Checksum: SHA-256 over the content, shown on the receipt.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass

import filetype
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from applications.conf import app_settings
from portal.api.problems import Problem

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
STORAGE_FOLDER = "documents"
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


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
    """Check ``upload``; raise a problem (413, 415) naming the field ``file``."""
    check_size(upload.size)
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise Problem(
            status=415,
            code="unsupported_file_type",
            detail=_("Only PDF, JPEG and PNG files can be uploaded."),
            errors={"file": [_("This file is not a PDF, JPEG or PNG file.")]},
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


def discard(name: str) -> None:
    storage = private_storage()
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:  # the file is unreachable anyway; a cleanup job may retry
        pass
