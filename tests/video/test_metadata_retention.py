"""Join/leave times are deleted after 90 days (KBV Anlage 31b: 3 months at the latest)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from video.models import Participation
from video.tasks import purge_video_metadata

pytestmark = pytest.mark.django_db


def _row(appointment, age: timedelta) -> Participation:
    joined = timezone.now() - age
    return Participation.objects.create(
        appointment=appointment,
        participant="p_0123456789abcdef",
        role="citizen",
        user=appointment.citizen,
        joined_at=joined,
        left_at=joined + timedelta(minutes=20),
    )


def test_it_deletes_join_and_leave_times_older_than_90_days(appointment):
    old = _row(appointment, timedelta(days=91))
    recent = _row(appointment, timedelta(days=89))
    result = purge_video_metadata.enqueue()  # the immediate backend in tests runs it now
    assert result.return_value == 1
    assert list(Participation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Participation.objects.filter(pk=old.pk).exists()


def test_it_follows_the_retention_setting(appointment, settings):
    settings.VIDEO_METADATA_RETENTION = timedelta(days=30)
    _row(appointment, timedelta(days=31))
    _row(appointment, timedelta(days=29))
    out = io.StringIO()
    call_command("purge_video_metadata", stdout=out)
    assert Participation.objects.count() == 1
    assert "Deleted 1 " in out.getvalue()


def test_it_runs_with_the_portal_retention_run(appointment):
    old = _row(appointment, timedelta(days=91))
    recent = _row(appointment, timedelta(days=89))
    out = io.StringIO()
    call_command("run_retention", stdout=out)
    assert "video.participations: 1 deleted" in out.getvalue()
    assert list(Participation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Participation.objects.filter(pk=old.pk).exists()
