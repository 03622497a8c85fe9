"""Writes on the shared core. Views call these; they never save models themselves."""

from __future__ import annotations

from django.db import transaction

from portal.api.conditional import if_match_check
from portal.audit import AuditAction, audit_record
from portal.models import User
from portal.versioning import save_new_version

PROFILE_FIELDS = ("first_name", "last_name", "preferred_language", "email_calendar_attachment")


@transaction.atomic
def user_profile_update(*, user: User, actor: User, changes: dict, if_match: str | None = None) -> User:
    """Change a user's own profile (names, preferred language, calendar file in e-mails).

    1. Lock the row, so that two devices saving at once are serialised.
    2. Refuse with 412 when ``if_match`` names an older version.
    3. Do nothing (no new version, no audit row) when nothing changes.
    4. Bump ``version``, save the changed fields and write an audit event
       naming the fields (never their values).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if_match_check(if_match=if_match, obj=locked)
    changed = [name for name in PROFILE_FIELDS if name in changes and getattr(locked, name) != changes[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    save_new_version(locked, *changed)
    audit_record(actor=actor, action=AuditAction.USER_UPDATE, obj=locked, data={"fields": changed})
    return locked
