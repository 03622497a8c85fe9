"""The life of a login session: the idle timeout for people who work with
social data, and the end of every session whose account may no longer log in.

Browser sessions (cookie) are checked by ``StaffSessionMiddleware``; app
sessions (``X-Session-Token``) by ``PortalSessionTokenStrategy``, through which
allauth looks up every token: for our API and for allauth's own endpoints.
"""

from __future__ import annotations

import time

from allauth.headless.internal import sessionkit as headless_sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

LAST_ACTIVITY_KEY = "portal_last_activity"
# Write the timestamp at most this often, so that reads do not all become writes.
_TOUCH_EVERY = 30


def staff_session_alive(session) -> bool:
    """False when the session was idle longer than ``STAFF_IDLE_TIMEOUT``;
    otherwise record the activity and return True."""
    now = int(time.time())
    last = session.get(LAST_ACTIVITY_KEY)
    if last is not None and now - int(last) > settings.STAFF_IDLE_TIMEOUT:
        return False
    if last is None or now - int(last) >= _TOUCH_EVERY:
        session[LAST_ACTIVITY_KEY] = now
    return True


def session_still_valid(session: SessionBase, user) -> bool:
    """Whether a session may go on serving ``user`` (the user it resolves to,
    anonymous when Django's ``get_user`` refused it).

    A session that names a user who no longer resolves (deactivated or deleted
    account) is dead; so is an idle session of a counsellor, staff member or admin.
    The caller flushes dead sessions, so that re-activating the account does
    not bring them back.
    """
    if not user.is_authenticated:
        return SESSION_KEY not in session
    if user.needs_mfa:
        return staff_session_alive(session)
    return True


class PortalSessionTokenStrategy(SessionTokenStrategy):
    """allauth's session tokens, ended like browser sessions (idle timeout,
    deactivated accounts). allauth answers 410 for a dead token on its own
    endpoints; our API answers 401."""

    def lookup_session(self, session_token: str) -> SessionBase | None:
        # One query (allauth's strategy asks whether the session exists, then loads it).
        session = headless_sessionkit.lookup_session(session_token)
        if session is None or SESSION_KEY not in session:
            return session  # unknown, or a login still under way
        request = HttpRequest()
        request.session = session
        user = get_user(request)
        if not session_still_valid(session, user):
            session.flush()
            return None
        if session.modified:
            session.save()
        # The user this session resolved to, so that the API's authentication
        # (portal.api.authentication) does not load it a second time.
        session.portal_user = user
        return session
