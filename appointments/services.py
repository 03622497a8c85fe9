"""Writes: booking, invitations, cancelling, rescheduling, marking, availability.

No double booking, by construction:

- PostgreSQL: two exclusion constraints (``appointments.models.Appointment``)
  forbid overlapping occupying appointments per counsellor (buffer-padded) and
  per citizen. The service checks first for a friendly answer; the insert runs
  in a savepoint and its ``IntegrityError`` becomes a 409 problem.
  Bookings also take a transaction-scoped advisory lock on the citizen and
  then on each counsellor they try: concurrent inserts that collide in an
  exclusion constraint would otherwise wait on each other's uncommitted rows
  and deadlock (PostgreSQL aborts one after ``deadlock_timeout``); with the
  locks they queue briefly and the loser sees the winner's committed row.
- SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``, so the
  check and the insert of one booking hold the database's write lock together
  and bookings are serialised; the same checks then give the same 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.constants import ApplicationStatus
from applications.models import Application
from appointments import conf, slot_cache
from appointments.availability import Slot
from appointments.constants import (
    OCCUPYING_STATUSES,
    TRANSITIONS,
    AppointmentStatus,
    Change,
    InvitationResponse,
    allowed_actions,
)
from appointments.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    CounsellorProfile,
    LegalNotice,
)
from appointments.selectors import slots_for_type
from appointments.signals import appointment_changed
from portal.api.conditional import if_match_check
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_date, berlin_today
from portal.constants import Role
from portal.models import Location, User
from portal.versioning import save_new_version

COUNSELLOR_CONSTRAINT = "appointment_no_overlap_per_counsellor"
CITIZEN_CONSTRAINT = "appointment_no_overlap_per_citizen"


# --- Problems -------------------------------------------------------------------


def _slot_taken() -> Problem:
    return Problem(
        status=409,
        code="slot_taken",
        detail=_("This time is no longer free. Please choose another slot."),
        errors={"start": [_("This slot is not available.")]},
    )


def _citizen_busy(*, told_to_staff: bool = False) -> Problem:
    if told_to_staff:
        message = _("The citizen already has an appointment at this time.")
    else:
        message = _("You already have an appointment at this time.")
    return Problem(status=409, code="citizen_busy", detail=message, errors={"start": [message]})


def _check_application(
    application: Application | None, *, citizen: User, appointment_type: AppointmentType, received_only: bool
) -> None:
    """A linked application is the citizen's own and with the appointment's Jobcenter
    (staff: and already received, not a draft only the citizen knows about).
    Anything else is answered like an id that does not exist, so a stranger's
    application cannot be told apart from none."""
    if application is None:
        return
    if (
        application.applicant_id != citizen.pk
        or application.jobcenter_id != appointment_type.jobcenter_id
        or (received_only and application.status == ApplicationStatus.DRAFT)
    ):
        raise unknown_application()


def unknown_application() -> Problem:
    return Problem.invalid("application", _("Unknown application."))


def _transition(appointment: Appointment, action: str) -> str:
    target = TRANSITIONS.get((appointment.status, action))
    if target is None:
        raise Problem(
            status=409,
            code="invalid_transition",
            detail=_("This is not possible for an appointment that is %(status)s.")
            % {"status": appointment.get_status_display()},
            extra={"current_status": appointment.status, "allowed_actions": allowed_actions(appointment.status)},
        )
    return target


# --- Side effects after commit --------------------------------------------------


def _after_commit(
    appointment: Appointment, change: str, *, notify: bool, previous_counsellor_id: int | None = None
) -> None:
    from appointments import tasks  # the tasks module imports services' neighbours, not the reverse

    # The cached slot list of the counsellor (and of the one it moved away from) is out of date.
    slot_cache.invalidate_on_commit(appointment.counsellor_id, previous_counsellor_id)
    transaction.on_commit(
        lambda: appointment_changed.send(sender=Appointment, appointment=appointment, change=change), robust=True
    )
    if notify:
        version = appointment.version

        def enqueue() -> None:
            # The e-mail and the reminders in one transaction: one commit (one WAL flush), not one each.
            with transaction.atomic():
                tasks.appointment_notify.enqueue(appointment_id=appointment.pk, version=version)
                tasks.reminders_schedule(appointment=appointment)

        transaction.on_commit(enqueue)


def _audit(appointment: Appointment, *, actor: User, action: AuditAction, **data) -> None:
    """Every change of an appointment is recorded with the status and version it left behind."""
    audit_record(
        actor=actor,
        action=action,
        obj=appointment,
        data={"status": appointment.status, "version": appointment.version, **data},
    )


def _id(application: Application | None) -> str | None:
    return str(application.public_id) if application is not None else None


# --- Holding a slot ---------------------------------------------------------------


def _candidates(
    *,
    appointment_type: AppointmentType,
    start: datetime,
    channel: str,
    counsellor: User | None,
    language: str | None,
    exclude_appointment_id: int | None = None,
    respect_notice: bool,
    prefer_counsellor_id: int | None = None,
    location_id: int | None = None,
) -> tuple[list[Slot], dict[int, User]]:
    """Free slots that start exactly at ``start`` (at ``location_id`` when given),
    preferred counsellor first, and the counsellors by id (so the new appointment
    need not load its own); 409 ``slot_taken`` when there is none."""
    day = berlin_date(start)
    slots, counsellors = slots_for_type(
        appointment_type=appointment_type,
        first=day - timedelta(days=1),
        last=day + timedelta(days=1),
        channel=channel,
        language=language,
        counsellor_ids=[counsellor.pk] if counsellor else None,
        exclude_appointment_id=exclude_appointment_id,
        respect_notice=respect_notice,
    )
    matching = [slot for slot in slots if slot.start == start]
    if location_id is not None:
        matching = [slot for slot in matching if slot.location == location_id]
    if not matching:
        raise _slot_taken()
    matching.sort(key=lambda slot: (slot.counsellor != prefer_counsellor_id, slot.counsellor))
    return matching, counsellors


def _citizen_free(
    *, citizen_id: int, start: datetime, end: datetime, exclude_pk: int | None = None, told_to_staff: bool = False
) -> None:
    """Queue behind the citizen's other bookings, then refuse (409 ``citizen_busy``)
    when the citizen already has an appointment overlapping ``start``-``end``."""
    _queue_behind(_LOCK_CITIZEN, citizen_id)
    overlapping = Appointment.objects.filter(
        citizen_id=citizen_id, status__in=OCCUPYING_STATUSES, start__lt=end, end__gt=start
    )
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        raise _citizen_busy(told_to_staff=told_to_staff)


# Advisory lock namespaces (first key of pg_advisory_xact_lock(int, int)).
_LOCK_CITIZEN = 0x4A430001
_LOCK_COUNSELLOR = 0x4A430002


def _queue_behind(namespace: int, user_id: int) -> None:
    """PostgreSQL: wait for other bookings of this person until our transaction
    ends. The citizen is always locked before any counsellor, and counsellors in
    candidate order, so the locks cannot form a cycle. (SQLite serialises all
    writers already.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, user_id % 2**31])


def _hold_first_free(candidates: list[Slot], write: Callable[[Slot], Appointment]) -> Appointment:
    """Write the appointment into the first candidate slot the database accepts.

    Each attempt runs in a savepoint: a concurrent booking of the same counsellor
    makes the exclusion constraint fail, and the next counsellor is tried.
    """
    for slot in candidates:
        _queue_behind(_LOCK_COUNSELLOR, slot.counsellor)
        try:
            with transaction.atomic():
                return write(slot)
        except IntegrityError as exc:
            if CITIZEN_CONSTRAINT in str(exc):
                raise _citizen_busy() from None
            if COUNSELLOR_CONSTRAINT in str(exc):
                continue
            raise
    raise _slot_taken()


def _padded(appointment_type: AppointmentType, slot: Slot) -> dict:
    return {
        "start": slot.start,
        "end": slot.end,
        "blocked_start": slot.start - appointment_type.buffer_before,
        "blocked_end": slot.end + appointment_type.buffer_after,
    }


def _validate_choice(appointment_type: AppointmentType, *, channel: str, language: str | None) -> None:
    if channel not in appointment_type.channels:
        raise Problem.invalid("channel", _("This appointment type is not offered on this channel."))
    if language and language not in appointment_type.languages:
        raise Problem.invalid("language", _("This appointment type is not offered in this language."))


# --- Booking ----------------------------------------------------------------------


@transaction.atomic
def appointment_book(
    *,
    citizen: User,
    appointment_type: AppointmentType,
    start: datetime,
    channel: str,
    counsellor: User | None = None,
    location: Location | None = None,
    language: str | None = None,
    application: Application | None = None,
    note: str = "",
    idempotency_key: str = "",
) -> Appointment:
    """A citizen books a free slot.

    1. Check the type can be booked this way (self-service, channel, language).
    2. Find the counsellors free at exactly ``start`` (at ``location`` when
       given; rules, exceptions, buffers, notice, horizon, existing bookings).
    3. Refuse when the citizen already has an appointment then.
    4. Insert into the first candidate the database accepts (409 otherwise).
    5. Audit; on commit: signal, confirmation e-mail with .ics, reminders.
    """
    if not appointment_type.self_bookable:
        raise Problem.invalid("appointment_type", _("This appointment type can only be arranged by the Jobcenter."))
    _validate_choice(appointment_type, channel=channel, language=language)
    _check_application(application, citizen=citizen, appointment_type=appointment_type, received_only=False)
    if idempotency_key:
        existing = Appointment.objects.filter(citizen=citizen, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    end = start + appointment_type.duration
    candidates, counsellors = _candidates(
        appointment_type=appointment_type,
        start=start,
        channel=channel,
        counsellor=counsellor,
        language=language,
        respect_notice=True,
        location_id=location.pk if location else None,
    )
    _citizen_free(citizen_id=citizen.pk, start=start, end=end)

    def write(slot: Slot) -> Appointment:
        return Appointment.objects.create(
            appointment_type=appointment_type,
            counsellor=counsellors[slot.counsellor],
            citizen=citizen,
            channel=channel,
            location_id=slot.location,
            status=AppointmentStatus.BOOKED,
            application=application,
            languages=[language] if language else [],
            note=note,
            idempotency_key=idempotency_key,
            **_padded(appointment_type, slot),
        )

    appointment = _hold_first_free(candidates, write)
    _audit(
        appointment, actor=citizen, action=AuditAction.APPOINTMENT_BOOK, channel=channel, application=_id(application)
    )
    _after_commit(appointment, Change.BOOKED, notify=True)
    return appointment


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    citizen: User,
    appointment_type: AppointmentType,
    start: datetime,
    channel: str,
    purpose: str,
    counsellor: User | None = None,
    legal_notice: LegalNotice | None = None,
    application: Application | None = None,
) -> Appointment:
    """Staff invite a citizen to a binding appointment (Meldeaufforderung, §59 SGB II with §309 SGB III).

    The slot must be free in a counsellor's availability; the type's minimum
    notice and horizon (which protect self-service) do not apply. The
    invitation names its purpose, place and time and carries the current
    version of the notice of legal consequences (Rechtsfolgenbelehrung).

    A counsellor without a staff role invites to their own consultations only
    (``counsellor`` is then the actor).
    """
    if actor.has_role(Role.COUNSELLOR) and not actor.has_role(Role.STAFF, Role.TEAM_LEAD):
        if counsellor is not None and counsellor.pk != actor.pk:
            raise Problem.invalid("counsellor", _("You can invite only to your own consultations."))
        counsellor = actor
    _validate_choice(appointment_type, channel=channel, language=None)
    _check_application(application, citizen=citizen, appointment_type=appointment_type, received_only=True)
    if start <= timezone.now():
        raise Problem.invalid("start", _("An invitation must be for a time in the future."))
    legal_notice = legal_notice or LegalNotice.objects.filter(valid_from__lte=berlin_today()).first()
    if legal_notice is None:
        raise Problem(
            status=409,
            code="legal_notice_missing",
            detail=_("No notice of legal consequences is configured; an invitation cannot be sent without one."),
        )
    end = start + appointment_type.duration
    candidates, counsellors = _candidates(
        appointment_type=appointment_type,
        start=start,
        channel=channel,
        counsellor=counsellor,
        language=None,
        respect_notice=False,
    )
    _citizen_free(citizen_id=citizen.pk, start=start, end=end, told_to_staff=True)

    def write(slot: Slot) -> Appointment:
        return Appointment.objects.create(
            appointment_type=appointment_type,
            counsellor=counsellors[slot.counsellor],
            citizen=citizen,
            channel=channel,
            location_id=slot.location,
            status=AppointmentStatus.INVITED,
            is_invitation=True,
            invited_by=actor,
            purpose=purpose,
            legal_notice=legal_notice,
            application=application,
            **_padded(appointment_type, slot),
        )

    appointment = _hold_first_free(candidates, write)
    _audit(
        appointment,
        actor=actor,
        action=AuditAction.APPOINTMENT_INVITE,
        purpose=purpose,
        legal_notice=legal_notice.version,
        application=_id(application),
    )
    _after_commit(appointment, Change.BOOKED, notify=True)
    return appointment


# --- Changes ----------------------------------------------------------------------


def _lock(appointment: Appointment, *, if_match: str | None) -> Appointment:
    """The appointment's row, locked for this transaction, checked against ``If-Match``.

    The check runs on the locked row: of two requests with the same
    ``If-Match`` the second waits for the first, then sees its new version (412).
    """
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("appointment_type", "counsellor", "citizen", "location")
        .get(pk=appointment.pk)
    )
    if_match_check(if_match=if_match, obj=locked)
    return locked


def _citizen_may_still_change(appointment: Appointment, *, what: str) -> None:
    if appointment.is_invitation:
        raise Problem(
            status=409,
            code="invitation_binding",
            detail=_(
                "This is a binding invitation. It cannot be cancelled or moved online; "
                "please ask for another date instead."
            ),
            extra={"allowed_actions": ["confirm", "request_change"]},
        )
    cutoff = appointment.start - conf.cancel_cutoff()
    if timezone.now() >= cutoff:
        raise Problem(
            status=409,
            code=f"{what}_cutoff_passed",
            detail=_("Appointments can only be changed online until %(hours)s hours before they start.")
            % {"hours": int(conf.cancel_cutoff().total_seconds() // 3600)},
            extra={"cutoff": cutoff.isoformat()},
        )


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor: User, reason: str = "", if_match: str | None = None
) -> Appointment:
    appointment = _lock(appointment, if_match=if_match)
    if appointment.status == AppointmentStatus.CANCELLED:
        return appointment
    target = _transition(appointment, "cancel")
    if actor.pk == appointment.citizen_id:
        _citizen_may_still_change(appointment, what="cancel")
    elif appointment.start <= timezone.now():
        raise Problem(
            status=409,
            code="already_started",
            detail=_("An appointment that has started cannot be cancelled; mark it as attended or not attended."),
        )
    appointment.status = target
    appointment.cancelled_at = timezone.now()
    appointment.cancelled_by = actor
    appointment.cancel_reason = reason
    save_new_version(appointment, "status", "cancelled_at", "cancelled_by", "cancel_reason")
    _audit(appointment, actor=actor, action=AuditAction.APPOINTMENT_CANCEL)
    _after_commit(appointment, Change.CANCELLED, notify=True)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, actor: User, start: datetime, if_match: str | None = None
) -> Appointment:
    """Move an appointment to ``start``.

    The row is updated in place, so the old slot is released by the same
    statement that holds the new one: if the new one is taken, nothing changes.
    """
    appointment = _lock(appointment, if_match=if_match)
    _transition(appointment, "reschedule")
    by_citizen = actor.pk == appointment.citizen_id
    if by_citizen:
        _citizen_may_still_change(appointment, what="reschedule")
    if start == appointment.start:
        return appointment
    appointment_type = appointment.appointment_type
    if not by_citizen and start <= timezone.now():
        raise Problem.invalid("start", _("The new time must be in the future."))
    candidates, counsellors = _candidates(
        appointment_type=appointment_type,
        start=start,
        channel=appointment.channel,
        counsellor=None,
        language=(appointment.languages or [None])[0],
        exclude_appointment_id=appointment.pk,
        respect_notice=by_citizen,
        prefer_counsellor_id=appointment.counsellor_id,
    )
    _citizen_free(
        citizen_id=appointment.citizen_id, start=start, end=start + appointment_type.duration, exclude_pk=appointment.pk
    )
    old_start, old_counsellor_id, locked_version = appointment.start, appointment.counsellor_id, appointment.version

    def write(slot: Slot) -> Appointment:
        for name, value in _padded(appointment_type, slot).items():
            setattr(appointment, name, value)
        appointment.counsellor = counsellors[slot.counsellor]
        appointment.location_id = slot.location
        if appointment.is_invitation:
            appointment.response = InvitationResponse.PENDING
        # Each attempt starts from the locked version: a refused attempt (its
        # savepoint rolled back) must not count.
        appointment.version = locked_version
        save_new_version(
            appointment, "start", "end", "blocked_start", "blocked_end", "counsellor", "location", "response"
        )
        return appointment

    appointment = _hold_first_free(candidates, write)
    _audit(appointment, actor=actor, action=AuditAction.APPOINTMENT_RESCHEDULE, previous_start=old_start.isoformat())
    _after_commit(appointment, Change.RESCHEDULED, notify=True, previous_counsellor_id=old_counsellor_id)
    return appointment


# What recording attendance does: the action in ``TRANSITIONS`` and the audit event.
_MARKS = {
    AppointmentStatus.ATTENDED: ("attended", AuditAction.APPOINTMENT_ATTENDED),
    AppointmentStatus.NO_SHOW: ("no_show", AuditAction.APPOINTMENT_NO_SHOW),
}


@transaction.atomic
def appointment_mark(*, appointment: Appointment, actor: User, status: str, if_match: str | None = None) -> Appointment:
    """The counsellor records whether the citizen came (only from the start on)."""
    appointment = _lock(appointment, if_match=if_match)
    if appointment.status == status:
        return appointment
    action, audit_action = _MARKS[status]
    target = _transition(appointment, action)
    if timezone.now() < appointment.start + conf.mark_grace():
        raise Problem(
            status=409,
            code="not_started",
            detail=_("Attendance can be recorded once the appointment has started."),
            extra={"start": appointment.start.isoformat()},
        )
    appointment.status = target
    appointment.marked_at = timezone.now()
    save_new_version(appointment, "status", "marked_at")
    _audit(appointment, actor=actor, action=audit_action)
    _after_commit(appointment, Change.UPDATED, notify=False)
    return appointment


_RESPONSES = {
    InvitationResponse.CONFIRMED: AuditAction.INVITATION_CONFIRMED,
    InvitationResponse.CHANGE_REQUESTED: AuditAction.INVITATION_CHANGE_REQUESTED,
}


@transaction.atomic
def invitation_respond(
    *, appointment: Appointment, citizen: User, response: str, note: str = "", if_match: str | None = None
) -> Appointment:
    """The citizen confirms a binding invitation or asks for another date (staff answer it)."""
    appointment = _lock(appointment, if_match=if_match)
    if not appointment.is_invitation or appointment.status != AppointmentStatus.INVITED:
        raise Problem(
            status=409,
            code="not_an_open_invitation",
            detail=_("Only an open invitation can be confirmed or moved by request."),
        )
    if appointment.start <= timezone.now():
        raise Problem(status=409, code="already_started", detail=_("This appointment has already started."))
    if appointment.response == response and appointment.response_note == note:
        return appointment
    appointment.response = response
    appointment.response_note = note
    appointment.responded_at = timezone.now()
    save_new_version(appointment, "response", "response_note", "responded_at")
    _audit(appointment, actor=citizen, action=_RESPONSES[response])
    _after_commit(appointment, Change.UPDATED, notify=False)
    return appointment


# --- Availability -----------------------------------------------------------------


@transaction.atomic
def availability_replace(
    *,
    counsellor: User,
    rules: list[dict],
    exceptions: list[dict],
    languages: list[str] | None = None,
    if_match: str | None = None,
) -> CounsellorProfile:
    """Replace a counsellor's weekly rules and exceptions in one go.

    1. Lock the counsellor's profile (created here on the first change; a
       GET shows an unsaved default with the same ETag).
    2. Refuse with 412 when ``if_match`` names an older version.
    3. Replace rules and exceptions, give the profile a new version, audit,
       and drop the counsellor's cached slots on commit.

    Existing appointments stay as they are: changing availability never
    cancels a booking; the counsellor cancels explicitly if needed.
    """
    profile, _created = CounsellorProfile.objects.select_for_update().get_or_create(user=counsellor)
    profile.user = counsellor  # the ETag names the counsellor (``CounsellorProfile.public_id``)
    if_match_check(if_match=if_match, obj=profile)
    AvailabilityRule.objects.filter(counsellor=counsellor).delete()
    AvailabilityException.objects.filter(counsellor=counsellor).delete()
    AvailabilityRule.objects.bulk_create(AvailabilityRule(counsellor=counsellor, **rule) for rule in rules)
    AvailabilityException.objects.bulk_create(
        AvailabilityException(counsellor=counsellor, **exception) for exception in exceptions
    )
    fields = []
    if languages is not None:
        profile.languages = languages
        fields.append("languages")
    save_new_version(profile, *fields)
    slot_cache.invalidate_on_commit(counsellor.pk)
    audit_record(
        actor=counsellor,
        action=AuditAction.AVAILABILITY_UPDATE,
        obj=profile,
        data={"rules": len(rules), "exceptions": len(exceptions), "version": profile.version},
    )
    return profile
