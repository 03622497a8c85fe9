"""How allauth creates and treats our users."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import is_headless_request
from django.contrib import messages
from django.urls import reverse

from portal.constants import Role
from portal.mfa import mfa_setup_notice, mfa_setup_pending, mfa_setup_record, mfa_setup_remember
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

    def login(self, request, user) -> None:
        """Every way in (password, second factor, passkey) ends here: note in
        the session whether the citizen must still set up a second factor."""
        super().login(request, user)
        mfa_setup_remember(session=request.session, user=user)

    def get_login_redirect_url(self, request) -> str:
        """A citizen who must still set up a second factor lands on that page."""
        if mfa_setup_pending(request.session, request.user) is not None:
            return reverse("mfa_index")
        return super().get_login_redirect_url(request)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        pending = mfa_setup_pending(request.session, user)
        if pending is not None and not is_headless_request(request):
            messages.warning(request, mfa_setup_notice(pending))
        return response


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    """allauth's only hook for a newly set-up factor (connected in ``PortalConfig.ready``)."""
    mfa_setup_record(request=request, authenticator=authenticator)
