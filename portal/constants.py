from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups of these names, created by a migration."""

    CITIZEN = "citizen", _("Citizen")
    COUNSELLOR = "counsellor", _("Counsellor")
    STAFF = "staff", _("Benefits staff")
    TEAM_LEAD = "team_lead", _("Team lead")
    ADMIN = "admin", _("Administrator")


# Roles that work with other people's social data: their API calls need a
# session that was authenticated with a second factor.
MFA_ROLES = frozenset(r.value for r in (Role.COUNSELLOR, Role.STAFF, Role.TEAM_LEAD, Role.ADMIN))
# Roles that belong to a Jobcenter and see only its data.
JOBCENTER_ROLES = frozenset(r.value for r in (Role.COUNSELLOR, Role.STAFF, Role.TEAM_LEAD))


class TeamKind(models.TextChoices):
    BENEFITS = "benefits", _("Benefits (Leistungsgewährung)")
    PLACEMENT = "placement", _("Placement (Arbeitsvermittlung)")
    U25 = "u25", _("Under 25 (Jugendberufsagentur)")
    REFUGEES = "refugees", _("Integration of refugees")
    OTHER = "other", _("Other")
