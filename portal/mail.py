"""Stable ``Message-ID``s for e-mails that must go out once.

SMTP has no two-phase commit: when a worker dies after the server accepted a
message but before the worker recorded it, the task runs again and the message
is sent a second time. A ``Message-ID`` derived from what the e-mail is about
(not from the host or the clock, as Django's default is) makes the second copy
the same message: mail servers and clients that collapse duplicates by
``Message-ID`` show it once, and an operator can tell a resend from a second
reminder. See docs/security.md, "Background worker killed".
"""

from __future__ import annotations

import hashlib
from email.utils import parseaddr

from django.conf import settings


def message_id(*parts: object) -> str:
    """``<hash.portal@domain>`` for the e-mail identified by ``parts``, e.g.
    ``("appointment-reminder", public_id, "day", start)``. The same parts give the
    same id on every host and in every run; the hash keeps ids out of headers."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{digest}.portal@{domain}>"
