"""Reads: who may see which appointment, free slots, agendas and figures."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from appointments import availability
from appointments.constants import BERLIN, OCCUPYING_STATUSES, AppointmentStatus
from appointments.models import Appointment, AppointmentType, AvailabilityException, AvailabilityRule
from portal.constants import Role
from portal.models import User

_APPOINTMENT_RELATED = ("appointment_type", "appointment_type__team", "counsellor", "citizen", "location")


def appointment_types_visible(*, jobcenter_slug: str | None = None):
    types = AppointmentType.objects.filter(is_active=True).select_related("jobcenter", "team")
    if jobcenter_slug:
        types = types.filter(jobcenter__slug=jobcenter_slug)
    return types.order_by("jobcenter__name", "name", "id")


def appointment_type_get(*, public_id) -> AppointmentType:
    try:
        return AppointmentType.objects.select_related("jobcenter", "team").get(public_id=public_id, is_active=True)
    except (AppointmentType.DoesNotExist, ValueError):
        raise Http404 from None


def appointment_get_for_participant(*, user: User, public_id) -> Appointment:
    """The appointment if ``user`` is its citizen or its counsellor; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    try:
        return (
            Appointment.objects.select_related(*_APPOINTMENT_RELATED, "legal_notice")
            .filter(Q(citizen=user) | Q(counsellor=user))
            .get(public_id=public_id)
        )
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def appointment_get_for_staff(*, user: User, public_id) -> Appointment:
    """An appointment of the staff member's own Jobcenter; 404 for other Jobcenters."""
    if not (user.has_role(Role.STAFF, Role.TEAM_LEAD) and user.jobcenter_id):
        raise Http404
    try:
        return (
            Appointment.objects.select_related(*_APPOINTMENT_RELATED, "legal_notice")
            .filter(appointment_type__jobcenter_id=user.jobcenter_id)
            .get(public_id=public_id)
        )
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def appointments_for_user(*, user: User):
    """A citizen's own appointments and a counsellor's appointments, newest last."""
    return (
        Appointment.objects.filter(Q(citizen=user) | Q(counsellor=user))
        .select_related(*_APPOINTMENT_RELATED, "legal_notice")
        .order_by("start", "id")
    )


def invitations_for_staff(*, user: User):
    return (
        Appointment.objects.filter(is_invitation=True, appointment_type__jobcenter_id=user.jobcenter_id)
        .select_related(*_APPOINTMENT_RELATED, "legal_notice")
        .order_by("start", "id")
    )


def agenda_for_counsellor(*, counsellor: User, start: datetime, end: datetime):
    return (
        Appointment.objects.filter(counsellor=counsellor, start__lt=end, end__gt=start)
        .select_related(*_APPOINTMENT_RELATED, "legal_notice")
        .order_by("start", "id")
    )


def counsellors_for_type(*, appointment_type: AppointmentType, language: str | None = None) -> list[User]:
    """Active counsellors of the type's Jobcenter (and team) who speak ``language``: one query."""
    counsellors = User.objects.filter(
        is_active=True, groups__name=Role.COUNSELLOR, jobcenter_id=appointment_type.jobcenter_id
    )
    if appointment_type.team_id:
        counsellors = counsellors.filter(teams=appointment_type.team_id)
    counsellors = counsellors.select_related("counsellor_profile").distinct().order_by("id")
    result = []
    for counsellor in counsellors:
        profile = getattr(counsellor, "counsellor_profile", None)
        spoken = profile.languages if profile else ["de"]
        if language is None or language in spoken:
            result.append(counsellor)
    return result


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
    however many counsellors or days: counsellors, rules, exceptions, bookings."""
    now = now or timezone.now()
    counsellors = {
        c.pk: c for c in counsellors_for_type(appointment_type=appointment_type, language=language)
    }  # query 1
    if counsellor_ids is not None:
        counsellors = {pk: c for pk, c in counsellors.items() if pk in counsellor_ids}
    if not counsellors:
        return [], {}
    ids = list(counsellors)
    rules = [
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
        for r in AvailabilityRule.objects.filter(counsellor_id__in=ids)  # query 2
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
    ]
    exceptions = [
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
        for e in AvailabilityException.objects.filter(counsellor_id__in=ids, date__range=(first, last))  # query 3
    ]
    windows = availability.expand_windows(rules, exceptions, first, last)
    if not windows:
        return [], counsellors
    range_start = min(w.start for w in windows) - appointment_type.buffer_before
    range_end = max(w.end for w in windows) + appointment_type.buffer_after
    bookings = Appointment.objects.filter(
        counsellor_id__in=ids, status__in=OCCUPYING_STATUSES, blocked_start__lt=range_end, blocked_end__gt=range_start
    )
    if exclude_appointment_id is not None:
        bookings = bookings.exclude(pk=exclude_appointment_id)
    busy = [
        availability.Busy(c, s, e) for c, s, e in bookings.values_list("counsellor_id", "blocked_start", "blocked_end")
    ]  # query 4
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


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, availability.zone(BERLIN)).date()


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


def day_range_utc(first: date, last: date) -> tuple[datetime, datetime]:
    start, _ = availability.local_day_bounds(first, BERLIN)
    _, end = availability.local_day_bounds(last, BERLIN)
    return start, end
