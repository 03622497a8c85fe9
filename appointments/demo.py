"""Demo data for ``manage.py seed_demo``: the four appointment types of the
Kaiserslautern programme and weekly hours of the demo counsellor, so that a
newcomer sees free slots for the coming weeks. Idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth import get_user_model

from appointments.constants import Channel
from appointments.models import AppointmentType, AvailabilityRule, CounsellorProfile
from portal.clock import BERLIN_NAME
from portal.models import Location, Team

ALL = [Channel.IN_PERSON, Channel.PHONE, Channel.VIDEO]

TYPES = [
    # slug, name, team, minutes, buffer after, languages, description, translations
    (
        "erstberatung-arbeitsvermittlung",
        "Erstberatung Arbeitsvermittlung",
        "Arbeitsvermittlung",
        45,
        15,
        ["de", "en", "uk"],
        "Erstes Gespräch mit Ihrer Integrationsfachkraft: Ihre Ziele, Ihre Erfahrung, die nächsten Schritte.",
        {
            "en": {
                "name": "First placement counselling",
                "description": "A first talk about your goals and next steps.",
            },
            "uk": {"name": "Перша консультація з працевлаштування", "description": "Перша розмова про ваші цілі."},
        },
    ),
    (
        "leistungsberatung",
        "Leistungsberatung",
        "Leistungsgewährung",
        30,
        0,
        ["de", "en"],
        "Fragen zum Bürgergeld, zu Ihrem Antrag und zu Ihrem Bescheid.",
        {"en": {"name": "Benefits advice", "description": "Questions about Bürgergeld, your application or notice."}},
    ),
    (
        "u25-jugendberufsagentur",
        "U25 Jugendberufsagentur",
        "U25 Jugendberufsagentur",
        45,
        15,
        ["de", "en"],
        "Beratung für junge Menschen unter 25: Ausbildung, Schule, Job.",
        {"en": {"name": "Youth career agency (under 25)", "description": "Training, school and jobs for under-25s."}},
    ),
    (
        "beratung-ukraine",
        "Beratung für Geflüchtete aus der Ukraine",
        "Integration Geflüchteter",
        60,
        15,
        ["uk", "de"],
        "Beratung auf Ukrainisch: Sprachkurs, Anerkennung, Arbeit.",
        {
            "en": {"name": "Advice for refugees from Ukraine", "description": "Advice in Ukrainian."},
            "uk": {
                "name": "Консультація для біженців з України",
                "description": "Консультація українською: мовний курс, визнання, робота.",
            },
        },
    ),
]

COUNSELLOR_EMAIL = "beratung@demo.jobcenter-digital.example"

# Weekday (Monday = 0), from, until: the usual Jobcenter hours with a long Thursday.
HOURS = [(0, time(8), time(12)), (1, time(8), time(12)), (2, time(8), time(12)), (3, time(8), time(12))]
HOURS += [(3, time(14), time(18)), (4, time(8), time(12))]


def seed_appointments(jobcenter) -> None:
    for slug, name, team_name, minutes, buffer_after, languages, description, translations in TYPES:
        AppointmentType.objects.get_or_create(
            jobcenter=jobcenter,
            slug=slug,
            defaults={
                "name": name,
                "team": Team.objects.filter(jobcenter=jobcenter, name=team_name).first(),
                "description": description,
                "translations": translations,
                "duration": timedelta(minutes=minutes),
                "buffer_after": timedelta(minutes=buffer_after),
                "channels": ALL,
                "languages": languages,
            },
        )
    counsellor = get_user_model().objects.filter(email=COUNSELLOR_EMAIL, jobcenter=jobcenter).first()
    if counsellor is None:
        return
    # The demo has one counsellor: she serves every demo type and speaks Ukrainian.
    counsellor.teams.add(*Team.objects.filter(jobcenter=jobcenter, name__in=[t[2] for t in TYPES]))
    CounsellorProfile.objects.get_or_create(user=counsellor, defaults={"languages": ["de", "en", "uk"]})
    if AvailabilityRule.objects.filter(counsellor=counsellor).exists():
        return
    location = Location.objects.filter(jobcenter=jobcenter).order_by("id").first()
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(
            counsellor=counsellor,
            weekday=weekday,
            start_time=start,
            end_time=end,
            timezone=BERLIN_NAME,
            location=location,
            channels=ALL,
        )
        for weekday, start, end in HOURS
    )
