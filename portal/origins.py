"""The origins a browser may open the portal's WebSockets from.

A WebSocket is not bound by the same-origin policy, and the browser sends the
session cookie with it: the Origin header is the only thing that tells the
portal's own pages from a page elsewhere that opens a socket in the visitor's
name (cross-site WebSocket hijacking). Channels' ``AllowedHostsOriginValidator``
compares host names only, so ``http://127.0.0.1:9999`` passed for a portal on
port 8000, and ``http`` for an ``https`` portal. Here scheme, host and port must
all match one of the configured public origins: the origin of ``PUBLIC_BASE_URL``
and each of ``CSRF_TRUSTED_ORIGINS`` (the origins already trusted to post forms).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL (no path), lower-cased."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


def websocket_origins() -> list[str]:
    """Patterns for Channels' ``OriginValidator``: scheme, host and port compared.

    A trusted origin with a wildcard (``https://*.example.org``, Django's CSRF syntax)
    becomes Channels' ``https://.example.org`` (the domain and its subdomains)."""
    origins = [origin_of(settings.PUBLIC_BASE_URL)]
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        origin = origin_of(trusted).replace("://*.", "://.")
        if origin not in origins:
            origins.append(origin)
    return origins
