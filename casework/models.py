"""Staff case processing (Leistungssachbearbeitung): what the staff side adds
to an application that the citizen side does not know about."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Jobcenter, Team


class RoutingRule(models.Model):
    """Sends new applications of a Jobcenter to a team: by surname range, or the default."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="routing_rules")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="routing_rules")
    is_default = models.BooleanField(_("default team"), default=False)
    surname_from = models.CharField(_("surname from"), max_length=10, blank=True)
    surname_to = models.CharField(_("surname to"), max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["jobcenter", "is_default", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jobcenter"], condition=Q(is_default=True), name="routing_one_default_per_jobcenter"
            ),
            models.CheckConstraint(
                condition=Q(is_default=True) | ~Q(surname_from="") | ~Q(surname_to=""),
                name="routing_range_has_a_bound",
            ),
        ]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        if self.is_default:
            return f"default -> {self.team.name}"
        return f"{self.surname_from or '…'}-{self.surname_to or '…'} -> {self.team.name}"


class InternalNote(models.Model):
    """A staff-only note on a case (Aktenvermerk). Never shown to the citizen and
    never part of a citizen response, export or timeline."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="internal_notes")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"note {self.public_id}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


MONEY = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


class Decision(models.Model):
    """The notice (Bescheid) that decides an application, with its PDF."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="decision")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    # Bewilligungszeitraum: from when (and until when) benefits are granted.
    starts_on = models.DateField(_("benefits from"), null=True, blank=True)
    ends_on = models.DateField(_("benefits until"), null=True, blank=True)
    monthly_amount = models.DecimalField(_("total per month"), **MONEY)
    standard_needs_amount = models.DecimalField(_("standard needs (Regelbedarf) per month"), **MONEY)
    additional_needs_amount = models.DecimalField(_("additional needs (Mehrbedarfe) per month"), **MONEY)
    housing_amount = models.DecimalField(_("housing and heating (KdU) per month"), **MONEY)
    reason = models.TextField(_("reason"), blank=True)
    text = models.TextField(_("text of the notice"), blank=True)
    # The notice as PDF in private storage (uploaded by staff or generated from ``text``).
    storage_name = models.CharField(max_length=200, unique=True)
    document_name = models.CharField(max_length=255)
    document_size = models.PositiveBigIntegerField()
    document_sha256 = models.CharField(max_length=64)
    generated = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="rejected") | Q(starts_on__isnull=False), name="decision_approval_has_start"
            ),
            models.CheckConstraint(
                condition=Q(outcome="approved") | ~Q(reason=""), name="decision_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="decision_period_in_order",
            ),
        ]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.outcome} {self.application_id}"
