"""Appointment types, counsellors' availability, appointments and invitations.

Times of appointments are aware and stored in UTC. Availability is stored as
wall time with its zone and expanded per date (``appointments.availability``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from appointments.constants import (
    OCCUPYING_STATUSES,
    AppointmentStatus,
    Channel,
    ExceptionKind,
    InvitationPurpose,
    InvitationResponse,
    Weekday,
)
from appointments.constraints import PostgresExclusionConstraint, TsTzRange
from portal.clock import BERLIN_NAME
from portal.models import Jobcenter, Location, Team


def default_channels() -> list[str]:
    return [Channel.IN_PERSON, Channel.PHONE, Channel.VIDEO]


def default_languages() -> list[str]:
    return ["de"]


class AppointmentType(models.Model):
    """What a citizen can book: "Erstberatung Arbeitsvermittlung", 30 minutes, ..."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="appointment_types")
    # Counsellors of this team give the appointments; without a team any
    # counsellor of the Jobcenter may.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment_types")
    slug = models.SlugField()
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # {"en": {"name": "...", "description": "..."}, "uk": {...}}; German is in name/description.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    duration = models.DurationField(_("duration"), default=timedelta(minutes=30))
    buffer_before = models.DurationField(_("buffer before"), default=timedelta(0))
    buffer_after = models.DurationField(_("buffer after"), default=timedelta(0))
    channels = models.JSONField(_("channels"), default=default_channels)
    minimum_notice = models.DurationField(_("minimum notice"), default=timedelta(hours=24))
    booking_horizon = models.DurationField(_("booking horizon"), default=timedelta(weeks=6))
    languages = models.JSONField(_("languages offered"), default=default_languages)
    self_bookable = models.BooleanField(_("citizens can book it themselves"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["jobcenter", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "slug"], name="appointment_type_unique_slug"),
            models.CheckConstraint(condition=Q(duration__gt=timedelta(0)), name="appointment_type_positive_duration"),
        ]
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")

    def __str__(self) -> str:
        return self.name

    def _translated(self, field: str) -> str:
        language = (translation.get_language() or "de").split("-")[0]
        text = (self.translations.get(language) or {}).get(field)
        return text or getattr(self, field)

    @property
    def public_name(self) -> str:
        return self._translated("name")

    @property
    def public_description(self) -> str:
        return self._translated("description")

    @property
    def slot_step(self) -> timedelta:
        # Consecutive slots leave room for the buffers, so each of them can be booked.
        return self.buffer_before + self.duration + self.buffer_after


class CounsellorProfile(models.Model):
    """What the slot search needs to know about a counsellor beyond the user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counsellor_profile")
    languages = models.JSONField(_("languages spoken"), default=default_languages)
    timezone = models.CharField(_("time zone"), max_length=64, default=BERLIN_NAME)
    # Bumped on every change of the availability (ETag of GET/PUT availability).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("counsellor profile")
        verbose_name_plural = _("counsellor profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def public_id(self):
        """The availability is addressed by its counsellor: its ETag and audit
        events name the counsellor's public id, the same for the unsaved default
        a GET shows and for the row the first PUT stores."""
        return self.user.public_id


class AvailabilityRule(models.Model):
    """A weekly window in local wall time: "Tuesdays 08:00-12:00 at the main office"."""

    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_rules"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    timezone = models.CharField(_("time zone"), max_length=64, default=BERLIN_NAME)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channels = models.JSONField(_("channels"), default=default_channels)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["counsellor", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="availability_rule_start_before_end"
            ),
        ]
        verbose_name = _("availability rule")
        verbose_name_plural = _("availability rules")

    def __str__(self) -> str:
        return f"{self.counsellor} {self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """An absence (a whole day without times) or extra hours on one date, in wall time."""

    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default=BERLIN_NAME)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channels = models.JSONField(_("channels"), default=default_channels)

    class Meta:
        ordering = ["counsellor", "date", "start_time"]
        # The slot search reads a month of exceptions of many counsellors.
        indexes = [models.Index(fields=["counsellor", "date"], name="availability_exception_day")]
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")

    def __str__(self) -> str:
        return f"{self.counsellor} {self.kind} {self.date}"


class LegalNotice(models.Model):
    """A version of the Rechtsfolgenbelehrung printed on binding invitations.

    Versions are never edited: a changed text is a new row, and every
    invitation keeps the version it was sent with.
    """

    code = models.SlugField(default="meldeaufforderung")
    version = models.PositiveIntegerField()
    valid_from = models.DateField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="legal_notice_unique_version")]
        verbose_name = _("notice of legal consequences")
        verbose_name_plural = _("notices of legal consequences")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Appointment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Bumped on every change: ETag, and SEQUENCE of the .ics.
    version = models.PositiveIntegerField(default=1)
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="counsellor_appointments"
    )
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The counsellor's time this appointment blocks: start - buffer before to
    # end + buffer after (copied from the type when booked).
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # The application the appointment is about: always the citizen's own and of
    # the appointment's Jobcenter (checked when booking and inviting).
    application = models.ForeignKey(
        "applications.Application", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    languages = models.JSONField(_("languages needed"), default=list, blank=True)
    note = models.TextField(_("note from the citizen"), blank=True, max_length=1000)
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)

    # Binding invitation (Einladung / Meldeaufforderung, §59 SGB II with §309 SGB III).
    is_invitation = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=InvitationPurpose.choices, blank=True)
    legal_notice = models.ForeignKey(LegalNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    response = models.CharField(
        _("answer"), max_length=20, choices=InvitationResponse.choices, default=InvitationResponse.PENDING
    )
    response_note = models.CharField(_("answer note"), max_length=1000, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    # Sent-markers: each e-mail goes out once; the worker claims it with a
    # compare-and-swap update on these columns (see appointments.tasks).
    notified_version = models.PositiveIntegerField(default=0)
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    video_reminder_sent_for = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["counsellor", "start"], name="appointment_counsellor_start"),
            models.Index(fields=["citizen", "start"], name="appointment_citizen_start"),
            # The slot search: occupying bookings of many counsellors that end after a
            # moment, read from the index alone (blocked_start included).
            models.Index(
                fields=["counsellor", "blocked_end"],
                include=["blocked_start"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="appointment_occupying_until",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="appointment_start_before_end"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start"), blocked_end__gte=F("end")),
                name="appointment_blocked_covers_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.INVITED) | Q(is_invitation=True),
                name="appointment_invited_is_invitation",
            ),
            models.UniqueConstraint(
                fields=["citizen", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appointment_unique_idempotency_key",
            ),
            # No double booking, by construction (PostgreSQL; see appointments.constraints).
            PostgresExclusionConstraint(
                name="appointment_no_overlap_per_counsellor",
                expressions=[
                    (TsTzRange("blocked_start", "blocked_end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("counsellor", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=OCCUPYING_STATUSES),
            ),
            PostgresExclusionConstraint(
                name="appointment_no_overlap_per_citizen",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("citizen", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=OCCUPYING_STATUSES),
            ),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.appointment_type} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_occupying(self) -> bool:
        return self.status in OCCUPYING_STATUSES

    @property
    def jobcenter_id(self) -> int:
        return self.appointment_type.jobcenter_id
