"""Retention of applications (``AppConfig.retention``, run by ``manage.py run_retention``).

1. Drafts never lodged are deleted ``APPLICATION_DRAFT_RETENTION_DAYS`` (30) after
   their last change (``updated_at``: every edit and upload touches it), with all
   their rows (household, sections, documents, ...) by cascade. Their files go
   only after the deletion commits (``files_delete_on_commit``). Lodged
   applications are never deleted here: their period is that of the case file.
2. Files in the upload folder without a Document row (a crash between storing
   and committing, a failed discard) are deleted once older than
   ``APPLICATION_ORPHAN_FILE_MIN_AGE_HOURS`` (24): a younger file may belong to
   an upload whose transaction is still open.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from applications import files
from applications.conf import app_settings
from applications.constants import ApplicationStatus
from applications.models import Application, Document
from portal.audit import AuditAction, audit_record
from portal.retention import files_delete_on_commit

logger = logging.getLogger(__name__)

BATCH = 500


@transaction.atomic
def drafts_delete_expired(*, now: datetime) -> dict[str, int]:
    """Delete expired drafts; one audit event per draft (ids and counts only)."""
    cutoff = now - app_settings.DRAFT_RETENTION
    # A draft being edited right now is locked by its editor: skip it (PostgreSQL;
    # SQLite serialises writers anyway). The filter is re-checked under the lock.
    expired = (
        Application.objects.select_for_update(skip_locked=True)
        .filter(status=ApplicationStatus.DRAFT, lodged_at__isnull=True, updated_at__lt=cutoff)
        .order_by("pk")
    )
    drafts = documents = 0
    for application in expired:
        names = list(application.documents.values_list("storage_name", flat=True))
        audit_record(
            actor=None, action=AuditAction.APPLICATION_RETENTION_DELETE, obj=application, data={"documents": len(names)}
        )
        application.delete()
        files_delete_on_commit(names=names)
        drafts += 1
        documents += len(names)
    return {"applications.drafts": drafts, "applications.draft_documents": documents}


def orphan_files_delete(*, now: datetime) -> int:
    """Delete stored uploads that no Document row names, once old enough; returns how many."""
    storage = files.private_storage()
    if not storage.exists(files.STORAGE_FOLDER):
        return 0
    cutoff = now - app_settings.ORPHAN_FILE_MIN_AGE
    names = [f"{files.STORAGE_FOLDER}/{name}" for name in storage.listdir(files.STORAGE_FOLDER)[1]]
    deleted = 0
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        known = set(Document.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True))
        for name in batch:
            if name in known:
                continue
            try:
                if storage.get_modified_time(name) >= cutoff:
                    continue
                storage.delete(name)
            except (OSError, NotImplementedError):
                logger.exception("Could not check or delete an orphaned upload file")
                continue
            deleted += 1
    return deleted


def applications_retention(*, now: datetime) -> dict[str, int]:
    counts = drafts_delete_expired(now=now)
    counts["applications.orphan_files"] = orphan_files_delete(now=now)
    return counts
