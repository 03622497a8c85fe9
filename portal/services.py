"""Writes on the shared core. Views call these; they never save models themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from portal.api.conditional import if_match_check
from portal.audit import AuditAction, audit_record
from portal.mail import Notice, mail_enqueue, notice_mail, portal_url
from portal.models import AccessibilityFeedback, Jobcenter, User
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


def accessibility_feedback_submit(
    *, jobcenter: Jobcenter, name: str, email: str, message: str, language: str
) -> AccessibilityFeedback:
    """Keep a barrier report (BITV 2.0 §7) and tell the Jobcenter's contact address.

    The e-mail is a neutral notice with a link to the report in the admin: the
    report itself may name a person, so it stays in the portal.
    """
    feedback = AccessibilityFeedback.objects.create(
        jobcenter=jobcenter, name=name, email=email, message=message, language=language
    )
    if jobcenter.email:
        link = portal_url(reverse("admin:portal_accessibilityfeedback_change", args=[feedback.pk]))
        mail = notice_mail(
            to=jobcenter.email,
            language=settings.LANGUAGE_CODE,
            link=link,
            jobcenter_name=jobcenter.name,
            notice=Notice.FEEDBACK,
        )
        transaction.on_commit(lambda: mail_enqueue(mail))
    return feedback
