from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.constants import Channel
from appointments.selectors import appointment_get_for_participant
from portal.api.idempotency import idempotent
from portal.api.permissions import IsAuthenticatedWithRoleMFA
from portal.api.problems import Problem
from video.api.serializers import GuestForCounsellorOut, GuestIn, GuestListItemOut, GuestOut, RoomTicketOut
from video.models import Guest
from video.selectors import RoomRefused, room_access_for_guest, room_access_for_user, room_check_open
from video.services import guest_invite, guest_revoke, room_ticket

GUEST_HEADER = OpenApiParameter(
    "X-Video-Guest", str, OpenApiParameter.HEADER, required=False, description="The key from a guest's invitation link."
)


def _problem(refused: RoomRefused) -> Problem:
    return Problem(status=refused.status, code=refused.code, detail=refused.message, extra=refused.extra)


class RoomView(APIView):
    """``GET /api/v1/appointments/{id}/video/``: a fresh ticket for the video room.

    For the appointment's citizen and counsellor (logged in) and its invited
    guests (``X-Video-Guest`` header); 404 for everyone else, 409 outside the
    room's time window or after a cancellation.
    """

    permission_classes = [AllowAny]  # checked below: participants by session, guests by key

    @extend_schema(parameters=[GUEST_HEADER], responses=RoomTicketOut)
    def get(self, request, public_id):
        key = request.headers.get("X-Video-Guest", "")
        try:
            if key:
                access, appointment = room_access_for_guest(key=key, public_id=public_id)
            else:
                if not request.user.is_authenticated:
                    raise NotAuthenticated(_("Log in or open the link from your invitation."))
                IsAuthenticatedWithRoleMFA().has_permission(request, self)  # the second factor for counsellors
                access, appointment = room_access_for_user(user=request.user, public_id=public_id)
            room_check_open(appointment=appointment)
        except RoomRefused as refused:
            raise _problem(refused) from None
        scheme = "wss" if request.is_secure() else "ws"
        ticket = room_ticket(access=access, websocket_base=f"{scheme}://{request.get_host()}")
        return Response(RoomTicketOut(ticket).data)


def _video_appointment_for(request, public_id):
    appointment = appointment_get_for_participant(user=request.user, public_id=public_id)
    if appointment.channel != Channel.VIDEO:
        raise Http404
    return appointment


def _require_counsellor(request, appointment) -> None:
    if appointment.counsellor_id != request.user.pk:
        raise Problem(status=403, code="counsellor_only", detail=_("Only the counsellor can invite guests."))


class GuestListView(APIView):
    """Guests of a video appointment: the citizen and the counsellor see who is
    invited; the counsellor invites an interpreter or a person of trust
    (Beistand, §13 SGB X), who gets a link by e-mail valid for this room only."""

    @extend_schema(responses=GuestListItemOut(many=True))
    def get(self, request, public_id):
        appointment = _video_appointment_for(request, public_id)
        guests = appointment.video_guests.filter(revoked_at__isnull=True)
        out = GuestForCounsellorOut if appointment.counsellor_id == request.user.pk else GuestOut
        return Response(out(guests, many=True).data)

    @extend_schema(request=GuestIn, responses={201: GuestForCounsellorOut})
    @idempotent
    def post(self, request, public_id):
        appointment = _video_appointment_for(request, public_id)
        _require_counsellor(request, appointment)
        data = GuestIn(data=request.data)
        data.is_valid(raise_exception=True)
        guest, _key = guest_invite(appointment=appointment, actor=request.user, **data.validated_data)
        return Response(GuestForCounsellorOut(guest).data, status=201)


class GuestDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, public_id, guest_id):
        appointment = _video_appointment_for(request, public_id)
        _require_counsellor(request, appointment)
        guest = Guest.objects.filter(appointment=appointment, public_id=guest_id, revoked_at__isnull=True).first()
        if guest is None:
            raise Http404
        guest_revoke(guest=guest, actor=request.user)
        return Response(status=204)
