"""Retention: ``manage.py run_retention`` (and the worker's task) deletes what
is past its period, per settings, and each feature app plugs in its own steps
(``AppConfig.retention(now)``)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, IdempotencyRecord
from portal.retention import files_delete_on_commit, retention_run
from portal.tasks import retention_run_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def at(moment, monkeypatch):
    """Make ``timezone.now()`` (and so ``auto_now_add``) return ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def audit_event_at(moment, monkeypatch, object_id: str) -> AuditEvent:
    with monkeypatch.context() as patch:
        at(moment, patch)
        return audit_record(actor=None, action="application.read", object_type="test", object_id=object_id)


def test_it_deletes_audit_events_past_their_period_and_keeps_the_rest(settings, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    old = audit_event_at(now - timedelta(days=366), monkeypatch, "old")
    recent = audit_event_at(now - timedelta(days=364), monkeypatch, "recent")

    report = retention_run(now=now)

    assert report.ok
    assert report.deleted["portal.audit_events"] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    # The run itself is on the record: counts only.
    run = AuditEvent.objects.get(action="retention.run")
    assert run.actor_role == "system"
    assert run.data["deleted"]["portal.audit_events"] == 1
    assert run.data["failed"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_leaves_the_audit_trail_append_only_outside_the_retention_run(settings, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    audit_event_at(now - timedelta(days=31), monkeypatch, "old")
    keep = audit_event_at(now, monkeypatch, "keep")

    with transaction.atomic():
        assert retention_run(now=now).deleted["portal.audit_events"] == 1
        # Same transaction, after the run: the trigger refuses again.
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=keep.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=keep.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditevent SET action = 'forged' WHERE id = %s", [keep.pk])
    assert AuditEvent.objects.filter(pk=keep.pk, action="application.read").exists()


def test_it_deletes_idempotency_records_past_their_lifetime(settings, monkeypatch):
    user = UserFactory(citizen=True)
    now = timezone.now()
    with monkeypatch.context() as patch:
        at(now - settings.IDEMPOTENCY_KEY_TTL - timedelta(minutes=1), patch)
        old = IdempotencyRecord.objects.create(user=user, key="old", scope="POST /x", request_hash="h")
    fresh = IdempotencyRecord.objects.create(user=user, key="fresh", scope="POST /x", request_hash="h")

    assert retention_run(now=now).deleted["portal.idempotency_records"] == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()


def test_it_deletes_expired_sessions():
    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(timezone.now() - timedelta(seconds=1))
    expired.create()
    live.create()

    assert retention_run().deleted["sessions.expired"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_it_runs_the_steps_that_feature_apps_register(monkeypatch):
    config = apps.get_app_config("appointments")
    seen = []

    def retention(now):
        seen.append(now)
        return {"appointments.example": 3}

    monkeypatch.setattr(config, "retention", retention, raising=False)
    now = timezone.now()
    report = retention_run(now=now)
    assert seen == [now]
    assert report.deleted["appointments.example"] == 3


def test_it_goes_on_when_a_step_fails_and_rolls_that_step_back(monkeypatch):
    config = apps.get_app_config("appointments")
    survivor = audit_event_at(timezone.now(), monkeypatch, "survivor")

    def broken(now):
        IdempotencyRecord.objects.create(user=UserFactory(citizen=True), key="k", scope="s", request_hash="h")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(config, "retention", broken, raising=False)
    report = retention_run(now=timezone.now())
    assert report.failed == {"appointments": "RuntimeError"}
    assert "portal.audit_events" in report.deleted  # the other steps ran
    assert not IdempotencyRecord.objects.exists()  # the failed step's writes are undone
    assert AuditEvent.objects.filter(pk=survivor.pk).exists()

    out = StringIO()
    with pytest.raises(CommandError, match="appointments"):
        call_command("run_retention", stdout=out)
    assert "portal.audit_events: 0 deleted" in out.getvalue()


def test_it_prints_what_the_command_deleted(settings, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 30
    audit_event_at(timezone.now() - timedelta(days=40), monkeypatch, "old")
    out = StringIO()
    call_command("run_retention", stdout=out)
    assert "portal.audit_events: 1 deleted" in out.getvalue()
    assert "portal.idempotency_records: 0 deleted" in out.getvalue()


def test_it_runs_in_the_background_worker(settings, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 30
    audit_event_at(timezone.now() - timedelta(days=40), monkeypatch, "old")
    result = retention_run_task.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["deleted"]["portal.audit_events"] == 1
    assert not AuditEvent.objects.filter(object_id="old").exists()

    out = StringIO()
    call_command("run_retention", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Enqueued retention run ")


def test_it_deletes_files_only_when_their_rows_are_gone_for_good(_private_storage, django_capture_on_commit_callbacks):
    storage = storages["private"]
    kept = storage.save("evidence/kept.pdf", ContentFile(b"%PDF-1.7 kept"))
    gone = storage.save("evidence/gone.pdf", ContentFile(b"%PDF-1.7 gone"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            files_delete_on_commit(names=[kept])
            raise RuntimeError("the row deletion rolled back")
        with transaction.atomic():
            files_delete_on_commit(names=[gone])
        assert storage.exists(gone)  # not before the commit

    assert len(callbacks) == 1
    assert storage.exists(kept)
    assert not storage.exists(gone)
    assert sorted(p.name for p in (_private_storage / "evidence").iterdir()) == ["kept.pdf"]
