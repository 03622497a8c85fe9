"""Idle timeout for the sessions of people who work with social data."""

from __future__ import annotations

import time

from django.conf import settings

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
