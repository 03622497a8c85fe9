from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipantRole(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    COUNSELLOR = "counsellor", _("Counsellor")
    GUEST = "guest", _("Guest")


class GuestKind(models.TextChoices):
    INTERPRETER = "interpreter", _("Interpreter")
    # Beistand, §13 SGB X
    PERSON_OF_TRUST = "person_of_trust", _("Person of trust")
