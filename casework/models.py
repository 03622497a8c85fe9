"""Staff case processing (Leistungssachbearbeitung): what the staff side adds
to an application that the citizen side does not know about."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
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


class CounsellorClient(models.Model):
    """A placement counsellor's own client (Integrationsfachkraft of this citizen).

    Only used when ``CASEWORK_COUNSELLORS_READ_OWN_CLIENTS`` is on: then the
    counsellor may read (never change) the citizen's benefit applications.
    """

    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counsellors")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["counsellor", "citizen"], name="counsellor_client_unique")]
        verbose_name = _("counsellor's client")
        verbose_name_plural = _("counsellors' clients")

    def __str__(self) -> str:
        return f"{self.counsellor_id} -> {self.citizen_id}"
