"""``ETag`` / ``If-Match`` for mutable resources: two devices must not
silently overwrite each other's changes.

A model that supports it has an integer ``version`` that each change bumps.
The check belongs inside the transaction that holds the row lock, so that two
PATCHes with the same ``If-Match`` cannot both pass it.
"""

from __future__ import annotations

from rest_framework.response import Response

from portal.api.problems import PreconditionFailed


def etag_for(obj) -> str:
    return f'"{obj.public_id}-{obj.version}"' if hasattr(obj, "public_id") else f'"{obj.pk}-{obj.version}"'


def if_match_check(*, if_match: str | None, obj) -> None:
    """Raise 412 when ``if_match`` (the header's value) names another version.

    An absent ``If-Match`` is allowed (last write wins) so that simple clients
    work; clients that edit on several devices send it.
    """
    if not if_match:
        return
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" in candidates:
        return
    # A proxy that compresses responses (nginx gzip) turns our tag into W/"...".
    # Our tags name a version, not bytes, so the weak form means the same.
    unweakened = [tag[2:] if tag.startswith("W/") else tag for tag in candidates]
    if etag_for(obj) not in unweakened:
        raise PreconditionFailed()


def with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag_for(obj)
    return response
