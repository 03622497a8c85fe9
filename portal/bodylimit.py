"""Request bodies capped while they stream, and strangers refused before theirs.

``BodyLimitMiddleware`` wraps Django's ASGI application (``portal/asgi.py``).
For each HTTP request with a body it:

1. asks Django's URL resolver for the view and reads two things off it (no
   rule is written twice): the cap, ``APPLICATION_UPLOAD_MAX_BYTES`` plus 1 MiB
   for the form around the file when the view parses multipart uploads, else
   ``DATA_UPLOAD_MAX_MEMORY_SIZE``; and whether the view lets anonymous callers
   in (its DRF permissions, asked with an anonymous request and the method);
2. answers 413 at once when ``Content-Length`` announces more than the cap;
3. for a view that needs a login, and a body that is chunked or larger than
   ``PREFLIGHT_MIN_BYTES``, authenticates the caller with the view's own DRF
   authentication classes on the headers alone (cookie session or
   ``X-Session-Token``) and answers 401 without reading the body when nobody is
   logged in;
4. counts the body as it arrives and answers 413 as soon as the count passes
   the cap. A chunked body (no length) is read here up to the cap and handed
   on with its ``Content-Length``; for a body with a length, Django's handler is
   told the client went away should the length have lied.

Paths that are not DRF views (allauth's headless API, its pages, the admin,
health checks) get the cap only: their login and signup need their small bodies.
A page view that takes an upload form is marked with ``@upload_page``: it gets
the upload cap, and a body announced over it (step 2) is not answered with a
problem document a person cannot read: the view is called without the body, as
a GET that ``body_was_too_large(request)`` tells apart, so it renders its page
(in the layout, in the person's language, with the message at the form) with
status 413. The body is never read; the connection closes after the answer.

The server must hand the body over as it arrives for this to help: uvicorn and
granian do; daphne reads the whole body (into a temporary file) before it calls
the application, so ``portal.daphne_streaming`` makes it stream too.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from tempfile import SpooledTemporaryFile

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException
from rest_framework.parsers import FileUploadParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.views import APIView

from portal.api.parsers import payload_too_large_detail
from portal.api.problems import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)

# Bodies up to this size are read before the view refuses a stranger: the cost of
# a session lookup ahead of every API write is not worth saving 64 KiB of reading.
PREFLIGHT_MIN_BYTES = 64 * 1024
# The form fields and multipart framing around an uploaded file.
UPLOAD_FORM_ALLOWANCE = 1024 * 1024

REPLAY_PIECE = 64 * 1024


# Set in the scope of a page upload whose body was over the cap (see the module docstring).
TOO_LARGE_SCOPE_KEY = "portal.body_too_large"


def upload_page(view):
    """Mark a page view (not DRF) that parses a multipart upload form."""
    view.upload_page = True
    return view


def body_was_too_large(request) -> bool:
    """True when ``request`` is the body-less stand-in for an upload over the cap."""
    return bool(getattr(request, "scope", None) and request.scope.get(TOO_LARGE_SCOPE_KEY))


@dataclass(frozen=True)
class Route:
    upload: bool = False
    view_class: type[APIView] | None = None
    public: bool = True
    page: bool = False

    @property
    def cap(self) -> int | None:
        if self.upload:
            from applications.conf import app_settings  # the upload limit is the feature's setting

            return app_settings.UPLOAD_MAX_BYTES + UPLOAD_FORM_ALLOWANCE
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def route_for(path: str, method: str) -> Route:
    try:
        match = resolve(path)
    except Resolver404:
        return Route()
    return _route_of_view(match.func, method)


@lru_cache(maxsize=512)
def _route_of_view(func, method: str) -> Route:
    view_class = getattr(func, "cls", None)  # DRF's as_view() and @api_view set it
    if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
        return Route(upload=True, page=True) if getattr(func, "upload_page", False) else Route()
    upload = any(issubclass(parser, (MultiPartParser, FileUploadParser)) for parser in view_class.parser_classes)
    public = _lets_anonymous_in(view_class, getattr(func, "initkwargs", None) or {}, method)
    return Route(upload=upload, view_class=view_class, public=public)


def _lets_anonymous_in(view_class: type[APIView], initkwargs: dict, method: str) -> bool:
    """The view's own permissions, asked for an anonymous caller (no database)."""
    django_request = HttpRequest()
    django_request.method = method
    request = Request(django_request)
    request.user = AnonymousUser()
    view = view_class(**initkwargs)
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    try:
        return all(permission.has_permission(request, view) for permission in view.get_permissions())
    except Exception:  # a permission that raises for an anonymous caller does not let it in
        return False


def _caller_is_anonymous(scope: dict, view_class: type[APIView]) -> bool:
    """True when the view's authentication finds nobody behind the request's headers.

    Any error (CSRF, a session store away) counts as "not known to be
    anonymous": the view then answers it as it would anyway.
    """
    try:
        request = ASGIRequest(scope, io.BytesIO())
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        request.user = SimpleLazyObject(lambda: get_user(request))
        authenticators = [authentication() for authentication in view_class.authentication_classes]
        return not Request(request, authenticators=authenticators).user.is_authenticated
    except APIException:
        return False
    except Exception:
        logger.warning("Body limit: could not tell who is asking", exc_info=True)
        return False
    finally:
        connections.close_all()  # back to the pool: this thread is not the request's


def _language(scope: dict) -> str:
    header = next((v for k, v in scope.get("headers", ()) if k == b"accept-language"), b"").decode("latin-1")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


async def send_problem(send, scope: dict, *, status: int, code: str, detail, headers=()) -> None:
    with translation.override(_language(scope)):
        body = json.dumps(problem_body(status=status, code=code, detail=str(detail))).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                # The rest of the body is not read: the connection cannot carry another request.
                (b"connection", b"close"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_too_large(send, scope: dict) -> None:
    with translation.override(_language(scope)):
        detail = payload_too_large_detail() if not _is_upload(scope) else _upload_too_large_detail()
    await send_problem(send, scope, status=413, code="payload_too_large", detail=detail)


def _is_upload(scope: dict) -> bool:
    return route_for(scope["path"], scope["method"]).upload


def _upload_too_large_detail() -> str:
    from applications.conf import app_settings

    return _("The file is larger than %(limit)s MB. Please upload a smaller file.") % {
        "limit": f"{app_settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}"
    }


class BodyLimitMiddleware:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", ()))
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        try:
            length = int(headers.get(b"content-length", b"0"))
        except ValueError:
            length = 0  # the server refuses a malformed length itself
        if not chunked and length <= 0:
            return await self.app(scope, receive, send)

        route = route_for(scope["path"], scope["method"])
        cap = route.cap
        if cap is not None and length > cap:
            if route.page:
                return await self._too_large_page(scope, receive, send)
            return await send_too_large(send, scope)
        if (
            not route.public
            and (chunked or length > PREFLIGHT_MIN_BYTES)
            and await sync_to_async(_caller_is_anonymous, thread_sensitive=False)(scope, route.view_class)
        ):
            authentication = route.view_class.authentication_classes
            challenge = authentication[0]().authenticate_header(None) if authentication else None
            return await send_problem(
                send,
                scope,
                status=401,
                code="not_authenticated",
                detail=gettext_lazy("Authentication credentials were not provided."),
                headers=[(b"www-authenticate", challenge.encode())] if challenge else [],
            )
        if chunked:
            return await self._dechunked(scope, receive, send, cap)
        if cap is None:
            return await self.app(scope, receive, send)
        await self.app(scope, *_counting(scope, receive, send, cap))

    async def _too_large_page(self, scope, receive, send) -> None:
        """The page view, called as a GET without the body it was sent (never read)."""
        dropped = (b"content-length", b"content-type", b"transfer-encoding")
        headers = [(k, v) for k, v in scope["headers"] if k not in dropped]
        scope = {**scope, "method": "GET", "headers": headers, TOO_LARGE_SCOPE_KEY: True}
        given = False

        async def no_body():
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": b"", "more_body": False}
            # Django waits here for a disconnect while the view runs, and stops
            # waiting once the answer is sent; the unread body is never received.
            return await asyncio.get_running_loop().create_future()

        async def closing_send(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, no_body, closing_send)

    async def _dechunked(self, scope, receive, send, cap: int | None) -> None:
        """A body without a length, read here up to the cap and handed on with
        the ``Content-Length`` it turned out to have: Django's multipart and
        DRF's parsers take a body without one for an empty body (a chunked upload
        was "no file"). Spooled like Django spools bodies: in memory up to
        ``FILE_UPLOAD_MAX_MEMORY_SIZE``, then an unnamed temporary file."""
        spool = SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")
        try:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client left: nothing to answer
                body = message.get("body", b"")
                size += len(body)
                if cap is not None and size > cap:
                    return await send_too_large(send, scope)
                spool.write(body)
                if not message.get("more_body", False):
                    break
            spool.seek(0)
            headers = [(k, v) for k, v in scope["headers"] if k not in (b"transfer-encoding", b"content-length")]
            scope = {**scope, "headers": [*headers, (b"content-length", str(size).encode())]}
            replayed = False

            async def replay():
                nonlocal replayed
                if replayed:
                    return await receive()  # after the body: the disconnect, when it comes
                piece = spool.read(REPLAY_PIECE)
                more = spool.tell() < size
                replayed = not more
                return {"type": "http.request", "body": piece, "more_body": more}

            await self.app(scope, replay, send)
        finally:
            spool.close()


def _counting(scope, receive, send, cap: int):
    """``receive`` and ``send`` for the application: the body is counted, and once
    it passes ``cap`` (a length that lied) we answer 413 ourselves and tell the
    application the client left."""
    state = {"received": 0, "answered": False, "started": False}

    async def limited_receive():
        if state["answered"]:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            state["received"] += len(message.get("body", b""))
            if state["received"] > cap:
                state["answered"] = True
                if not state["started"]:
                    await send_too_large(send, scope)
                return {"type": "http.disconnect"}
        return message

    async def guarded_send(message):
        if state["answered"]:
            return
        if message["type"] == "http.response.start":
            state["started"] = True
        await send(message)

    return limited_receive, guarded_send
