from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_legal_texts, sender=self)
        _connect_slot_setup_signals()

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


def _connect_slot_setup_signals() -> None:
    """What the cached slot list depends on besides bookings and availability
    (appointments/slot_cache.py, step 5): types, counsellors (active, roles,
    teams, languages, names) and locations. A change retires the setup token."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from appointments import slot_cache
    from appointments.models import AppointmentType, CounsellorProfile
    from portal.models import Location, User

    for model in (AppointmentType, CounsellorProfile, Location):
        post_save.connect(slot_cache.setup_changed, sender=model, dispatch_uid=f"slot_setup_save_{model.__name__}")
        post_delete.connect(slot_cache.setup_changed, sender=model, dispatch_uid=f"slot_setup_delete_{model.__name__}")
    post_save.connect(_user_saved, sender=User, dispatch_uid="slot_setup_save_User")
    post_delete.connect(slot_cache.setup_changed, sender=User, dispatch_uid="slot_setup_delete_User")
    for through in (User.groups.through, User.teams.through):
        m2m_changed.connect(slot_cache.setup_changed, sender=through, dispatch_uid=f"slot_setup_m2m_{through.__name__}")


# Saves of a user that the slot list does not read (a login writes last_login).
_USER_FIELDS_NOT_IN_SLOTS = frozenset({"last_login", "password"})


def _user_saved(sender, update_fields=None, **kwargs) -> None:
    from appointments import slot_cache

    if update_fields is not None and set(update_fields) <= _USER_FIELDS_NOT_IN_SLOTS:
        return
    slot_cache.setup_changed()


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
