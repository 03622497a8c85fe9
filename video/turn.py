"""STUN/TURN servers for the browser, with coturn's REST credentials.

coturn (``use-auth-secret`` with ``static-auth-secret``) accepts
``username = "<expiry unix time>:<anything>"`` with
``credential = base64(HMAC-SHA1(secret, username))`` until the expiry time.
"<anything>" is the room pseudonym of the participant: never a name, an
e-mail address or a customer number, because coturn logs usernames.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from video.conf import conf


def turn_credentials(*, secret: str, pseudonym: str, expires_at: datetime) -> tuple[str, str]:
    username = f"{int(expires_at.timestamp())}:{pseudonym}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(*, pseudonym: str, expires_at: datetime) -> list[dict]:
    """The ``iceServers`` of an ``RTCPeerConnection``: STUN as configured, and
    TURN with credentials valid until ``expires_at`` (the room's closes_at)."""
    servers: list[dict] = []
    if conf.STUN_URLS:
        servers.append({"urls": list(conf.STUN_URLS)})
    if conf.TURN_URLS and conf.TURN_SECRET:
        username, credential = turn_credentials(secret=conf.TURN_SECRET, pseudonym=pseudonym, expires_at=expires_at)
        servers.append({"urls": list(conf.TURN_URLS), "username": username, "credential": credential})
    return servers
