"""``Idempotency-Key`` on POSTs that create or submit something.

The same key from the same user within 24 hours returns the first response
(with ``Idempotent-Replayed: true``) instead of doing the work again; the same
key with a different body is a client error (422). A duplicate that arrives
while the first request is still running waits for its result.

Only successful (2xx) responses are kept: after a 4xx the client fixes its
input and may retry with the same key.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from portal.api.problems import Problem
from portal.models import IdempotencyRecord

HEADER = "Idempotency-Key"
_REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")
_WAIT_SECONDS = 15.0


def _request_hash(request) -> str:
    data = request.data
    if hasattr(data, "lists"):  # QueryDict (multipart/form)
        payload = sorted((k, [str(v) for v in vs]) for k, vs in data.lists())
        files = sorted((k, f.name, f.size) for k, f in request.FILES.items())
        canonical = json.dumps([payload, files], cls=DjangoJSONEncoder)
    else:
        canonical = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _wait_for_completion(*, user, key: str) -> IdempotencyRecord | None:
    deadline = time.monotonic() + _WAIT_SECONDS
    while True:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None or record.completed or time.monotonic() > deadline:
            return record
        time.sleep(0.05)


def idempotent(view_method):
    """Decorate a DRF view's ``post`` method."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 255 or not key.isprintable():
            raise Problem(
                status=400,
                code="validation",
                detail=_("The Idempotency-Key header must be at most 255 printable characters."),
                errors={HEADER: [_("Invalid idempotency key.")]},
            )
        scope = f"{request.method} {request.path}"
        request_hash = _request_hash(request)
        user = request.user
        IdempotencyRecord.objects.filter(
            user=user, key=key, created_at__lt=timezone.now() - settings.IDEMPOTENCY_KEY_TTL
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, scope=scope, request_hash=request_hash)
        except IntegrityError:
            existing = _wait_for_completion(user=user, key=key)
            if existing is None:  # the first attempt failed and let go of the key
                return wrapper(self, request, *args, **kwargs)
            if existing.scope != scope or existing.request_hash != request_hash:
                raise Problem(
                    status=422,
                    code="idempotency_key_reused",
                    detail=_("This Idempotency-Key was already used for a different request."),
                    errors={HEADER: [_("Use a new key for a new request.")]},
                ) from None
            if not existing.completed:
                raise Problem(
                    status=409,
                    code="idempotency_in_progress",
                    detail=_("The first request with this key is still being processed."),
                    headers={"Retry-After": "1"},
                ) from None
            return _replay(existing)

        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if 200 <= response.status_code < 300:
            record.completed = True
            record.response_status = response.status_code
            record.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            record.response_headers = {h: response[h] for h in _REPLAYED_HEADERS if h in response}
            record.save(update_fields=["completed", "response_status", "response_body", "response_headers"])
        else:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return response

    return wrapper
