from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def seed_demo(self, jobcenter) -> None:
        """Appointment types and the demo counsellor's weekly availability (idempotent)."""
        from appointments.demo import seed_appointments

        seed_appointments(jobcenter)
