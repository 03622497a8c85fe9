"""What video counselling stores: invited guests and join/leave times.

Nothing about the call itself is stored: no media, no chat, no recording.
Join/leave times are kept for the audit and deleted after
``VIDEO_METADATA_RETENTION`` (90 days; KBV Anlage 31b: 3 months at the latest).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from video.constants import GuestKind, ParticipantRole


class Guest(models.Model):
    """An interpreter or a person of trust (Beistand, §13 SGB X) invited by the
    counsellor to one appointment. The guest has no account: the invitation link
    carries a random key, of which only the SHA-256 hash is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.ForeignKey("appointments.Appointment", on_delete=models.CASCADE, related_name="video_guests")
    kind = models.CharField(_("kind"), max_length=20, choices=GuestKind.choices)
    display_name = models.CharField(_("name shown in the room"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("video guest")
        verbose_name_plural = _("video guests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.public_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Participation(models.Model):
    """One connection to a room: who (by role) joined and left when."""

    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.CASCADE, related_name="video_participations"
    )
    participant = models.CharField(max_length=18)  # the room pseudonym
    role = models.CharField(max_length=12, choices=ParticipantRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guest = models.ForeignKey(Guest, on_delete=models.CASCADE, null=True, blank=True, related_name="participations")
    joined_at = models.DateTimeField(db_index=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("joined_at")),
                name="video_participation_left_after_joined",
            ),
        ]
        verbose_name = _("video participation")
        verbose_name_plural = _("video participations")

    def __str__(self) -> str:
        return f"{self.role} {self.participant} {self.joined_at:%Y-%m-%d %H:%M}"
