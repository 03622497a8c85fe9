"""Logged-in API clients without going through the login flow for each of them.

``session_headers(user)`` writes the same session that allauth's headless
"app" login writes (user, backend, password hash, the authentication methods
used, MFA for roles that need it) and returns the ``X-Session-Token`` header
that carries it. tests/bench/test_auth.py checks that the API accepts it.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from portal.api.permissions import AUTHENTICATION_METHODS_SESSION_KEY
from portal.sessions import LAST_ACTIVITY_KEY

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def session_headers(user, *, mfa: bool | None = None) -> dict[str, str]:
    """``{"X-Session-Token": ...}`` for ``user``; ``mfa`` defaults to what the role needs."""
    user = type(user)._default_manager.get(pk=user.pk)  # the hash the server will check: from the stored row
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = time.time()
    methods = [{"method": "password", "at": now, "email": user.email}]
    if user.needs_mfa if mfa is None else mfa:
        methods.append({"method": "mfa", "at": now, "id": 0, "type": "totp"})
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[AUTHENTICATION_METHODS_SESSION_KEY] = methods
    store["account_authentication_methods_user"] = str(user.pk)
    store[LAST_ACTIVITY_KEY] = int(now)
    store.save()
    return {"X-Session-Token": store.session_key}


def session_cookie(user, *, session_key: str | None = None) -> dict[str, str]:
    """The same session as a web browser's cookie (``session_key``: one ``session_headers`` made)."""
    key = session_key or session_headers(user)["X-Session-Token"]
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"}
