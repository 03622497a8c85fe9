"""The demo organisation and logins that ``make run`` creates (idempotent)."""

from __future__ import annotations

import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from portal.constants import Role, TeamKind
from portal.models import Jobcenter, JobcenterText, JobcenterTextKind, Location, Team, User
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


# The Jobcenter's page texts (editable in the admin); a real Jobcenter replaces them.
DEMO_TEXTS = {
    JobcenterTextKind.ADDRESS: {
        "text_de": "Jobcenter Kaiserslautern\nAugustastraße 2\n67655 Kaiserslautern",
    },
    JobcenterTextKind.OPENING_HOURS: {
        "text_de": "Montag bis Freitag 8:00 bis 12:30 Uhr\nDonnerstag auch 14:00 bis 18:00 Uhr",
        "text_en": "Monday to Friday 8:00 to 12:30\nThursday also 14:00 to 18:00",
        "text_uk": "Понеділок – п'ятниця 8:00–12:30\nЧетвер також 14:00–18:00",
    },
    JobcenterTextKind.CONTACT: {
        "text_de": "Telefon 0631 3642 0\nE-Mail jobcenter-kaiserslautern@demo.jobcenter-digital.example",
        "text_en": "Phone 0631 3642 0\nE-mail jobcenter-kaiserslautern@demo.jobcenter-digital.example",
        "text_uk": "Телефон 0631 3642 0\nЕл. пошта jobcenter-kaiserslautern@demo.jobcenter-digital.example",
    },
    JobcenterTextKind.IMPRESSUM: {
        "text_de": (
            "Jobcenter Kaiserslautern (Demo)\nAugustastraße 2, 67655 Kaiserslautern\n\n"
            "Vertreten durch die Geschäftsführung. Das Jobcenter ist eine gemeinsame Einrichtung "
            "nach § 44b SGB II.\n\n"
            "Dies ist eine Demonstration des Portals jobcenter digital. Die Angaben sind Beispiele."
        ),
    },
    JobcenterTextKind.PRIVACY: {
        "text_de": (
            "Wir verarbeiten Ihre Daten, um Ihren Antrag auf Bürgergeld zu bearbeiten und Ihre Termine "
            "zu verwalten (§§ 50, 67a SGB X, Art. 6 Abs. 1 lit. c und e DSGVO).\n\n"
            "Ihre Daten sind Sozialdaten. Sie unterliegen dem Sozialgeheimnis (§ 35 SGB I).\n\n"
            "Sie können Auskunft über Ihre Daten verlangen (Art. 15 DSGVO). Im Portal können Sie alle "
            "Ihre Daten selbst herunterladen.\n\n"
            "Dies ist eine Demonstration. Die Angaben sind Beispiele."
        ),
    },
    JobcenterTextKind.ACCESSIBILITY: {
        "text_de": (
            "Das Jobcenter Kaiserslautern bemüht sich, dieses Portal barrierefrei zugänglich zu machen "
            "(Barrierefreie-Informationstechnik-Verordnung, BITV 2.0).\n\n"
            "Stand der Vereinbarkeit: Das Portal ist teilweise mit der BITV 2.0 vereinbar. Die Seiten "
            "werden automatisch mit axe-core geprüft. Einige Seiten für Anträge und Termine entstehen noch.\n\n"
            "Schlichtungsverfahren: Wenn Sie keine zufriedenstellende Antwort erhalten, können Sie sich an "
            "die Schlichtungsstelle nach § 16 BGG wenden."
        ),
    },
}


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
    for kind, texts in DEMO_TEXTS.items():
        JobcenterText.objects.get_or_create(jobcenter=jobcenter, kind=kind, defaults=texts)
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
