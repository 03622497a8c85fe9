from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Case processing")

    def seed_demo(self, jobcenter) -> None:
        """Demo routing: every application goes to the benefits team (idempotent)."""
        from casework.models import RoutingRule
        from portal.constants import TeamKind

        team = jobcenter.teams.filter(kind=TeamKind.BENEFITS).order_by("id").first()
        if team is not None:
            RoutingRule.objects.get_or_create(jobcenter=jobcenter, is_default=True, defaults={"team": team})
