"""Retention: delete what the portal may no longer keep (DSGVO Art. 5(1)(e)).

``retention_run(now=...)`` runs every retention step and returns what each
deleted. It is started by ``manage.py run_retention`` (daily, e.g. from cron)
or by the background worker (``portal.tasks.retention_run_task``).

The shared core's steps:

- audit events older than ``AUDIT_RETENTION_DAYS``;
- Idempotency-Key records older than ``IDEMPOTENCY_KEY_TTL``;
- expired login sessions.

A feature app adds its own steps with an optional method on its AppConfig::

    def retention(self, now: datetime) -> dict[str, int]:
        '''Delete what is past its period; return {"what": count}.'''

Each step runs in its own transaction: one that fails is logged and reported,
and the others still run. Files that belong to deleted rows are removed with
``files_delete_on_commit`` only once the deletion is committed, so a rollback
never leaves rows without their files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from portal.audit import AuditAction, AuditObjectType, audit_record
from portal.models import AuditEvent, IdempotencyRecord

logger = logging.getLogger(__name__)

Step = Callable[[datetime], dict[str, int]]


@dataclass
class RetentionReport:
    deleted: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # step -> exception class

    @property
    def ok(self) -> bool:
        return not self.failed


def audit_retention_days() -> int:
    return settings.AUDIT_RETENTION_DAYS


@transaction.atomic
def audit_events_prune(now: datetime) -> dict[str, int]:
    before = now - timedelta(days=audit_retention_days())
    if connection.vendor != "postgresql":
        deleted, _ = AuditEvent.objects.filter(created_at__lt=before).delete()
        return {"portal.audit_events": deleted}
    with connection.cursor() as cursor:
        # The append-only trigger (portal/0003) lets DELETE through only with
        # this flag. SET LOCAL ends with the transaction (and is undone with a
        # rolled-back savepoint); switching it off right after also covers a
        # caller's outer transaction.
        cursor.execute("SET LOCAL portal.audit_retention = 'on'")
        deleted, _ = AuditEvent.objects.filter(created_at__lt=before).delete()
        cursor.execute("SET LOCAL portal.audit_retention = 'off'")
    return {"portal.audit_events": deleted}


@transaction.atomic
def idempotency_records_prune(now: datetime) -> dict[str, int]:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - settings.IDEMPOTENCY_KEY_TTL).delete()
    return {"portal.idempotency_records": deleted}


def sessions_prune(now: datetime) -> dict[str, int]:
    """Expired sessions (the database backend leaves their rows behind)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = getattr(store, "get_model_class", None)
    if model is None:
        store.clear_expired()
        return {}
    deleted, _ = model().objects.filter(expire_date__lt=now).delete()
    return {"sessions.expired": deleted}


PORTAL_STEPS: dict[str, Step] = {
    "portal.audit_events": audit_events_prune,
    "portal.idempotency_records": idempotency_records_prune,
    "portal.sessions": sessions_prune,
}


def retention_steps() -> dict[str, Step]:
    """The shared core's steps, then each app's ``AppConfig.retention`` (in INSTALLED_APPS order)."""
    steps = dict(PORTAL_STEPS)
    for config in apps.get_app_configs():
        step = getattr(config, "retention", None)
        if callable(step):
            steps[config.label] = step
    return steps


def retention_run(*, now: datetime | None = None) -> RetentionReport:
    """Run every retention step; record one audit event with the counts (no ids of what is gone)."""
    now = now or timezone.now()
    report = RetentionReport()
    for name, step in retention_steps().items():
        try:
            with transaction.atomic():
                counts = step(now) or {}
        except Exception as exc:  # one step's failure must not stop the others
            logger.exception("Retention step %s failed", name)
            report.failed[name] = exc.__class__.__name__
            continue
        for what, count in counts.items():
            report.deleted[what] = report.deleted.get(what, 0) + int(count)
    audit_record(
        actor=None,
        action=AuditAction.RETENTION_RUN,
        object_type=AuditObjectType.RETENTION,
        object_id=now.date().isoformat(),
        data={"deleted": report.deleted, "failed": sorted(report.failed)},
    )
    return report


def files_delete_on_commit(*, names: Iterable[str], storage: str = "private") -> None:
    """Delete stored files once the surrounding transaction has committed.

    For retention steps (and other deletions) of rows that own files: call it
    inside the step with the names of the files of the rows being deleted.
    """
    names = [name for name in names if name]
    if not names:
        return

    def delete() -> None:
        target = storages[storage]
        for name in names:
            try:
                target.delete(name)
            except OSError:
                logger.exception("Could not delete a stored file after its row was deleted")

    transaction.on_commit(delete)
