from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_legal_texts, sender=self)

        from portal.web import overview

        overview.register(
            overview.Panel(
                key="appointments", order=20, template="appointments/overview_panel.html", context=_overview_panel
            )
        )

    def seed_demo(self, jobcenter) -> None:
        """Appointment types and the demo counsellor's weekly availability (idempotent)."""
        from appointments.demo import seed_appointments

        seed_appointments(jobcenter)

    def personal_data(self, user) -> list[dict]:
        """The citizen's part for the Art. 15 DSGVO copy: appointments and invitations."""
        from appointments.export import appointments_personal_data

        return appointments_personal_data(user)

    def citizen_jobcenter_ids(self, user) -> set[int]:
        """The Jobcenters of the citizen's appointments (their second-factor rule: portal/mfa.py)."""
        from appointments.models import Appointment

        return set(Appointment.objects.filter(citizen=user).values_list("appointment_type__jobcenter_id", flat=True))


def _ensure_legal_texts(sender, using="default", **kwargs) -> None:
    """Legal texts are data that binding invitations need; a database flush
    (tests, a reset) must not leave the portal without them."""
    from appointments.legal_texts import ensure_meldeaufforderung_v1
    from appointments.models import LegalNotice

    ensure_meldeaufforderung_v1(LegalNotice)


def _overview_panel(request) -> dict | None:
    """The citizen's next three appointments, each with whether its video room is open now
    (the rule the room itself applies: ``selectors.video_room_open``)."""
    from appointments import selectors
    from portal.constants import Role

    user = request.user
    if not user.is_authenticated or not user.has_role(Role.CITIZEN):
        return None
    upcoming = selectors.appointments_upcoming_for_citizen(user=user, limit=3)
    return {
        "next_appointments": [
            {"appointment": appointment, "room_open": selectors.video_room_open(appointment)}
            for appointment in upcoming
        ]
    }
