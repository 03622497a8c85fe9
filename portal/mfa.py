"""The second factor: whether a session passed one, and the rule that makes it
mandatory for citizens.

Counsellors, staff, team leads and admins always need a second factor
(``portal.constants.MFA_ROLES``). For citizens a Jobcenter can require one
(``Jobcenter.citizen_mfa_required``) after a grace period
(``citizen_mfa_grace_days``). Citizens belong to no Jobcenter in the data model,
so the rule is:

1. The Jobcenters a citizen deals with are those of their applications and
   appointments. Each feature app names them through
   ``citizen_jobcenter_ids(self, user)`` on its AppConfig (``portal`` imports no
   feature app). A citizen who has none yet deals with every Jobcenter of the
   installation: we cannot know which one will be theirs, and in the usual
   installation of one Jobcenter that is the one.
2. The citizen is bound when one of these Jobcenters requires a second factor.
   The grace period ends ``citizen_mfa_grace_days`` days after the later of: the
   requirement being switched on, the citizen's registration. With several
   Jobcenters the earliest end counts.
3. The end is worked out at login and kept in the session (no query per
   request; a change of the rule applies from the next login). Until then the
   login works and the answer reminds the citizen (``meta.mfa_setup`` in
   allauth's headless answers, a notice on the pages); afterwards the API
   answers ``403 mfa_required`` and pages lead to the second-factor page, until
   the session passes a second factor: at login, or by setting one up (proving
   the passkey or code while setting it up counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.audit import AuditAction, audit_record
from portal.clock import BERLIN
from portal.constants import Role
from portal.models import Jobcenter

# Where allauth records how this session was authenticated, and for whom.
AUTHENTICATION_METHODS_SESSION_KEY = "account_authentication_methods"
AUTHENTICATION_METHODS_USER_SESSION_KEY = "account_authentication_methods_user"
# When the citizen of this session must have a second factor (a Unix time), set at login.
MFA_SETUP_DUE_SESSION_KEY = "portal_mfa_setup_due"
# Authenticator types that are a second factor of their own (recovery codes only back them up).
SECOND_FACTOR_TYPES = frozenset({"totp", "webauthn"})


def session_used_mfa(session: SessionBase | None, user) -> bool:
    """True when ``user`` passed a second factor in this session: TOTP, a
    recovery code or a passkey (also the passwordless passkey login, which
    needs user verification), at login or while setting the factor up."""
    if session is None or user is None or user.pk is None:
        return False
    if session.get(AUTHENTICATION_METHODS_USER_SESSION_KEY) != str(user.pk):
        return False  # records of someone who used this session before
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    return any(isinstance(r, dict) and r.get("method") == "mfa" for r in records)


# --- the rule ---------------------------------------------------------------------------------
def citizen_jobcenter_ids(*, user) -> set[int]:
    """The Jobcenters a citizen deals with, as the feature apps know them."""
    ids: set[int] = set()
    for config in apps.get_app_configs():
        collect = getattr(config, "citizen_jobcenter_ids", None)
        if collect is not None:
            ids.update(collect(user))
    return ids


def citizen_mfa_due_at(*, user) -> datetime | None:
    """When ``user`` must have a second factor, or None when no Jobcenter of theirs requires one."""
    if user.needs_mfa or not user.has_role(Role.CITIZEN):
        return None
    requiring = list(Jobcenter.objects.filter(citizen_mfa_required=True))
    if not requiring:
        return None
    own = citizen_jobcenter_ids(user=user)
    if own:
        requiring = [jobcenter for jobcenter in requiring if jobcenter.pk in own]
    return min(
        (
            max(jobcenter.citizen_mfa_required_since, user.date_joined)
            + timedelta(days=jobcenter.citizen_mfa_grace_days)
            for jobcenter in requiring
        ),
        default=None,
    )


@dataclass(frozen=True)
class MfaSetup:
    """A citizen who must still set up a second factor."""

    due_at: datetime
    overdue: bool

    def as_meta(self) -> dict:
        return {"due_at": self.due_at.isoformat(), "overdue": self.overdue}


def mfa_setup_pending(session: SessionBase | None, user) -> MfaSetup | None:
    """The citizen's pending second factor (from the session: no query), or None."""
    if session is None or user is None or not user.is_authenticated or user.needs_mfa:
        return None
    due = session.get(MFA_SETUP_DUE_SESSION_KEY)
    if due is None or session_used_mfa(session, user):
        return None
    due_at = datetime.fromtimestamp(float(due), tz=UTC)
    return MfaSetup(due_at=due_at, overdue=timezone.now() >= due_at)


def mfa_setup_remember(*, session: SessionBase, user) -> None:
    """At login: keep in the session when this citizen must have a second factor."""
    due_at = None if session_used_mfa(session, user) else citizen_mfa_due_at(user=user)
    if due_at is None:
        session.pop(MFA_SETUP_DUE_SESSION_KEY, None)
    else:
        session[MFA_SETUP_DUE_SESSION_KEY] = due_at.timestamp()


def mfa_setup_record(*, request, authenticator) -> None:
    """A second factor set up in this session counts as passed in it: adding it
    proved the passkey or the code, and whoever could add it could as well log
    in again with it. Only after the password was asked for again (allauth's
    reauthentication, on by default): a stolen session alone must not become a
    session with a second factor."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate

    if authenticator.type in SECOND_FACTOR_TYPES and did_recently_reauthenticate(request):
        record_authentication(request, authenticator.user, "mfa", id=authenticator.pk, type=authenticator.type)


def mfa_setup_notice(pending: MfaSetup) -> str:
    """The notice on the pages: until when, and where to set it up."""
    url = reverse("mfa_index")
    if pending.overdue:
        text = _(
            "Your Jobcenter requires a second factor to protect your data. Please set up a passkey "
            "or an authenticator app now."
        )
    else:
        text = _(
            "Your Jobcenter requires a second factor to protect your data. Please set up a passkey "
            "or an authenticator app by %(date)s."
        ) % {"date": date_format(pending.due_at.astimezone(BERLIN), "DATE_FORMAT")}
    return format_html('{} <a href="{}">{}</a>', text, url, _("Set up a second factor"))


# --- the setting ------------------------------------------------------------------------------
@transaction.atomic
def jobcenter_citizen_mfa_update(*, jobcenter: Jobcenter, required: bool, grace_days: int, actor) -> Jobcenter:
    """Switch the citizens' second factor on or off, or change the grace period.

    1. Lock the Jobcenter; return when nothing changes.
    2. Switching it on starts the grace period now; switching it off forgets the start.
    3. Save and audit (the old and new values: no personal data).
    """
    locked = Jobcenter.objects.select_for_update().get(pk=jobcenter.pk)
    if locked.citizen_mfa_required == required and locked.citizen_mfa_grace_days == grace_days:
        return locked
    before = {"required": locked.citizen_mfa_required, "grace_days": locked.citizen_mfa_grace_days}
    if required and not locked.citizen_mfa_required:
        locked.citizen_mfa_required_since = timezone.now()
    elif not required:
        locked.citizen_mfa_required_since = None
    locked.citizen_mfa_required = required
    locked.citizen_mfa_grace_days = grace_days
    locked.save(update_fields=["citizen_mfa_required", "citizen_mfa_grace_days", "citizen_mfa_required_since"])
    audit_record(
        actor=actor,
        action=AuditAction.JOBCENTER_CITIZEN_MFA_UPDATE,
        obj=locked,
        jobcenter=locked,
        data={"before": before, "after": {"required": required, "grace_days": grace_days}},
    )
    return locked


# --- pages ------------------------------------------------------------------------------------
# Paths a citizen whose grace period is over may still open: setting up the
# second factor and logging out (/accounts/), allauth's and our API (which answer
# for themselves), static files and health checks.
_OPEN_PATHS = ("/accounts/", "/_allauth/", "/api/", "/static/", "/healthz", "/readyz", "/admin/")


class CitizenMfaSetupMiddleware:
    """Pages send a citizen whose grace period is over to the second-factor page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_OPEN_PATHS):
            pending = mfa_setup_pending(getattr(request, "session", None), user)
            if pending is not None and pending.overdue:
                messages.warning(request, mfa_setup_notice(pending))
                return redirect("mfa_index")
        return self.get_response(request)
