"""Video appointments for the video tests (made directly, without the booking rules)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment, AppointmentType
from tests.factories import JobcenterFactory, UserFactory


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    jobcenter = factory.SubFactory(JobcenterFactory)
    team = None
    slug = factory.Sequence(lambda n: f"video-type-{n}")
    name = factory.Sequence(lambda n: f"Videoberatung {n}")
    duration = timedelta(minutes=30)
    channels = factory.LazyFunction(lambda: [Channel.VIDEO])


class VideoAppointmentFactory(factory.django.DjangoModelFactory):
    """A video appointment whose room is open now (it starts in 5 minutes).

    ``VideoAppointmentFactory(later=True)``: the room is not open yet;
    ``(over=True)``: closed; ``(cancelled=True)``; ``(by_phone=True)``."""

    class Meta:
        model = Appointment

    counsellor = factory.SubFactory(UserFactory, counsellor=True)
    citizen = factory.SubFactory(UserFactory, citizen=True)
    appointment_type = factory.SubFactory(
        AppointmentTypeFactory, jobcenter=factory.SelfAttribute("..counsellor.jobcenter")
    )
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=5))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=30))
    blocked_start = factory.SelfAttribute("start")
    blocked_end = factory.SelfAttribute("end")
    channel = Channel.VIDEO
    status = AppointmentStatus.BOOKED

    class Params:
        later = factory.Trait(start=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2)))
        over = factory.Trait(start=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2)))
        cancelled = factory.Trait(status=AppointmentStatus.CANCELLED)
        by_phone = factory.Trait(channel=Channel.PHONE)
