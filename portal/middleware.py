from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig
from django.utils.cache import add_never_cache_headers, patch_cache_control

from portal.api.parsers import (
    JSONStructureError,
    json_too_deep,
    loads_strict,
    payload_too_large_detail,
    too_deep_error,
)
from portal.api.problems import problem_json_response
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


class RequestBodyMiddleware:
    """Refuse a body no view can parse safely, before any view reads it.

    For every path, allauth's headless API included (it parses JSON itself):
    a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413, JSON nested deeper than
    ``MAX_JSON_DEPTH`` is 400 ``json_too_deep``, and a JSON body with a key twice
    in one object is 400 ``json_duplicate_key`` (``portal.api.parsers``). Form
    posts and uploads pass: Django counts their fields and the ASGI body limit
    (``portal.bodylimit``) caps their size. A body that is not JSON at all is left
    to the view, which answers in its own words.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return body_problem(request) or self.get_response(request)


_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def body_problem(request):
    if request.content_type in _FORM_TYPES:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    try:
        if limit is not None and announced > limit:
            raise RequestDataTooBig
        body = request.body
        if limit is not None and len(body) > limit:  # a chunked body announces no length
            raise RequestDataTooBig
    except RequestDataTooBig:
        return problem_json_response(status=413, code="payload_too_large", detail=payload_too_large_detail())
    if not body:
        return None
    try:
        if request.content_type == "application/json" or request.content_type.endswith("+json"):
            loads_strict(body)
        elif json_too_deep(body):  # allauth parses any body as JSON, whatever its type
            raise too_deep_error()
    except JSONStructureError as error:
        return problem_json_response(status=400, code=error.code, detail=error.detail)
    except ValueError:
        return None  # not JSON: the view says so in its own words
    return None
