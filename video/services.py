"""Writes of video counselling: room tokens, guests, join/leave times."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.mail import Notice, mail_enqueue, mail_language, notice_mail, portal_url
from video.conf import conf
from video.constants import GuestKind
from video.models import Guest, Participation
from video.rooms import participant_kick, room_close
from video.selectors import RoomAccess, guest_key_hash, room_window
from video.tokens import participant_id, token_issue
from video.turn import ice_servers

MAX_GUESTS = 3


def room_ticket(*, access: RoomAccess, websocket_base: str, now: datetime | None = None) -> dict:
    """What a participant needs to enter: a fresh token, the socket URL and ICE servers.

    The token lives ``TOKEN_TTL`` (the client fetches a new one for every
    connection) and never beyond ``closes_at``; TURN credentials last until ``closes_at``.
    """
    now = now or timezone.now()
    expires_at = min(now + conf.TOKEN_TTL, access.closes_at)
    token = token_issue(
        room=access.room,
        participant=access.participant,
        role=access.role,
        user_id=access.user_id,
        guest_id=access.guest_id,
        expires_at=expires_at,
    )
    return {
        "room": access.room,
        "websocket": f"{websocket_base}/ws/video/{access.room}/",
        "token": token,
        "token_expires_at": expires_at.isoformat(),
        "ice_servers": ice_servers(pseudonym=access.participant, expires_at=access.closes_at),
        "opens_at": access.opens_at.isoformat(),
        "closes_at": access.closes_at.isoformat(),
        "role": access.role,
        "participant": access.participant,
        "display_name": access.display_name,
    }


# --- Guests -------------------------------------------------------------------------


def guest_link(*, appointment: Appointment, key: str) -> str:
    # The key is in the fragment: browsers never send it to a server, so it
    # does not end up in access logs or Referer headers.
    return portal_url(f"/video/{appointment.public_id}/#guest={key}")


@transaction.atomic
def guest_invite(
    *, appointment: Appointment, actor, kind: str, display_name: str, email: str, language: str = ""
) -> tuple[Guest, str]:
    """1. Check that the room can still take a guest (video, not cancelled, not over, at most 3).
    2. Store the guest with the hash of a random key.
    3. Audit, and e-mail the link (key in the fragment) after the commit: a
       neutral invitation (portal/mail.py), no date, time or topic; the room
       page the link opens says when the room opens.
    Returns the guest and the key (shown once)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.channel != Channel.VIDEO:
        raise Problem(status=409, code="not_video", detail=_("Only video appointments have a video room."))
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Problem(status=409, code="appointment_cancelled", detail=_("The appointment was cancelled."))
    closes_at = room_window(appointment)[1]
    if timezone.now() >= closes_at:
        raise Problem(status=409, code="room_closed", detail=_("The video room is closed."))
    if appointment.video_guests.filter(revoked_at__isnull=True).count() >= MAX_GUESTS:
        raise Problem(
            status=409,
            code="too_many_guests",
            detail=_("At most %(count)d guests can be invited.") % {"count": MAX_GUESTS},
        )
    key = secrets.token_urlsafe(32)
    guest = Guest.objects.create(
        appointment=appointment,
        kind=kind,
        display_name=display_name,
        email=email,
        language=language if kind == GuestKind.INTERPRETER else "",
        key_hash=guest_key_hash(key),
        invited_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.VIDEO_GUEST_INVITE,
        obj=appointment,
        jobcenter=appointment.appointment_type.jobcenter_id,
        data={"guest": str(guest.public_id), "kind": kind},
    )
    mail = notice_mail(
        to=email,
        language=mail_language(language=language),
        link=guest_link(appointment=appointment, key=key),
        jobcenter_name=appointment.appointment_type.jobcenter.name,
        notice=Notice.GUEST,
    )
    transaction.on_commit(lambda: mail_enqueue(mail))
    return guest, key


@transaction.atomic
def guest_revoke(*, guest: Guest, actor) -> Guest:
    """Withdraw an invitation; a guest in the room is removed at once."""
    guest = Guest.objects.select_for_update().select_related("appointment").get(pk=guest.pk)
    if guest.revoked_at is not None:
        return guest
    guest.revoked_at = timezone.now()
    guest.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.VIDEO_GUEST_REVOKE,
        obj=guest.appointment,
        jobcenter=guest.appointment.appointment_type.jobcenter_id,
        data={"guest": str(guest.public_id)},
    )
    room = str(guest.appointment.public_id)
    participant = participant_id(room=room, kind="guest", pk=guest.pk)
    # robust: with Redis away the guest cannot be told now (their socket closes with
    # 4503 anyway and the link no longer opens the room), but the withdrawal stands.
    transaction.on_commit(lambda: participant_kick(room=room, participant=participant, reason="revoked"), robust=True)
    return guest


# --- Join/leave times ----------------------------------------------------------------


def participation_join(*, access: RoomAccess) -> int:
    participation = Participation.objects.create(
        appointment_id=access.appointment_id,
        participant=access.participant,
        role=access.role,
        user_id=access.user_id,
        guest_id=access.guest_id,
        joined_at=timezone.now(),
    )
    return participation.pk


def participation_leave(*, participation_id: int) -> None:
    Participation.objects.filter(pk=participation_id, left_at__isnull=True).update(left_at=timezone.now())


def video_metadata_purge(*, now: datetime | None = None) -> int:
    """Delete join/leave times older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - conf.METADATA_RETENTION
    deleted = Participation.objects.filter(joined_at__lt=cutoff).delete()[0]
    return deleted


# --- Rooms of changed appointments ----------------------------------------------------


def room_close_for_appointment(*, appointment: Appointment, change: str) -> None:
    """A cancelled or rescheduled appointment's room closes at once; people in it are told why."""
    # An "updated" appointment that is no longer by video loses its room too.
    if change in ("cancelled", "rescheduled") or (change == "updated" and appointment.channel != Channel.VIDEO):
        room_close(room=str(appointment.public_id), reason=change if change != "updated" else "closed")
