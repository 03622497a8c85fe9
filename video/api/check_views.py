"""``/api/v1/video/check/``: the device and connection check.

These are async Django views (not DRF): the aiortc peer must live on the
server's event loop, and a sync view would run in a worker thread whose loop
ends with the request.
"""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.api.permissions import session_used_mfa
from portal.api.problems import problem_json_response
from video.check import CheckBusy, CheckOfferInvalid, check_result, checks
from video.protocol import MAX_SDP_CHARS


class _Refused(Exception):
    def __init__(self, response: JsonResponse) -> None:
        super().__init__()
        self.response = response


def _owner_of(request: HttpRequest) -> str:
    """Who runs the check: a logged-in user (with a second factor where the role
    needs one) or a guest with a valid invitation link (``X-Video-Guest`` header)."""
    user = request.user
    if user.is_authenticated:
        if user.needs_mfa and not session_used_mfa(request.session, user):
            raise _Refused(
                problem_json_response(
                    status=403,
                    code="mfa_required",
                    detail=_("Your role works with social data: log in with your second factor to use this function."),
                )
            )
        return f"user:{user.pk}"
    key = request.headers.get("X-Video-Guest", "")
    if key:
        from video.selectors import guest_get_by_key

        guest = guest_get_by_key(key=key)
        if guest is not None:
            return f"guest:{guest.pk}"
    raise _Refused(
        problem_json_response(
            status=401, code="not_authenticated", detail=_("Log in or open the link from your invitation.")
        )
    )


def _parse_offer(request: HttpRequest) -> str:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _Refused(
            problem_json_response(
                status=400,
                code="validation",
                detail=_("Some fields are invalid; see errors."),
                errors={"non_field_errors": [_("Send a JSON object with 'type' and 'sdp'.")]},
            )
        )
    errors: dict[str, list[str]] = {}
    if body.get("type") != "offer":
        errors["type"] = [_("Must be 'offer'.")]
    sdp = body.get("sdp")
    if not isinstance(sdp, str) or not sdp.strip():
        errors["sdp"] = [_("This field is required.")]
    elif len(sdp) > MAX_SDP_CHARS:
        errors["sdp"] = [_("The offer is too long.")]
    elif not sdp.startswith("v=0") or "\nm=" not in sdp:
        errors["sdp"] = [_("This is not a usable WebRTC offer.")]
    if errors:
        raise _Refused(
            problem_json_response(
                status=400, code="validation", detail=_("Some fields are invalid; see errors."), errors=errors
            )
        )
    return sdp


@require_http_methods(["POST"])
async def check_start(request: HttpRequest) -> JsonResponse:
    try:
        owner = await sync_to_async(_owner_of)(request)
        sdp = _parse_offer(request)
    except _Refused as refused:
        return refused.response
    try:
        check, answer = await checks.start(sdp=sdp, owner=owner)
    except CheckBusy as busy:
        response = problem_json_response(
            status=503,
            code="check_busy",
            detail=_("All device checks are in use. Please try again in a moment."),
            retry_after=busy.retry_after,
        )
        response["Retry-After"] = str(busy.retry_after)
        return response
    except CheckOfferInvalid:
        return problem_json_response(
            status=400,
            code="validation",
            detail=_("Some fields are invalid; see errors."),
            errors={"sdp": [_("This is not a usable WebRTC offer.")]},
        )
    return JsonResponse(
        {
            "id": check.id,
            "type": answer.type,
            "sdp": answer.sdp,
            "expires_at": check.expires_at.isoformat(),
            "status_url": f"/api/v1/video/check/{check.id}/",
        },
        status=201,
    )


@require_http_methods(["GET", "DELETE"])
async def check_detail(request: HttpRequest, check_id: str) -> JsonResponse:
    try:
        owner = await sync_to_async(_owner_of)(request)
    except _Refused as refused:
        return refused.response
    if request.method == "DELETE":
        # Ending a check early frees its slot for the next person.
        await checks.stop(check_id=check_id, owner=owner)
    result = await sync_to_async(check_result)(check_id=check_id, owner=owner)
    if result is None:
        return problem_json_response(status=404, code="not_found", detail=_("Not found."))
    return JsonResponse(result)
