"""Who may enter which room, and when.

A room belongs to one video appointment; its id is the appointment's public id.
Its citizen and its counsellor may enter, and the guests the counsellor
invited; nobody else learns that the room exists (404). It is open from
``OPENS_BEFORE`` before the start until ``CLOSES_AFTER`` after the end, and
not at all once the appointment is cancelled.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment
from appointments.selectors import appointment_get_for_participant, video_room_window
from portal.api.permissions import session_used_mfa
from portal.models import User
from video.constants import ParticipantRole
from video.models import Guest
from video.protocol import CloseCode
from video.tokens import TokenInvalid, participant_id, token_read


@dataclass(frozen=True)
class RoomAccess:
    room: str
    appointment_id: int
    role: str
    participant: str
    display_name: str
    user_id: int | None
    guest_id: int | None
    opens_at: datetime
    closes_at: datetime


class RoomRefused(Exception):
    """Why someone may not enter (now): the API answers ``status`` with a problem
    body of ``code``; the WebSocket sends an ``error`` of ``code`` and closes
    with ``close_code``."""

    def __init__(self, code: str, message: str, *, status: int, close_code: CloseCode, extra: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.close_code = close_code
        self.extra = extra or {}


def _not_found() -> RoomRefused:
    return RoomRefused("not_found", _("Not found."), status=404, close_code=CloseCode.NOT_FOUND)


def room_window(appointment: Appointment) -> tuple[datetime, datetime]:
    return video_room_window(appointment)


def room_check_open(*, appointment: Appointment, now: datetime | None = None) -> None:
    """Raise ``RoomRefused`` unless the room is open now."""
    now = now or timezone.now()
    opens_at, closes_at = room_window(appointment)
    times = {"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()}
    if appointment.status == AppointmentStatus.CANCELLED:
        raise RoomRefused(
            "appointment_cancelled",
            _("The appointment was cancelled."),
            status=409,
            close_code=CloseCode.ROOM_CLOSED,
            extra=times,
        )
    if now < opens_at:
        raise RoomRefused(
            "room_not_open",
            _("The video room opens 15 minutes before the appointment."),
            status=409,
            close_code=CloseCode.NOT_OPEN,
            extra=times,
        )
    if now >= closes_at:
        raise RoomRefused(
            "room_closed", _("The video room is closed."), status=409, close_code=CloseCode.ROOM_CLOSED, extra=times
        )


def _access(appointment: Appointment, *, role: str, pk: int, display_name: str, user=None, guest=None) -> RoomAccess:
    room = str(appointment.public_id)
    opens_at, closes_at = room_window(appointment)
    return RoomAccess(
        room=room,
        appointment_id=appointment.pk,
        role=role,
        participant=participant_id(room=room, kind="guest" if guest else "user", pk=pk),
        display_name=display_name,
        user_id=user.pk if user else None,
        guest_id=guest.pk if guest else None,
        opens_at=opens_at,
        closes_at=closes_at,
    )


def room_access_for_user(*, user: User, public_id) -> tuple[RoomAccess, Appointment]:
    """The citizen's or the counsellor's access to the room of a video appointment."""
    try:
        appointment = appointment_get_for_participant(user=user, public_id=public_id)
    except Http404:
        raise _not_found() from None
    if appointment.channel != Channel.VIDEO:
        raise _not_found()
    if appointment.counsellor_id == user.pk:
        role = ParticipantRole.COUNSELLOR
    elif appointment.citizen_id == user.pk:
        role = ParticipantRole.CITIZEN
    else:
        raise _not_found()
    # Everyone in the room sees the same name, in the portal's language
    # (the ticket's and the socket's requests may be in different languages).
    with translation.override(settings.LANGUAGE_CODE):
        display_name = user.display_name
    return _access(appointment, role=role, pk=user.pk, display_name=display_name, user=user), appointment


def guest_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def guest_get_by_key(*, key: str, public_id=None) -> Guest | None:
    """The active guest whose invitation link holds ``key`` (for ``public_id``'s room, if given)."""
    if not key or len(key) > 200:
        return None
    guests = Guest.objects.select_related("appointment").filter(key_hash=guest_key_hash(key), revoked_at__isnull=True)
    if public_id is not None:
        try:
            guests = guests.filter(appointment__public_id=uuid.UUID(str(public_id)))
        except ValueError:
            return None
    return guests.first()


def room_access_for_guest(*, key: str, public_id) -> tuple[RoomAccess, Appointment]:
    guest = guest_get_by_key(key=key, public_id=public_id)
    if guest is None or guest.appointment.channel != Channel.VIDEO:
        raise _not_found()
    access = _access(
        guest.appointment, role=ParticipantRole.GUEST, pk=guest.pk, display_name=guest.display_name, guest=guest
    )
    return access, guest.appointment


def _refused_token(code: str) -> RoomRefused:
    if code == "expired":
        return RoomRefused(
            "token_expired", _("The room token has expired."), status=401, close_code=CloseCode.UNAUTHORIZED
        )
    return RoomRefused(
        "token_invalid", _("The room token is not valid."), status=401, close_code=CloseCode.UNAUTHORIZED
    )


def _forbidden(message: str) -> RoomRefused:
    return RoomRefused("forbidden", message, status=403, close_code=CloseCode.FORBIDDEN)


def room_access_for_socket(
    *, room: str, token: str | None, user, session: SessionBase | None, now: datetime | None = None
) -> RoomAccess:
    """Who connects to ``/ws/video/<room>/``: from the token in the query string,
    or else from the session cookie. Checked against the appointment as it is
    now, so a token does not outlive a cancellation or a revoked invitation."""
    now = now or timezone.now()
    authenticated = user is not None and user.is_authenticated
    try:
        uuid.UUID(room)
    except ValueError:
        raise _not_found() from None
    if token:
        try:
            claims = token_read(token, now=now)
        except TokenInvalid as invalid:
            raise _refused_token(invalid.code) from None
        if claims.room != room:
            raise _forbidden(_("This token is for another room."))
        if authenticated and claims.user_id is not None and claims.user_id != user.pk:
            raise _forbidden(_("This token belongs to someone else."))
        if claims.guest_id is not None:
            guest = Guest.objects.select_related("appointment").filter(pk=claims.guest_id).first()
            if guest is None or not guest.is_active or str(guest.appointment.public_id) != room:
                raise _not_found()
            access = _access(
                guest.appointment, role=ParticipantRole.GUEST, pk=guest.pk, display_name=guest.display_name, guest=guest
            )
            appointment = guest.appointment
        else:
            token_user = User.objects.filter(pk=claims.user_id, is_active=True).first()
            if token_user is None:
                raise _not_found()
            access, appointment = room_access_for_user(user=token_user, public_id=room)
        if access.participant != claims.participant or access.role != claims.role:
            raise _forbidden(_("This token does not match your role in the room."))
    else:
        if not authenticated:
            raise RoomRefused(
                "not_authenticated",
                _("Log in or open the link from your invitation."),
                status=401,
                close_code=CloseCode.UNAUTHORIZED,
            )
        if user.needs_mfa and not session_used_mfa(session, user):
            raise _forbidden(_("Your role works with social data: log in with your second factor."))
        access, appointment = room_access_for_user(user=user, public_id=room)
    room_check_open(appointment=appointment, now=now)
    return access


def guests_invited(*, appointment_id: int, room: str) -> list[dict]:
    """The active guests of a room as everyone in it may see them (no e-mail
    address); ``participant`` is the id the guest will have in the room."""
    return [
        {
            "id": str(guest.public_id),
            "participant": participant_id(room=room, kind="guest", pk=guest.pk),
            "kind": guest.kind,
            "display_name": guest.display_name,
            "language": guest.language,
        }
        for guest in Guest.objects.filter(appointment_id=appointment_id, revoked_at__isnull=True)
    ]
