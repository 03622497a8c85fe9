"""The demo organisation and logins that ``make run`` creates (idempotent)."""

from __future__ import annotations

import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from portal.constants import Role, TeamKind
from portal.models import Jobcenter, Location, Team, User
from portal.roles import role_group

DEMO_DOMAIN = "demo.jobcenter-digital.example"
DEMO_PASSWORD = "Demo-Passwort-2026"  # noqa: S105 - printed on purpose, demo accounts only

DEMO_USERS = [
    # email local part, first, last, role, team names
    ("buerger", "Olena", "Demo", Role.CITIZEN, []),
    ("beratung", "Katrin", "Berater", Role.COUNSELLOR, ["Arbeitsvermittlung", "Integration Geflüchteter"]),
    ("leistung", "Jonas", "Sachbearbeiter", Role.STAFF, ["Leistungsgewährung"]),
    ("teamleitung", "Sabine", "Teamleiterin", Role.TEAM_LEAD, ["Leistungsgewährung"]),
    ("admin", "Admin", "Demo", Role.ADMIN, []),
]

TEAMS = [
    ("Leistungsgewährung", TeamKind.BENEFITS),
    ("Arbeitsvermittlung", TeamKind.PLACEMENT),
    ("U25 Jugendberufsagentur", TeamKind.U25),
    ("Integration Geflüchteter", TeamKind.REFUGEES),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def is_demo_email(email: str) -> bool:
    return email.lower().endswith("@" + DEMO_DOMAIN)


def demo_totp_secret(email: str) -> str:
    """A fixed TOTP secret per demo account, so a reseed keeps authenticator apps working."""
    digest = hashlib.sha256(f"jobcenter-digital-demo:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def seed_organisation() -> Jobcenter:
    jobcenter, _ = Jobcenter.objects.get_or_create(
        slug="kaiserslautern",
        defaults={
            "name": "Jobcenter Kaiserslautern",
            "reference_prefix": "KL",
            "email": "jobcenter-kaiserslautern@demo.jobcenter-digital.example",
            "phone": "0631 3642 0",
        },
    )
    for name, kind in TEAMS:
        Team.objects.get_or_create(jobcenter=jobcenter, name=name, defaults={"kind": kind})
    Location.objects.get_or_create(
        jobcenter=jobcenter,
        name="Jobcenter Kaiserslautern, Hauptstelle",
        defaults={
            "street": "Augustastraße 2",
            "postcode": "67655",
            "city": "Kaiserslautern",
            "opening_hours": {
                "mon": [["08:00", "12:30"]],
                "tue": [["08:00", "12:30"]],
                "wed": [["08:00", "12:30"]],
                "thu": [["08:00", "12:30"], ["14:00", "18:00"]],
                "fri": [["08:00", "12:30"]],
            },
            "accessibility_note": "Barrierefreier Zugang über den Seiteneingang.",
        },
    )
    return jobcenter


def seed_users(jobcenter: Jobcenter) -> list[tuple[User, str]]:
    created = []
    for local, first, last, role, team_names in DEMO_USERS:
        email = demo_email(local)
        user, new = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "jobcenter": None if role == Role.CITIZEN else jobcenter,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(role_group(role))
        if team_names:
            user.teams.add(*Team.objects.filter(jobcenter=jobcenter, name__in=team_names))
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if user.needs_mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_totp_secret(email))
        created.append((user, role))
    return created
