"""How allauth creates and treats our users."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from portal.constants import Role
from portal.roles import role_group


class PortalAccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Every self-signup is a citizen; staff roles are only given by an admin."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(role_group(Role.CITIZEN))
        return user

    def pre_login(self, request, user, **kwargs):
        """A new session id as soon as the password is right (no session fixation).

        Django rotates the id when the login completes; with a second factor
        pending, the half-way state would otherwise live in a session id that
        existed before the login and may have been planted. App clients get the
        new id as their new ``X-Session-Token``.
        """
        response = super().pre_login(request, user, **kwargs)
        if response is None and not request.user.is_authenticated:
            request.session.cycle_key()
        return response
