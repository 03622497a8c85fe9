"""Factories of the appointments app: ``AppointmentFactory(cancelled=True)``, ..."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory

from appointments.constants import AppointmentStatus, Channel, InvitationPurpose
from appointments.models import Appointment, AppointmentType, AvailabilityRule, CounsellorProfile, LegalNotice
from portal.constants import TeamKind
from tests.factories import JobcenterFactory, LocationFactory, TeamFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
ALL_CHANNELS = [Channel.IN_PERSON, Channel.PHONE, Channel.VIDEO]


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    jobcenter = factory.SubFactory(JobcenterFactory)
    team = factory.SubFactory(TeamFactory, jobcenter=factory.SelfAttribute("..jobcenter"), kind=TeamKind.PLACEMENT)
    slug = factory.Sequence(lambda n: f"type-{n}")
    name = factory.Sequence(lambda n: f"Beratung {n}")
    description = "Beratungsgespräch"
    duration = timedelta(minutes=30)
    channels = factory.LazyFunction(lambda: list(ALL_CHANNELS))
    languages = factory.LazyFunction(lambda: ["de", "en", "uk"])
    # Generous defaults so tests can book far ahead (DST dates in 2027).
    booking_horizon = timedelta(days=800)
    minimum_notice = timedelta(hours=24)


def counsellor_with_hours(
    appointment_type: AppointmentType,
    *,
    weekdays=range(7),
    start: time = time(8),
    end: time = time(12),
    languages=("de",),
    location=None,
    channels=None,
    **user_kwargs,
):
    """A counsellor in the type's team with a weekly rule on ``weekdays``."""
    counsellor = UserFactory(counsellor=True, jobcenter=appointment_type.jobcenter, **user_kwargs)
    if appointment_type.team_id:
        counsellor.teams.add(appointment_type.team)
    CounsellorProfile.objects.create(user=counsellor, languages=list(languages))
    if location is None:
        location = LocationFactory(jobcenter=appointment_type.jobcenter)
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(
            counsellor=counsellor,
            weekday=day,
            start_time=start,
            end_time=end,
            location=location,
            channels=list(channels or ALL_CHANNELS),
        )
        for day in weekdays
    )
    return counsellor


def berlin(year, month, day, hour=8, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def next_weekday(weekday: int, *, weeks_ahead: int = 1) -> date:
    """The date of ``weekday`` (Monday = 0) at least a week from today."""
    today = datetime.now(UTC).astimezone(BERLIN).date() + timedelta(days=7 * weeks_ahead)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


class LegalNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalNotice
        django_get_or_create = ("code", "version")

    code = "meldeaufforderung"
    version = 1
    valid_from = date(2023, 1, 1)
    text = "Rechtsfolgenbelehrung ..."


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked appointment; ``AppointmentFactory(invited=True)``, ``(cancelled=True)``, ``(video=True)``."""

    class Meta:
        model = Appointment

    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    counsellor = factory.LazyAttribute(lambda o: UserFactory(counsellor=True, jobcenter=o.appointment_type.jobcenter))
    citizen = factory.SubFactory(UserFactory, citizen=True)
    start = factory.LazyFunction(lambda: berlin(*next_weekday(1).timetuple()[:3], 9))
    end = factory.LazyAttribute(lambda o: o.start + o.appointment_type.duration)
    blocked_start = factory.LazyAttribute(lambda o: o.start - o.appointment_type.buffer_before)
    blocked_end = factory.LazyAttribute(lambda o: o.end + o.appointment_type.buffer_after)
    channel = Channel.PHONE
    status = AppointmentStatus.BOOKED

    class Params:
        cancelled = factory.Trait(status=AppointmentStatus.CANCELLED)
        video = factory.Trait(channel=Channel.VIDEO)
        invited = factory.Trait(
            status=AppointmentStatus.INVITED,
            is_invitation=True,
            purpose=InvitationPurpose.PLACEMENT,
            legal_notice=factory.SubFactory(LegalNoticeFactory),
        )
