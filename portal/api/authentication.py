"""How the API knows who is asking: allauth's session, from the browser's
cookie or from an app's ``X-Session-Token`` header."""

from __future__ import annotations

from allauth.core.internal.sessionkit import get_session_user
from allauth.headless import app_settings as headless_settings
from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's ``X-Session-Token`` authentication with a challenge.

    DRF answers 401 only when the first authentication class names a
    ``WWW-Authenticate`` challenge; without one every anonymous call would be
    a 403, and clients could not tell "log in" from "not allowed".
    """

    def authenticate(self, request):
        """allauth's lookup, taking the user the token strategy has already
        resolved (``portal.sessions.PortalSessionTokenStrategy``) instead of
        loading it again: one session read and one user read per request."""
        token = self.get_session_token(request)
        if not token:
            return None
        session = headless_settings.TOKEN_STRATEGY.lookup_session(token)
        if not session:
            return None
        user = getattr(session, "portal_user", None) or get_session_user(session)
        if user is None or not user.is_authenticated:
            return None
        return (user, session)

    def authenticate_header(self, request) -> str:
        return 'Session realm="api", header="X-Session-Token"'


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the app clients' authentication."""

    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
