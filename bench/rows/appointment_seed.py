"""Seeding for the appointment rows (slots, slots-scale, book, race).

Everything goes through the models in bulk (seeding is not measured), each
scenario in a Jobcenter of its own, so scenarios of one run never see each
other's counsellors or bookings. Users get unusable passwords (hashing costs
~0.3 s a user) and log in through ``bench.auth.session_headers``.

The weekly hours are those of a Jobcenter's counselling team (Europe/Berlin
wall clock), drawn from a fixed random seed so every run seeds the same:

- full time (60 %): Mon-Fri 08:00-12:00, Tue 13:00-16:00, Thu 14:00-18:00 (long Thursday);
- part time (25 %): Mon-Thu 08:00-12:00;
- Friday off (15 %): Mon-Thu 08:00-12:00, Tue 13:00-16:00;

mornings in person at one of two offices and by video, afternoons by video only.
Exceptions: a whole day off per counsellor per fortnight, a two-hour team
meeting each Wednesday, a public holiday for everybody, and extra hours on a
Saturday morning for one counsellor in ten.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import uuid4

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from appointments.constants import OCCUPYING_STATUSES, AppointmentStatus, Channel, ExceptionKind
from appointments.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    CounsellorProfile,
)
from appointments.selectors import slots_for_type
from portal.clock import BERLIN, BERLIN_NAME
from portal.constants import Role, TeamKind
from portal.models import Jobcenter, Location, Team, User

IN_PERSON_AND_VIDEO = [Channel.IN_PERSON, Channel.VIDEO]
VIDEO = [Channel.VIDEO]

# (weekday, from, until, in person?) per pattern; Monday = 0.
MORNINGS = [(d, time(8), time(12), True) for d in range(5)]
PATTERNS = {
    "full": [*MORNINGS, (1, time(13), time(16), False), (3, time(14), time(18), False)],
    "part": MORNINGS[:4],
    "friday_off": [*MORNINGS[:4], (1, time(13), time(16), False)],
}
PATTERN_SHARES = [("full", 0.60), ("part", 0.25), ("friday_off", 0.15)]

_counter = itertools.count(1)


@dataclass
class Office:
    jobcenter: Jobcenter
    team: Team
    locations: list[Location]
    appointment_type: AppointmentType


def office(label: str, *, channels: list[str] | None = None) -> Office:
    """A Jobcenter of its own with a placement team, two offices and one 30-minute type."""
    n = next(_counter)
    slug = f"bench-{label}-{n}-{uuid4().hex[:6]}"
    jobcenter = Jobcenter.objects.create(name=f"Jobcenter Bench {label} {n}", slug=slug, reference_prefix="BE")
    team = Team.objects.create(jobcenter=jobcenter, name="Arbeitsvermittlung", kind=TeamKind.PLACEMENT)
    locations = [
        Location.objects.create(
            jobcenter=jobcenter, name=name, street="Augustastraße 2", postcode="67655", city="Kaiserslautern"
        )
        for name in ("Hauptstelle", "Geschäftsstelle Nord")
    ]
    appointment_type = AppointmentType.objects.create(
        jobcenter=jobcenter,
        team=team,
        slug="erstberatung",
        name="Erstberatung Arbeitsvermittlung",
        description="Erstes Gespräch mit Ihrer Integrationsfachkraft.",
        duration=timedelta(minutes=30),
        channels=channels or list(IN_PERSON_AND_VIDEO),
        languages=["de", "en"],
    )
    return Office(jobcenter, team, locations, appointment_type)


def users(jobcenter: Jobcenter | None, *, count: int, role: str, label: str) -> list[User]:
    """``count`` users with ``role`` in bulk (unusable passwords: nobody logs in with one)."""
    prefix = f"{label}-{uuid4().hex[:8]}"
    password = make_password(None)
    created = User.objects.bulk_create(
        User(
            email=f"{prefix}-{i}@bench.example",
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i}",
            password=password,
            jobcenter=jobcenter,
        )
        for i in range(count)
    )
    if not created or created[0].pk is None:  # backends without RETURNING
        created = list(User.objects.filter(email__startswith=f"{prefix}-").order_by("id"))
    group = Group.objects.get(name=role)
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in created)
    return created


def counsellors(where: Office, *, count: int, seed: int = 7, first: date, last: date) -> list[User]:
    """``count`` counsellors of the team with the weekly hours and exceptions above."""
    rng = random.Random(seed)
    people = users(where.jobcenter, count=count, role=Role.COUNSELLOR, label="counsellor")
    User.teams.through.objects.bulk_create(User.teams.through(user_id=u.pk, team_id=where.team.pk) for u in people)
    CounsellorProfile.objects.bulk_create(CounsellorProfile(user=u, languages=["de", "en"]) for u in people)
    rules, exceptions = [], []
    holiday = _holiday(first, last)
    for i, person in enumerate(people):
        pattern = rng.choices([p for p, _ in PATTERN_SHARES], weights=[w for _, w in PATTERN_SHARES])[0]
        location = where.locations[i % len(where.locations)]
        for weekday, start, end, in_person in PATTERNS[pattern]:
            rules.append(
                AvailabilityRule(
                    counsellor=person,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    timezone=BERLIN_NAME,
                    location=location if in_person else None,
                    channels=IN_PERSON_AND_VIDEO if in_person else VIDEO,
                )
            )
        exceptions += _exceptions(person, rng, first=first, last=last, holiday=holiday, extra=i % 10 == 0)
    AvailabilityRule.objects.bulk_create(rules)
    AvailabilityException.objects.bulk_create(exceptions)
    return people


def _holiday(first: date, last: date) -> date:
    """A weekday in the period standing in for a public holiday (the first Wednesday after a week)."""
    day = first + timedelta(days=7)
    while day.weekday() != 2 and day < last:
        day += timedelta(days=1)
    return day


def _exceptions(person: User, rng: random.Random, *, first: date, last: date, holiday: date, extra: bool):
    def absence(day: date, start: time | None = None, end: time | None = None) -> AvailabilityException:
        return AvailabilityException(
            counsellor=person,
            kind=ExceptionKind.ABSENCE,
            date=day,
            start_time=start,
            end_time=end,
            timezone=BERLIN_NAME,
        )

    result = [absence(holiday)]
    fortnight = first
    while fortnight <= last:
        result.append(absence(fortnight + timedelta(days=rng.randrange(14))))  # a day off (may fall on a weekend)
        fortnight += timedelta(days=14)
    day = first
    while day <= last:
        if day.weekday() == 2 and day != holiday:
            result.append(absence(day, time(10), time(12)))  # team meeting
        if extra and day.weekday() == 5:
            result.append(
                AvailabilityException(
                    counsellor=person,
                    kind=ExceptionKind.EXTRA,
                    date=day,
                    start_time=time(9),
                    end_time=time(12),
                    timezone=BERLIN_NAME,
                    channels=VIDEO,
                )
            )
        day += timedelta(days=1)
    return result


def period(days: int) -> tuple[date, date]:
    """``days`` local dates starting tomorrow (the type's 24 h notice leaves today empty)."""
    first = timezone.localdate(timezone=timezone.get_default_timezone()) + timedelta(days=1)
    return first, first + timedelta(days=days - 1)


def free_times(where: Office, *, first: date, last: date) -> list[tuple[int, object, object, int | None]]:
    """Distinct (counsellor, start, end, location) that are free, whatever the channel, by start."""
    slots, _ = slots_for_type(appointment_type=where.appointment_type, first=first, last=last)
    seen: dict[tuple[int, object], tuple] = {}
    for slot in slots:
        key = (slot.counsellor, slot.start)
        if key not in seen or slot.location is not None:
            seen[key] = (slot.counsellor, slot.start, slot.end, slot.location)
    return sorted(seen.values(), key=lambda t: (t[1], t[0]))


def book_in_bulk(where: Office, times: list[tuple], *, citizens: list[User]) -> int:
    """Booked appointments at ``times`` (counsellor, start, end, location); a citizen never twice at once."""
    by_start: dict[object, int] = defaultdict(int)
    rows = []
    for counsellor_id, start, end, location_id in times:
        k = by_start[start]
        by_start[start] += 1
        rows.append(
            Appointment(
                appointment_type=where.appointment_type,
                counsellor_id=counsellor_id,
                citizen=citizens[k],
                start=start,
                end=end,
                blocked_start=start,
                blocked_end=end,
                channel=Channel.IN_PERSON if location_id else Channel.VIDEO,
                location_id=location_id,
                status=AppointmentStatus.BOOKED,
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def history(where: Office, people: list[User], *, citizens: list[User], weeks: int = 26) -> int:
    """Half a year of past appointments per counsellor (two a working day): the rows a
    real Jobcenter's table holds and the slot search must not read. Mostly attended,
    some no-shows and cancellations, and some never marked (still ``booked``)."""
    rng = random.Random(11)
    today = timezone.localdate()
    statuses = [AppointmentStatus.ATTENDED] * 16 + [AppointmentStatus.NO_SHOW] * 2 + [AppointmentStatus.CANCELLED]
    statuses += [AppointmentStatus.BOOKED]
    rows = []
    for day in (today - timedelta(days=d) for d in range(1, weeks * 7 + 1)):
        if day.weekday() >= 5:
            continue
        for hour in (9, 10):
            start = datetime.combine(day, time(hour), tzinfo=BERLIN)
            for k, person in enumerate(people):
                rows.append(
                    Appointment(
                        appointment_type=where.appointment_type,
                        counsellor=person,
                        citizen=citizens[k % len(citizens)],
                        start=start,
                        end=start + timedelta(minutes=30),
                        blocked_start=start,
                        blocked_end=start + timedelta(minutes=30),
                        channel=Channel.VIDEO,
                        status=rng.choice(statuses),
                    )
                )
    Appointment.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def occupying(**filters) -> int:
    return Appointment.objects.filter(status__in=OCCUPYING_STATUSES, **filters).count()
