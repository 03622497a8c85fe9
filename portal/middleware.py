from __future__ import annotations

from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers, patch_cache_control

from portal.requestid import new_request_id, reset_request_id, set_request_id
from portal.sessions import session_still_valid


class RequestIdMiddleware:
    """Give every request an id: in ``request.id``, the logs, audit events and
    the ``X-Request-ID`` response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = new_request_id(request.headers.get("X-Request-ID"))
        token = set_request_id(request.id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.id
        return response


class StaffSessionMiddleware:
    """End browser sessions that must not go on: counsellors, staff and admins
    after ``STAFF_IDLE_TIMEOUT`` of inactivity, and every session of an account
    that was deactivated (app tokens: ``portal.sessions.PortalSessionTokenStrategy``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not session_still_valid(request.session, user):
            logout(request)  # flushes the session: deleted on the server
        return self.get_response(request)


class NoStoreMiddleware:
    """Responses that may carry personal data must not be kept by any cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(("/api/", "/_allauth/", "/accounts/", "/video/", "/admin/")) or (
            getattr(request, "user", None) is not None and request.user.is_authenticated
        ):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
