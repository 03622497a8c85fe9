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


def api_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_json_response(status=404, code="not_found", detail=_("Not found."))
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def _database_unavailable() -> bool:
    """Django calls ``handler500`` inside its ``except`` block: was it the database?"""
    return isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))


def api_server_error(request):
    """500, or 503 when the database is away (restart, failover).

    Errors outside DRF land here: the session loaded by a middleware, allauth's
    endpoints, the admin site. A database outage is temporary, so it is a 503
    with ``Retry-After``, not a 500, for every path.
    """
    if _database_unavailable():
        logger.warning("Database unavailable: %s", sys.exc_info()[1].__class__.__name__)
        if request.path.startswith(("/api/", "/_allauth/")):
            response = problem_json_response(
                status=503,
                code="service_unavailable",
                detail=_("The service is briefly unavailable. Please try again in a moment."),
            )
        else:
            response = HttpResponse(
                _("The service is briefly unavailable. Please try again in a moment."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response["Retry-After"] = "5"
        return response
    if request.path.startswith(("/api/", "/_allauth/")):
        return problem_json_response(
            status=500, code="server_error", detail=_("Something went wrong on our side. Please try again later.")
        )
    from django.views.defaults import server_error

    return server_error(request)


def api_forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_json_response(status=403, code="forbidden", detail=_("Permission denied."))
    from django.views.defaults import permission_denied

    return permission_denied(request, exception)


def api_bad_request(request, exception=None):
    """400, or 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's
    ``RequestDataTooBig`` reaches here as a ``SuspiciousOperation``)."""
    if isinstance(exception, RequestDataTooBig):
        return problem_json_response(status=413, code="payload_too_large", detail=_("The request body is too large."))
    if request.path.startswith(("/api/", "/_allauth/")):
        return problem_json_response(status=400, code="bad_request", detail=_("Bad request."))
    from django.views.defaults import bad_request

    return bad_request(request, exception)


@csrf_exempt
def not_offered(request, *args, **kwargs):
    """404 for an endpoint a library brings that the portal does not offer."""
    return problem_json_response(status=404, code="not_found", detail=_("Not found."))

