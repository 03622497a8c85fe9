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
