from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Case processing")

    def ready(self) -> None:
        from applications.signals import application_submitted
        from casework.receivers import route_on_submit

        application_submitted.connect(route_on_submit, dispatch_uid="casework.route_on_submit")
        _connect_routing_signals()

    def seed_demo(self, jobcenter) -> None:
        """Demo routing: every application goes to the benefits team (idempotent)."""
        from casework.models import RoutingRule
        from portal.constants import TeamKind

        team = jobcenter.teams.filter(kind=TeamKind.BENEFITS).order_by("id").first()
        if team is not None:
            RoutingRule.objects.get_or_create(jobcenter=jobcenter, is_default=True, defaults={"team": team})

    def personal_data(self, user) -> dict:
        """The citizen's part for the Art. 15 DSGVO copy: the decisions on their
        applications. Internal notes are working papers of the Jobcenter and are
        not part of any citizen response."""
        from casework.models import Decision

        decisions = Decision.objects.filter(application__applicant=user).select_related("application")
        return {
            "decisions": [
                {
                    "application": str(d.application.public_id),
                    "reference": d.application.reference,
                    "outcome": d.outcome,
                    "starts_on": d.starts_on.isoformat() if d.starts_on else None,
                    "ends_on": d.ends_on.isoformat() if d.ends_on else None,
                    "monthly_amount": None if d.monthly_amount is None else f"{d.monthly_amount:.2f}",
                    "reason": d.reason,
                    "decided_at": d.decided_at.isoformat(),
                    "document_sha256": d.document_sha256,
                }
                for d in decisions
            ]
        }


def _connect_routing_signals() -> None:
    """A routing rule or team saved or deleted: claim-next checks routing again (casework/services.py)."""
    from django.db.models.signals import post_delete, post_save

    from casework.models import RoutingRule
    from portal.models import Team

    for model in (RoutingRule, Team):
        post_save.connect(_routing_changed, sender=model, dispatch_uid=f"routing_retire_save_{model.__name__}")
        post_delete.connect(_routing_changed, sender=model, dispatch_uid=f"routing_retire_delete_{model.__name__}")


def _routing_changed(sender, instance, **kwargs) -> None:
    from casework.services import routing_retire

    routing_retire(jobcenter_id=instance.jobcenter_id)
