"""``ETag`` / ``If-Match`` for mutable resources: two devices must not
silently overwrite each other's changes.

A model that supports it has an integer ``version`` that each change bumps.
"""

from __future__ import annotations

from rest_framework.response import Response

from portal.api.problems import PreconditionFailed


def etag_for(obj) -> str:
    return f'"{obj.public_id}-{obj.version}"' if hasattr(obj, "public_id") else f'"{obj.pk}-{obj.version}"'


def check_if_match(request, obj) -> None:
    """Raise 412 when the client's ``If-Match`` names an older version.

    Absent ``If-Match`` is allowed (last write wins) so that simple clients
    work; clients that edit on several devices send it.
    """
    header = request.headers.get("If-Match")
    if not header:
        return
    current = etag_for(obj)
    candidates = [tag.strip() for tag in header.split(",")]
    if "*" in candidates:
        return
    weak_stripped = [tag[2:] if tag.startswith("W/") else tag for tag in candidates]
    if current not in weak_stripped:
        raise PreconditionFailed()


def with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag_for(obj)
    return response
