"""How the API knows who is asking: allauth's session, from the browser's
cookie or from an app's ``X-Session-Token`` header."""

from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's ``X-Session-Token`` authentication with a challenge.

    DRF answers 401 only when the first authentication class names a
    ``WWW-Authenticate`` challenge; without one every anonymous call would be
    a 403, and clients could not tell "log in" from "not allowed".
    """

    def authenticate_header(self, request) -> str:
        return 'Session realm="api", header="X-Session-Token"'


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the app clients' authentication."""

    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
