from collections.abc import Callable
from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from applications.web.follow import overview_panel
        from portal.web import overview

        overview.register(
            overview.Panel(
                key="applications",
                order=10,
                template="applications/follow/overview_panel.html",
                context=overview_panel,
            )
        )

    def retention(self, now: datetime) -> dict[str, int]:
        """Drafts never lodged, past their period, with their files; orphaned upload files."""
        from applications.retention import applications_retention

        return applications_retention(now=now)

    def personal_data(self, user) -> list[dict]:
        """This app's part of the citizen's data export (Art. 15 DSGVO)."""
        from applications.export import applications_personal_data

        return applications_personal_data(user)

    def citizen_jobcenter_ids(self, user) -> set[int]:
        """The Jobcenters of the citizen's applications (their second-factor rule: portal/mfa.py)."""
        from applications.models import Application

        return set(Application.objects.filter(applicant=user).values_list("jobcenter_id", flat=True))

    def readiness_checks(self) -> dict[str, Callable[[], str]]:
        """Checks ``/readyz`` runs (portal/views.py): the virus scanner uploads depend on."""
        from applications.files import virus_scanner_status

        return {"virus_scanner": virus_scanner_status}
