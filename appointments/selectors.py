"""Reads: who may see which appointment, free slots, agendas and figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from applications.models import Application
from appointments import availability, conf, slot_cache
from appointments.constants import OCCUPYING_STATUSES, AppointmentStatus, Channel
from appointments.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    CounsellorProfile,
)
from portal.clock import berlin_day_bounds
from portal.constants import Role
from portal.models import Location, User

_APPOINTMENT_RELATED = ("appointment_type", "appointment_type__team", "counsellor", "citizen", "location")


def _appointments() -> QuerySet[Appointment]:
    """Appointments with what ``AppointmentOut`` shows loaded. Responses name the
    application by its public id only: one light query per page instead of
    joining the application's frozen snapshot into every row."""
    return Appointment.objects.select_related(*_APPOINTMENT_RELATED, "legal_notice").prefetch_related(
        Prefetch("application", queryset=Application.objects.only("id", "public_id"))
    )


def _one(appointments: QuerySet[Appointment], public_id) -> Appointment:
    try:
        return appointments.get(public_id=public_id)
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def appointment_types_visible(*, jobcenter_slug: str | None = None):
    types = AppointmentType.objects.filter(is_active=True).select_related("jobcenter", "team")
    if jobcenter_slug:
        types = types.filter(jobcenter__slug=jobcenter_slug)
    return types.order_by("jobcenter__name", "name", "id")


def appointment_type_find(*, public_id, jobcenter_id: int | None = None) -> AppointmentType | None:
    """An active appointment type (of ``jobcenter_id`` when given), or None."""
    types = AppointmentType.objects.select_related("jobcenter", "team").filter(public_id=public_id, is_active=True)
    if jobcenter_id is not None:
        types = types.filter(jobcenter_id=jobcenter_id)
    return types.first()


def counsellor_find(*, public_id, jobcenter_id: int) -> User | None:
    """A counsellor of the Jobcenter, or None."""
    return User.objects.filter(public_id=public_id, groups__name=Role.COUNSELLOR, jobcenter_id=jobcenter_id).first()


def location_find(*, public_id, jobcenter_id: int) -> Location | None:
    """An office of the Jobcenter, or None."""
    return Location.objects.filter(public_id=public_id, jobcenter_id=jobcenter_id).first()


def locations_by_pk(*, ids: set[int]) -> QuerySet[Location]:
    return Location.objects.filter(pk__in=ids)


def locations_of_jobcenter(*, jobcenter_id: int | None) -> QuerySet[Location]:
    return Location.objects.filter(jobcenter=jobcenter_id)


def application_find(*, public_id) -> Application | None:
    """The application with this id, whoever's it is: the service that links it decides."""
    return Application.objects.filter(public_id=public_id).first()


def citizen_find_for_staff(*, public_id, staff: User) -> User | None:
    """An active citizen of the staff member's Jobcenter, or one not yet assigned to any; else None."""
    citizen = User.objects.filter(public_id=public_id, is_active=True, groups__name=Role.CITIZEN).first()
    if citizen is None or citizen.jobcenter_id not in (None, staff.jobcenter_id):
        return None
    return citizen


def appointment_get_for_participant(*, user: User, public_id) -> Appointment:
    """The appointment if ``user`` is its citizen or its counsellor; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    return _one(_appointments().filter(Q(citizen=user) | Q(counsellor=user)), public_id)


def appointment_get_for_staff(*, user: User, public_id) -> Appointment:
    """An appointment of the staff member's own Jobcenter; 404 for other Jobcenters."""
    if not (user.has_role(Role.STAFF, Role.TEAM_LEAD) and user.jobcenter_id):
        raise Http404
    return _one(_appointments().filter(appointment_type__jobcenter_id=user.jobcenter_id), public_id)


def video_room_window(appointment: Appointment) -> tuple[datetime, datetime]:
    """When the video room of ``appointment`` is open: from ``video_opens_before`` before
    the start until ``video_closes_after`` after the end. The one rule for the room
    (``video.selectors.room_check_open``) and for the join button on the portal's pages."""
    return appointment.start - conf.video_opens_before(), appointment.end + conf.video_closes_after()


def video_room_open(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Whether the room of a video appointment can be entered now (not cancelled, inside its window)."""
    if appointment.channel != Channel.VIDEO or appointment.status == AppointmentStatus.CANCELLED:
        return False
    opens_at, closes_at = video_room_window(appointment)
    return opens_at <= (now or timezone.now()) < closes_at


def appointments_upcoming_for_citizen(*, user: User, limit: int | None = None):
    """The citizen's booked and invited appointments that have not ended, soonest first."""
    appointments = _appointments().filter(citizen=user, status__in=OCCUPYING_STATUSES, end__gt=timezone.now())
    appointments = appointments.order_by("start", "id")
    return appointments[:limit] if limit else appointments


def appointment_types_bookable(*, jobcenter_id: int | None) -> QuerySet[AppointmentType]:
    """The types a citizen can book themselves at the Jobcenter (the portal's topic list)."""
    return appointment_types_visible().filter(jobcenter_id=jobcenter_id, self_bookable=True)


def appointment_type_bookable_by_slug(*, jobcenter_id: int | None, slug: str) -> AppointmentType:
    """A type the citizen can book at the Jobcenter, by its slug; 404 otherwise."""
    found = appointment_types_bookable(jobcenter_id=jobcenter_id).filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


def appointments_for_user(*, user: User):
    """A citizen's own appointments and a counsellor's appointments, newest last."""
    return _appointments().filter(Q(citizen=user) | Q(counsellor=user)).order_by("start", "id")


def invitations_for_staff(*, user: User):
    """The binding invitations ``user`` may see: staff and team leads all of their
    Jobcenter's, a counsellor (without a staff role) those with them or sent by them."""
    invitations = _appointments().filter(is_invitation=True, appointment_type__jobcenter_id=user.jobcenter_id)
    if not user.has_role(Role.STAFF, Role.TEAM_LEAD):
        invitations = invitations.filter(Q(counsellor=user) | Q(invited_by=user))
    return invitations.order_by("start", "id")


def invitation_get_for_inviter(*, user: User, public_id) -> Appointment:
    """For the invitation endpoints: staff and team leads reach every appointment of
    their Jobcenter (``appointment_get_for_staff``), a counsellor only the invitations
    of ``invitations_for_staff``; 404 otherwise."""
    if user.has_role(Role.STAFF, Role.TEAM_LEAD):
        return appointment_get_for_staff(user=user, public_id=public_id)
    if not (user.has_role(Role.COUNSELLOR) and user.jobcenter_id):
        raise Http404
    return _one(invitations_for_staff(user=user), public_id)


def agenda_for_counsellor(*, counsellor: User, start: datetime, end: datetime):
    return _appointments().filter(counsellor=counsellor, start__lt=end, end__gt=start).order_by("start", "id")


@dataclass(frozen=True)
class Availability:
    """A counsellor's availability as the API shows it (``AvailabilityOut``)."""

    profile: CounsellorProfile
    rules: QuerySet[AvailabilityRule]
    exceptions: QuerySet[AvailabilityException]


def availability_get(*, counsellor: User) -> Availability:
    """The counsellor's profile, weekly rules and exceptions. A counsellor who
    never saved any gets an unsaved default profile: reading does not write
    (``services.availability_replace`` creates it)."""
    profile = CounsellorProfile.objects.filter(user=counsellor).first() or CounsellorProfile(user=counsellor)
    profile.user = counsellor  # the ETag names the counsellor
    return Availability(
        profile=profile,
        rules=AvailabilityRule.objects.filter(counsellor=counsellor).select_related("location"),
        exceptions=AvailabilityException.objects.filter(counsellor=counsellor).select_related("location"),
    )


def counsellors_for_type(
    *, appointment_type: AppointmentType, language: str | None = None, ids: list[int] | None = None
) -> list[User]:
    """Active counsellors of the type's Jobcenter (and team) who speak ``language``
    (among ``ids`` if given): one query."""
    counsellors = User.objects.filter(
        is_active=True, groups__name=Role.COUNSELLOR, jobcenter_id=appointment_type.jobcenter_id
    )
    if ids is not None:
        counsellors = counsellors.filter(pk__in=ids)
    if appointment_type.team_id:
        counsellors = counsellors.filter(teams=appointment_type.team_id)
    # No DISTINCT: each join matches at most one row per user (one group of that
    # name, one team; the M2M tables are unique per pair). Only what slots need:
    # the slot list loads this for every query.
    counsellors = (
        counsellors.select_related("counsellor_profile")
        .only("id", "public_id", "first_name", "last_name", "email", "counsellor_profile__languages")
        .order_by("id")
    )
    result = []
    for counsellor in counsellors:
        profile = getattr(counsellor, "counsellor_profile", None)
        spoken = profile.languages if profile else ["de"]
        if language is None or language in spoken:
            result.append(counsellor)
    return result


def _rules(ids: list[int], first: date, last: date) -> list[availability.WeeklyRule]:
    return [
        availability.WeeklyRule(
            counsellor=r.counsellor_id,
            weekday=r.weekday,
            start=r.start_time,
            end=r.end_time,
            tz=r.timezone,
            location=r.location_id,
            channels=frozenset(r.channels),
            valid_from=r.valid_from,
            valid_until=r.valid_until,
        )
        for r in AvailabilityRule.objects.filter(counsellor_id__in=ids)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .order_by()  # the slot arithmetic needs no order: no sort in the database
    ]


def _exceptions(ids: list[int], first: date, last: date) -> list[availability.DateException]:
    return [
        availability.DateException(
            counsellor=e.counsellor_id,
            kind=e.kind,
            day=e.date,
            start=e.start_time,
            end=e.end_time,
            tz=e.timezone,
            location=e.location_id,
            channels=frozenset(e.channels),
        )
        for e in AvailabilityException.objects.filter(counsellor_id__in=ids, date__range=(first, last)).order_by()
    ]


def _busy(
    ids: list[int],
    windows: list[availability.Window],
    appointment_type: AppointmentType,
    exclude_appointment_id: int | None = None,
) -> list[availability.Busy]:
    """Occupying bookings of ``ids`` that reach into the (buffer-padded) windows."""
    range_start = min(w.start for w in windows) - appointment_type.buffer_before
    range_end = max(w.end for w in windows) + appointment_type.buffer_after
    # Index-only on appointment_occupying_until: (counsellor, blocked_end) of occupying rows,
    # so a counsellor's years of past appointments are never read (docs/benchmarks.md, EXPLAIN).
    bookings = Appointment.objects.filter(
        counsellor_id__in=ids, status__in=OCCUPYING_STATUSES, blocked_start__lt=range_end, blocked_end__gt=range_start
    ).order_by()
    if exclude_appointment_id is not None:
        bookings = bookings.exclude(pk=exclude_appointment_id)
    return [
        availability.Busy(c, s, e) for c, s, e in bookings.values_list("counsellor_id", "blocked_start", "blocked_end")
    ]


def windows_and_busy(
    *,
    appointment_type: AppointmentType,
    ids: list[int],
    first: date,
    last: date,
    exclude_appointment_id: int | None = None,
) -> tuple[list[availability.Window], list[availability.Busy]]:
    """Working windows and bookings of the counsellors ``ids`` on ``first``..``last``: three queries."""
    windows = availability.expand_windows(_rules(ids, first, last), _exceptions(ids, first, last), first, last)
    if not windows:
        return [], []
    return windows, _busy(ids, windows, appointment_type, exclude_appointment_id)


def slots_for_type(
    *,
    appointment_type: AppointmentType,
    first: date,
    last: date,
    channel: str | None = None,
    language: str | None = None,
    location_id: int | None = None,
    counsellor_ids: list[int] | None = None,
    exclude_appointment_id: int | None = None,
    respect_notice: bool = True,
    now: datetime | None = None,
) -> tuple[list[availability.Slot], dict[int, User]]:
    """Free slots on the local dates ``first``..``last`` in four queries,
    however many counsellors or days: counsellors, rules, exceptions, bookings.

    Straight from the database: what booking and rescheduling check before
    they write. The public slot list reads ``slots_for_listing`` (cached).
    """
    now = now or timezone.now()
    counsellors = _counsellors_by_id(appointment_type, language, counsellor_ids, None)  # query 1, never cached
    if not counsellors:
        return [], {}
    windows, busy = windows_and_busy(
        appointment_type=appointment_type,
        ids=list(counsellors),
        first=first,
        last=last,
        exclude_appointment_id=exclude_appointment_id,
    )  # queries 2-4
    if not windows:
        return [], counsellors
    spec = availability.SlotSpec(
        duration=appointment_type.duration,
        step=appointment_type.slot_step,
        buffer_before=appointment_type.buffer_before,
        buffer_after=appointment_type.buffer_after,
        channels=frozenset(appointment_type.channels),
        not_before=now + appointment_type.minimum_notice if respect_notice else now,
        not_after=now + appointment_type.booking_horizon if respect_notice else None,
    )
    slots = availability.free_slots(windows, busy, spec, channel=channel, location=location_id)
    return slots, counsellors


def slots_for_listing(
    *,
    appointment_type: AppointmentType,
    first: date,
    last: date,
    channel: str | None = None,
    language: str | None = None,
    location_id: int | None = None,
    counsellor_ids: list[int] | None = None,
    now: datetime | None = None,
    ordered: bool = True,
) -> tuple[list[slot_cache.Row], dict[int, User]]:
    """The free slots behind ``GET slots/``, as ``slot_cache.Row`` tuples in the
    order of ``slots_for_type`` (start, counsellor, channel); unordered with
    ``ordered=False`` (``bookable_times`` sorts what is left after merging).

    1. The counsellors (one query: team, language, active), kept per process
       under the setup token (``appointments.slot_cache``, step 5).
    2. Their cached days (``appointments.slot_cache``: tokens first, then entries).
    3. Counsellors missing a day get the whole range computed in three queries
       (rules, exceptions, bookings), without notice, horizon or filters, and stored.
    4. The type's channels, notice, horizon and the query's filters are applied here.
    """
    now = now or timezone.now()
    setup = slot_cache.setup_token() if slot_cache.enabled() else None
    counsellors = _counsellors_by_id(appointment_type, language, counsellor_ids, setup)
    if not counsellors:
        return [], {}
    token_of = slot_cache.tokens(counsellors) if slot_cache.enabled() else None
    rows = _listing_rows(appointment_type, counsellors, token_of, first, last, channel, location_id, now)
    if ordered:
        # Runs already sorted per counsellor, day and channel, which the sort merges cheaply.
        rows.sort()
    return rows, counsellors


def appointment_type_for_slots(*, public_id) -> AppointmentType | None:
    """``appointment_type_find`` for the slot list, kept per process under the setup token."""
    setup = slot_cache.setup_token() if slot_cache.enabled() else None
    found = slot_cache.remembered(("type", str(public_id)), lambda: appointment_type_find(public_id=public_id), setup)
    return found


def slot_list_answer(
    *,
    appointment_type: AppointmentType,
    first: date,
    last: date,
    render: Callable[..., bytes],
    channel: str | None = None,
    language: str | None = None,
    location_id: int | None = None,
    counsellor_ids: list[int] | None = None,
) -> bytes:
    """The body of ``GET slots/``: ``render(appointment_type=, entries=, locations=)``
    of ``bookable_times``, kept per process and query under the setup token and
    the tokens of every counsellor in it (``slot_cache.answer_get``): a repeated
    query reads two tokens from the cache and nothing from the database."""
    now = timezone.now()
    setup = slot_cache.setup_token() if slot_cache.enabled() else None
    counsellors = _counsellors_by_id(appointment_type, language, counsellor_ids, setup)
    token_of = slot_cache.tokens(counsellors) if counsellors and slot_cache.enabled() else None
    key = None
    if setup is not None and token_of is not None:
        query = (str(appointment_type.public_id), first, last, channel, language, location_id)
        key = (*query, tuple(counsellor_ids or ()), setup, tuple(token_of[pk] for pk in counsellors))
        held = slot_cache.answer_get(key, now.timestamp())
        if held is not None:
            return held
    rows = _listing_rows(appointment_type, counsellors, token_of, first, last, channel, location_id, now)
    entries = bookable_times(rows)
    locations = locations_by_pk(ids={entry[2] for entry in entries if entry[2]})
    body = render(appointment_type=appointment_type, entries=entries, locations=locations)
    if key is not None:
        slot_cache.answer_put(
            key,
            body,
            now=now.timestamp(),
            first_start=entries[0][0] if entries else None,
            notice_seconds=appointment_type.minimum_notice.total_seconds(),
        )
    return body


def _listing_rows(
    appointment_type: AppointmentType,
    counsellors: dict[int, User],
    token_of: dict[int, str] | None,
    first: date,
    last: date,
    channel: str | None,
    location_id: int | None,
    now: datetime,
) -> list[slot_cache.Row]:
    if not counsellors:
        return []
    people = list(counsellors.values())
    ordinals = range(first.toordinal(), last.toordinal() + 1)
    slot_shape = slot_cache.shape(appointment_type)
    if token_of is not None:
        days = slot_cache.get_days(slot_shape, people, token_of)
    else:
        days = {pk: {} for pk in counsellors}
    stale = [pk for pk, held in days.items() if any(d not in held for d in ordinals)]
    if stale:
        for pk, found in _days_from_database(appointment_type, stale, first, last).items():
            days[pk].update(found)
        if token_of is not None:
            slot_cache.put_days(slot_shape, [counsellors[pk] for pk in stale], token_of, days)
    offered = set(appointment_type.channels) if channel is None else set(appointment_type.channels) & {channel}
    not_before = int((now + appointment_type.minimum_notice).timestamp())
    not_after = int((now + appointment_type.booking_horizon).timestamp())
    rows: list[slot_cache.Row] = []
    for d in ordinals:
        for held in days.values():
            for slot_channel, found in held[d].items():
                if slot_channel not in offered:
                    continue
                if location_id is not None:
                    found = [row for row in found if row[3] == location_id]
                if found and (found[0][0] < not_before or found[-1][0] > not_after):
                    found = [row for row in found if not_before <= row[0] <= not_after]
                rows += found
    return rows


def bookable_times(rows: list[slot_cache.Row]) -> list[tuple[int, str, int | None]]:
    """What ``GET slots/`` lists: each (start, channel, location) that at least one
    counsellor is free for, once, in order of time (a month of 50 counsellors:
    10,000 rows, a few hundred entries)."""
    return sorted(set(map(itemgetter(0, 2, 3), rows)), key=lambda entry: (entry[0], entry[1], entry[2] or 0))


def _days_from_database(
    appointment_type: AppointmentType, ids: list[int], first: date, last: date
) -> dict[int, slot_cache.Days]:
    """Free slots of ``ids`` per local date and channel, no notice: what the cache keeps."""
    result: dict[int, slot_cache.Days] = {
        pk: {d: {} for d in range(first.toordinal(), last.toordinal() + 1)} for pk in ids
    }
    windows, busy = windows_and_busy(appointment_type=appointment_type, ids=ids, first=first, last=last)
    if not windows:
        return result
    spec = availability.SlotSpec(
        duration=appointment_type.duration,
        step=appointment_type.slot_step,
        buffer_before=appointment_type.buffer_before,
        buffer_after=appointment_type.buffer_after,
        channels=availability.ALL_CHANNELS,
    )
    for (pk, day), slots in availability.free_slots_by_day(windows, busy, spec).items():
        by_channel: dict[str, list[slot_cache.Row]] = {}
        for slot in slots:
            row = (int(slot.start.timestamp()), pk, slot.channel, slot.location)
            by_channel.setdefault(slot.channel, []).append(row)
        result[pk][day.toordinal()] = {c: tuple(found) for c, found in by_channel.items()}
    return result


def _counsellors_by_id(
    appointment_type: AppointmentType, language: str | None, counsellor_ids: list[int] | None, setup: str | None
) -> dict[int, User]:
    """The type's counsellors for the query, kept per process under the setup token (``slot_cache``, step 5)."""

    def compute() -> dict[int, User]:
        found = counsellors_for_type(appointment_type=appointment_type, language=language, ids=counsellor_ids)
        return {c.pk: c for c in found}

    key = ("counsellors", str(appointment_type.public_id), language, tuple(counsellor_ids or ()))
    return slot_cache.remembered(key, compute, setup)


def appointment_stats(*, jobcenter_id: int, start: datetime, end: datetime) -> list[dict]:
    """Bookings, cancellations, attended and no-shows per type and team, one query.

    The no-show rate counts only appointments whose outcome is known
    (attended + no-show), so future bookings do not dilute it.
    """
    rows = (
        Appointment.objects.filter(appointment_type__jobcenter_id=jobcenter_id, start__gte=start, start__lt=end)
        .values(
            "appointment_type__public_id",
            "appointment_type__name",
            "appointment_type__team__public_id",
            "appointment_type__team__name",
        )
        .annotate(
            bookings=Count("id"),
            cancellations=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
            attended=Count("id", filter=Q(status=AppointmentStatus.ATTENDED)),
            no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
            invitations=Count("id", filter=Q(is_invitation=True)),
        )
        .order_by("appointment_type__team__name", "appointment_type__name")
    )
    result = []
    for row in rows:
        decided = row["attended"] + row["no_shows"]
        result.append(
            {
                "appointment_type": {"id": row["appointment_type__public_id"], "name": row["appointment_type__name"]},
                "team": (
                    {"id": row["appointment_type__team__public_id"], "name": row["appointment_type__team__name"]}
                    if row["appointment_type__team__public_id"]
                    else None
                ),
                "bookings": row["bookings"],
                "invitations": row["invitations"],
                "cancellations": row["cancellations"],
                "attended": row["attended"],
                "no_shows": row["no_shows"],
                "no_show_rate": round(row["no_shows"] / decided, 4) if decided else None,
            }
        )
    return result


def berlin_days_range(first: date, last: date) -> tuple[datetime, datetime]:
    """The moments from the start of Berlin day ``first`` to the end of Berlin day ``last``."""
    return berlin_day_bounds(first)[0], berlin_day_bounds(last)[1]


def client_ids_of_counsellor(*, counsellor: User):
    """The citizens ``counsellor`` has or had an appointment with in their Jobcenter
    (a subquery of user ids). A cancelled appointment makes no one a client."""
    return (
        Appointment.objects.filter(counsellor=counsellor, appointment_type__jobcenter_id=counsellor.jobcenter_id)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values("citizen_id")
    )


def appointment_outcomes_by_month(*, jobcenter_id: int, months: list[date], team_public_id: str | None = None) -> list:
    """Attended and missed appointments per Berlin month (``months``: first days),
    summed from ``appointment_stats`` over the types (of one team, if given)."""
    result = []
    for first in months:
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        start, end = berlin_days_range(first, last)
        rows = appointment_stats(jobcenter_id=jobcenter_id, start=start, end=end)
        if team_public_id is not None:
            rows = [row for row in rows if row["team"] and str(row["team"]["id"]) == str(team_public_id)]
        result.append(
            {
                "month": first,
                "attended": sum(row["attended"] for row in rows),
                "no_shows": sum(row["no_shows"] for row in rows),
            }
        )
    return result
