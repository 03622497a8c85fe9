"""Errors as RFC 9457 problem details (``application/problem+json``).

Every 4xx and 5xx of the API has the same shape::

    {"type": "https://jobcenter-digital.example/problems/validation",
     "title": "Invalid input.", "status": 400, "detail": "...",
     "errors": {"household.0.birth_date": ["Enter a valid date."]}}

``errors`` is flat: nested serializer errors become dotted field paths.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://jobcenter-digital.example/problems/"


class Problem(exceptions.APIException):
    """An API error with a problem type of our own.

    ``raise Problem(status=409, code="slot_taken", detail=..., extra={"allowed": [...]})``
    """

    def __init__(
        self,
        *,
        status: int,
        code: str,
        detail: str,
        title: str | None = None,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status_code = status
        self.code = code
        self.title = title
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(detail=detail, code=code)

    @classmethod
    def invalid(cls, field: str, message: str) -> Problem:
        """400 naming one field, shaped like a serializer's validation error."""
        return cls(
            status=400, code="validation", detail=_("Some fields are invalid; see errors."), errors={field: [message]}
        )


class PreconditionFailed(Problem):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            status=412,
            code="precondition_failed",
            title=_("The resource was changed in the meantime."),
            detail=detail or _("Reload the resource and apply your change again (If-Match does not match)."),
        )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into ``{"a.0.b": ["message"]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name or "non_field_errors")
            out.update(flatten_errors(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            if detail:
                out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


_TITLES = {
    400: gettext_lazy("Invalid input."),
    401: gettext_lazy("Authentication required."),
    403: gettext_lazy("Permission denied."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("Method not allowed."),
    406: gettext_lazy("Not acceptable."),
    409: gettext_lazy("Conflict."),
    412: gettext_lazy("Precondition failed."),
    413: gettext_lazy("Payload too large."),
    415: gettext_lazy("Unsupported media type."),
    422: gettext_lazy("Unprocessable content."),
    429: gettext_lazy("Too many requests."),
    500: gettext_lazy("Internal server error."),
    503: gettext_lazy("Service unavailable."),
}


def problem_body(
    *, status: int, code: str, detail: str, title: str | None = None, errors: dict | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": str(title or _TITLES.get(status) or _("Error.")),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_json_response(*, status: int, code: str, detail: str, **kw: Any) -> JsonResponse:
    """The same body for Django's own error handlers (``portal/views.py``), where no DRF renderer runs."""
    return JsonResponse(
        problem_body(status=status, code=code, detail=detail, **kw),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: every error becomes a problem body."""
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE: the client's, so 413.
        exc = Problem(status=413, code="payload_too_large", detail=_("The request body is too large."))
    elif isinstance(exc, TooManyFieldsSent):
        exc = Problem(status=400, code="too_many_fields", detail=_("The request has too many fields."))
    elif isinstance(exc, RecursionError):
        # A parser that recursed once per level of a nested body (portal/api/parsers.py
        # refuses those before parsing; this is the net below it).
        exc = Problem(status=400, code="json_too_deep", detail=_("The request body is nested too deeply."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # A model field refused a value that reached the ORM unchecked (e.g. a
        # malformed UUID in a filter): the client's input, so 400, never 500.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )

    if isinstance(exc, Problem):
        body = problem_body(
            status=exc.status_code,
            code=exc.code,
            detail=str(exc.detail),
            title=exc.title,
            errors=exc.errors,
            **exc.extra,
        )
        return Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE, headers=exc.headers)

    if isinstance(exc, exceptions.APIException):
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        status_code = exc.status_code
        if isinstance(exc, exceptions.ValidationError):
            errors = flatten_errors(exc.detail)
            body = problem_body(
                status=status_code,
                code="validation",
                detail=_("Some fields are invalid; see errors."),
                errors=errors,
            )
        else:
            code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            body = problem_body(status=status_code, code=str(code), detail=str(detail))
        return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers)

    if isinstance(exc, DataError):
        # The database refused a value the client sent that no check caught
        # first: a NUL character in a text (PostgreSQL), a number out of range.
        logger.warning("Database refused a value: %s", str(exc).splitlines()[0][:200])
        return Response(
            problem_body(
                status=400,
                code="invalid_value",
                detail=_("A value you sent cannot be stored or searched for (for example a NUL character)."),
            ),
            status=400,
            content_type=PROBLEM_CONTENT_TYPE,
        )

    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is away (restart, failover): say so, the client may retry.
        logger.warning("Database unavailable: %s", exc.__class__.__name__)
        return Response(
            problem_body(
                status=503,
                code="service_unavailable",
                detail=_("The service is briefly unavailable. Please try again in a moment."),
            ),
            status=503,
            content_type=PROBLEM_CONTENT_TYPE,
            headers={"Retry-After": "5"},
        )

    # Unknown exception: log it with its traceback, tell the client nothing internal.
    logger.exception("Unhandled API error", exc_info=exc)
    return Response(
        problem_body(
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            code="server_error",
            detail=_("Something went wrong on our side. Nothing you sent was lost; please try again later."),
        ),
        status=500,
        content_type=PROBLEM_CONTENT_TYPE,
    )
