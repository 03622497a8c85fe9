"""``/api/v1/video/check/``: the device and connection check.

DRF views like every other ``/api/v1/`` operation (authentication by cookie
session with CSRF or by ``X-Session-Token``, problem details, OpenAPI). The
aiortc peer must live on the server's event loop, not in the request's worker
thread: ``async_to_sync`` called from the thread that Django's ASGI handler runs
a sync view in hands the coroutine to that loop, and the registry
(``video/check.py``) owns the peer's tasks from then on.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import IsAuthenticatedWithRoleMFA
from portal.api.problems import Problem
from video.api.views import GUEST_HEADER
from video.check import CheckBusy, CheckOfferInvalid, check_result, checks
from video.protocol import MAX_SDP_CHARS
from video.selectors import guest_get_by_key


class IsUserOrGuest(IsAuthenticatedWithRoleMFA):
    """A logged-in user (with a second factor where the role needs one), or a
    guest whose invitation key (``X-Video-Guest``) is valid."""

    def has_permission(self, request, view) -> bool:
        if request.user and request.user.is_authenticated:
            return super().has_permission(request, view)
        guest = guest_get_by_key(key=request.headers.get("X-Video-Guest", ""))
        if guest is None:
            raise NotAuthenticated(_("Log in or open the link from your invitation."))
        request.video_guest = guest
        return True


def check_owner(request) -> str:
    """Whose check it is: results and ending are for the same person only."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"guest:{request.video_guest.pk}"


class CheckOfferIn(serializers.Serializer):
    type = serializers.ChoiceField(choices=["offer"], error_messages={"invalid_choice": _("Must be 'offer'.")})
    sdp = serializers.CharField(max_length=MAX_SDP_CHARS, trim_whitespace=False)

    def validate_sdp(self, sdp: str) -> str:
        if not sdp.startswith("v=0") or "\nm=" not in sdp:
            raise serializers.ValidationError(_("This is not a usable WebRTC offer."))
        return sdp


class CheckStartedOut(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["answer"])
    sdp = serializers.CharField(help_text="The server's SDP answer.")
    expires_at = serializers.DateTimeField()
    status_url = serializers.CharField()


class CheckMediaOut(serializers.Serializer):
    audio = serializers.BooleanField()
    video = serializers.BooleanField()


class CheckResultOut(serializers.Serializer):
    """What arrived so far; a check that ended before the first measurement has only ``id`` and ``state``."""

    id = serializers.CharField()
    state = serializers.ChoiceField(choices=["connecting", "running", "finished", "failed"])
    started_at = serializers.DateTimeField(required=False)
    expires_at = serializers.DateTimeField(required=False)
    media = CheckMediaOut(required=False)
    candidate_type = serializers.CharField(required=False, allow_null=True, help_text="host, srflx, prflx or relay")
    round_trip_time = serializers.FloatField(required=False, allow_null=True, help_text="Seconds.")
    packets_received = serializers.IntegerField(required=False)
    pongs = serializers.IntegerField(required=False)


class CheckStartView(APIView):
    """``POST /api/v1/video/check/``: send a WebRTC offer; the server's peer
    answers, echoes audio and video and answers data-channel ``ping`` with ``pong``
    for at most ``VIDEO_CHECK_DURATION``. 503 with ``Retry-After`` when every
    check slot of this server process is taken."""

    permission_classes = [IsUserOrGuest]

    @extend_schema(parameters=[GUEST_HEADER], request=CheckOfferIn, responses={201: CheckStartedOut})
    def post(self, request):
        owner = check_owner(request)
        data = CheckOfferIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            check, answer = async_to_sync(checks.start)(sdp=data.validated_data["sdp"], owner=owner)
        except CheckBusy as busy:
            raise Problem(
                status=503,
                code="check_busy",
                detail=_("All device checks are in use. Please try again in a moment."),
                extra={"retry_after": busy.retry_after},
                headers={"Retry-After": str(busy.retry_after)},
            ) from None
        except CheckOfferInvalid:
            raise Problem.invalid("sdp", _("This is not a usable WebRTC offer.")) from None
        started = {
            "id": check.id,
            "type": answer.type,
            "sdp": answer.sdp,
            "expires_at": check.expires_at,
            "status_url": f"/api/v1/video/check/{check.id}/",
        }
        return Response(CheckStartedOut(started).data, status=201)


class CheckDetailView(APIView):
    """The result of one's own check (404 for anyone else's); ``DELETE`` ends it early."""

    permission_classes = [IsUserOrGuest]

    def _result(self, request, check_id: str) -> Response:
        result = check_result(check_id=check_id, owner=check_owner(request))
        if result is None:
            raise Problem(status=404, code="not_found", detail=_("Not found."))
        return Response(result)

    @extend_schema(parameters=[GUEST_HEADER], responses=CheckResultOut)
    def get(self, request, check_id):
        return self._result(request, check_id)

    @extend_schema(parameters=[GUEST_HEADER], responses={200: CheckResultOut})
    def delete(self, request, check_id):
        # Ending a check early frees its slot for the next person.
        async_to_sync(checks.stop)(check_id=check_id, owner=check_owner(request))
        return self._result(request, check_id)
