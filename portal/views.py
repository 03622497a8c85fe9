from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from csp.decorators import csp_update
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from portal.api.problems import problem_json_response

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is alive (no dependencies touched)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    check_reachable = getattr(cache, "check_reachable", None)
    if check_reachable is not None:
        check_reachable()  # the cache itself, not its in-process fallback
    cache.set("readyz", "1", 5)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not return what was written")


READYZ_LAYER_TIMEOUT = 3.0


def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "readyz"})
        await layer.receive(channel)

    async def bounded():
        # A layer that lost its connection must not hold the health check.
        await asyncio.wait_for(roundtrip(), timeout=READYZ_LAYER_TIMEOUT)

    async_to_sync(bounded)()


def _app_checks() -> list[tuple[str, Callable[[], str | None]]]:
    """Checks the feature apps add (``readiness_checks()`` on their AppConfig): each
    returns ``"ok"``, or ``"off"`` for a dependency switched off, and raises when unavailable."""
    found = []
    for config in apps.get_app_configs():
        if hasattr(config, "readiness_checks"):
            found.extend(config.readiness_checks().items())
    return found


@never_cache
def readyz(request):
    """Ready to serve: database, cache, channel layer and the apps' own dependencies
    (the virus scanner) answer; 503 otherwise."""
    checks = {}
    for name, check in [
        ("database", _check_database),
        ("cache", _check_cache),
        ("channel_layer", _check_channel_layer),
        *_app_checks(),
    ]:
        try:
            checks[name] = check() or "ok"
        except Exception as exc:  # any failure means "not ready"
            logger.warning("readyz: %s unavailable: %s", name, exc.__class__.__name__)
            checks[name] = "unavailable"
    if all(v in ("ok", "off") for v in checks.values()):
        return JsonResponse({"status": "ok", "checks": checks})
    response = problem_json_response(
        status=503, code="not_ready", detail=_("A dependency is unavailable."), checks=checks
    )
    response["Retry-After"] = "5"
    return response


def api_docs(view):
    """The OpenAPI schema and Swagger UI, unless ``API_DOCS_ENABLED`` is off.

    Swagger UI (served from our own static files) sets inline styles, so its
    page alone may use them; scripts stay limited to our origin.
    """

    @functools.wraps(view)
    @csp_update({"style-src": ["'unsafe-inline'"]})
    def wrapped(request, *args, **kwargs):
        if not settings.API_DOCS_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# Paths whose clients are programs: errors there are always problem+json.
API_PATHS = ("/api/", "/_allauth/")


def _wants_problem(request) -> bool:
    """problem+json under the API, and for a client that asks for JSON rather than a page."""
    if request.path.startswith(API_PATHS):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


def _error_page(request, status: int) -> HttpResponse:
    """The error page in the portal's layout: one h1, what happened, a link home.

    A page that fails to render (the template or the footer's Jobcenter text is
    what broke) falls back to one line of text: an error handler must not raise.
    """
    try:
        return render(request, f"portal/errors/{status}.html", status=status)
    except Exception:
        logger.exception("Error page %s could not be rendered", status)
        return HttpResponse(
            _("Something went wrong on our side. Please try again later."),
            status=status,
            content_type="text/plain; charset=utf-8",
        )


def api_not_found(request, exception=None):
    if _wants_problem(request):
        return problem_json_response(status=404, code="not_found", detail=_("Not found."))
    return _error_page(request, 404)


def _database_unavailable() -> bool:
    """Django calls ``handler500`` inside its ``except`` block: was it the database?"""
    return isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))


def api_server_error(request):
    """500, or 503 when the database is away (restart, failover).

    Errors outside DRF land here: the session loaded by a middleware, allauth's
    endpoints, the admin site. A database outage is temporary, so it is a 503
    with ``Retry-After``, not a 500, for every path. The page for a browser says
    nothing about the cause.
    """
    if _database_unavailable():
        logger.warning("Database unavailable: %s", sys.exc_info()[1].__class__.__name__)
        if _wants_problem(request):
            response = problem_json_response(
                status=503,
                code="service_unavailable",
                detail=_("The service is briefly unavailable. Please try again in a moment."),
            )
        else:
            # No page in the layout: its footer reads the Jobcenter's texts from the database.
            response = HttpResponse(
                _("The service is briefly unavailable. Please try again in a moment."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response["Retry-After"] = "5"
        return response
    if _wants_problem(request):
        return problem_json_response(
            status=500, code="server_error", detail=_("Something went wrong on our side. Please try again later.")
        )
    return _error_page(request, 500)


def api_forbidden(request, exception=None):
    if _wants_problem(request):
        return problem_json_response(status=403, code="forbidden", detail=_("Permission denied."))
    return _error_page(request, 403)


def api_bad_request(request, exception=None):
    """400, or 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's
    ``RequestDataTooBig`` reaches here as a ``SuspiciousOperation``)."""
    if isinstance(exception, RequestDataTooBig):
        if _wants_problem(request):
            return problem_json_response(
                status=413, code="payload_too_large", detail=_("The request body is too large.")
            )
        return _error_page(request, 413)
    if _wants_problem(request):
        return problem_json_response(status=400, code="bad_request", detail=_("Bad request."))
    return _error_page(request, 400)


def too_many_requests(request, exception=None):
    """429 from allauth's rate limits (login, password reset, ...; ``handler429``)."""
    if _wants_problem(request):
        return problem_json_response(
            status=429, code="too_many_requests", detail=_("Too many requests. Please try again later.")
        )
    return _error_page(request, 429)


@csrf_exempt
def not_offered(request, *args, **kwargs):
    """404 for an endpoint a library brings that the portal does not offer."""
    return problem_json_response(status=404, code="not_found", detail=_("Not found."))
