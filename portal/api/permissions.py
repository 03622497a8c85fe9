"""Who may call the API.

The default permission (``IsAuthenticatedWithRoleMFA``) lets in any logged-in
user, except that counsellors, staff, team leads and admins must have passed
a second factor (TOTP, recovery code or passkey) in this session, and so must
citizens whose Jobcenter requires one once their grace period is over
(``portal/mfa.py``). Views narrow it down further with ``HasRole``.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

from portal.api.problems import Problem
from portal.constants import Role
from portal.mfa import (  # noqa: F401 (session_used_mfa: imported from here by video and the admin site)
    AUTHENTICATION_METHODS_SESSION_KEY,
    AUTHENTICATION_METHODS_USER_SESSION_KEY,
    mfa_setup_pending,
    session_used_mfa,
)
from portal.sessions import staff_session_alive


def session_of(request) -> SessionBase | None:
    """The session behind the request: the app client's (``X-Session-Token``,
    handed over as ``request.auth`` by allauth's DRF authentication) or the
    browser's cookie session."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, SessionBase):
        return auth
    return getattr(request, "session", None)


class IsAuthenticatedWithRoleMFA(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        session = session_of(request)
        if user.needs_mfa and session is not None and session is getattr(request, "auth", None):
            # App clients (X-Session-Token) do not pass the session middleware.
            if not staff_session_alive(session):
                session.flush()
                raise NotAuthenticated(_("Your session ended after a period of inactivity."))
            if session.modified:
                session.save()
        if user.needs_mfa and not session_used_mfa(session, user):
            raise Problem(
                status=403,
                code="mfa_required",
                detail=_(
                    "Your role works with social data: log in with your second factor "
                    "(authenticator app) to use this function."
                ),
            )
        pending = mfa_setup_pending(session, user)
        if pending is not None and pending.overdue:
            raise Problem(
                status=403,
                code="mfa_required",
                detail=_(
                    "Your Jobcenter requires a second factor to protect your data: set up a passkey "
                    "or an authenticator app to use this function."
                ),
                extra={"mfa_setup": pending.as_meta()},
            )
        return True


class HasRole(IsAuthenticatedWithRoleMFA):
    """``permission_classes = [HasRole.of(Role.STAFF, Role.TEAM_LEAD)]``"""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": tuple(str(r) for r in roles)})

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not request.user.has_role(*self.roles):
            raise Problem(
                status=403,
                code="role_required",
                detail=_("This function is not available for your role."),
            )
        return True


IsCitizen = HasRole.of(Role.CITIZEN)
IsStaff = HasRole.of(Role.STAFF, Role.TEAM_LEAD)
IsTeamLead = HasRole.of(Role.TEAM_LEAD)
IsCounsellor = HasRole.of(Role.COUNSELLOR)
# Binding invitations (Einladung, §59 SGB II): staff and team leads of the Jobcenter,
# and counsellors (Integrationsfachkräfte), who invite to their own consultations.
IsInviter = HasRole.of(Role.STAFF, Role.TEAM_LEAD, Role.COUNSELLOR)
