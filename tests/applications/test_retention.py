"""Retention: ``manage.py run_retention`` deletes drafts never lodged 30 days
after their last change, with every row and stored file; lodged applications
stay. Upload files without a row are swept once older than a day."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications.models import Application, Document, HouseholdMember, HousingCosts
from applications.services import document_upload
from portal.models import AuditEvent
from tests.applications.conftest import PDF_BYTES, stored_files
from tests.applications.factories import ApplicationFactory

# Real commits: the files must go only once the rows' deletion is committed.
pytestmark = pytest.mark.django_db(transaction=True)


def with_file(application: Application, days_since_change: int) -> Document:
    document = document_upload(
        application=application,
        actor=application.applicant,
        upload=SimpleUploadedFile("Mietvertrag.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now() - timedelta(days=days_since_change))
    return document


def run_retention() -> str:
    out = StringIO()
    call_command("run_retention", stdout=out)
    return out.getvalue()


def names(root) -> list[str]:
    return sorted(p.name for p in stored_files(root))


def test_it_deletes_old_drafts_with_their_rows_and_files_and_keeps_the_rest(_private_storage):
    old = ApplicationFactory()
    old_document = with_file(old, days_since_change=31)
    young = ApplicationFactory()
    young_document = with_file(young, days_since_change=29)
    lodged = ApplicationFactory(lodged=True)
    lodged_document = with_file(lodged, days_since_change=400)
    kept_files = sorted(d.storage_name.rsplit("/", 1)[1] for d in (young_document, lodged_document))
    assert names(_private_storage) == sorted([old_document.storage_name.rsplit("/", 1)[1], *kept_files])

    out = run_retention()

    assert "applications.drafts: 1 deleted" in out
    assert "applications.draft_documents: 1 deleted" in out
    assert "applications.orphan_files: 0 deleted" in out
    assert set(Application.objects.values_list("pk", flat=True)) == {young.pk, lodged.pk}
    for model in (Document, HouseholdMember, HousingCosts):
        assert not model.objects.filter(application_id=old.pk).exists()
    assert names(_private_storage) == kept_files  # the old draft's file is gone, no other
    event = AuditEvent.objects.get(action="application.retention_delete")
    assert event.object_id == str(old.public_id)
    assert event.actor_role == "system"
    assert event.data == {"documents": 1}


def test_it_follows_the_draft_retention_setting(settings):
    settings.APPLICATION_DRAFT_RETENTION_DAYS = 7
    draft = ApplicationFactory()
    Application.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=8))
    assert "applications.drafts: 1 deleted" in run_retention()
    assert not Application.objects.exists()


def test_it_sweeps_upload_files_without_a_row_once_a_day_old(_private_storage):
    kept = with_file(ApplicationFactory(), days_since_change=0)
    folder = _private_storage / "documents"
    stale, in_flight = folder / ("0" * 32 + ".pdf"), folder / ("f" * 32 + ".pdf")
    stale.write_bytes(PDF_BYTES)
    in_flight.write_bytes(PDF_BYTES)  # an upload whose transaction may still be open
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(stale, (two_days_ago, two_days_ago))
    os.utime(_private_storage / kept.storage_name, (two_days_ago, two_days_ago))

    assert "applications.orphan_files: 1 deleted" in run_retention()
    assert names(_private_storage) == sorted([kept.storage_name.rsplit("/", 1)[1], in_flight.name])


def test_it_keeps_draft_and_files_when_the_step_fails_after_the_deletion(_private_storage, monkeypatch):
    old = ApplicationFactory()
    document = with_file(old, days_since_change=31)

    def broken(*, now):
        raise OSError("storage unreachable")

    monkeypatch.setattr("applications.retention.orphan_files_delete", broken)
    out = StringIO()
    with pytest.raises(CommandError, match="applications"):
        call_command("run_retention", stdout=out)
    assert Application.objects.filter(pk=old.pk).exists()  # the deletion was rolled back ...
    assert names(_private_storage) == [document.storage_name.rsplit("/", 1)[1]]  # ... and the file stays
    assert not AuditEvent.objects.filter(action="application.retention_delete").exists()
