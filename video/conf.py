"""Settings of video counselling, with their defaults.

Each one can be set in Django settings (``VIDEO_...``) and is read here with
``getattr(settings, "NAME", default)``, like every app's ``conf.py``. The
deployment-specific ones (STUN/TURN servers, the TURN secret, limits) come from
the environment in ``portal/settings.py``, so that a Jobcenter configures its
coturn without touching code. Read lazily (``conf.OPENS_BEFORE``) so tests can
override settings; 0 is a value, not "unset".
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from appointments import conf as appointments_conf


class _VideoConf:
    @property
    def OPENS_BEFORE(self) -> timedelta:
        """The room opens this long before the appointment starts (the rule lives in
        ``appointments.conf``: the portal's overview shows the join button by it too)."""
        return appointments_conf.video_opens_before()

    @property
    def CLOSES_AFTER(self) -> timedelta:
        """The room closes this long after the appointment ends."""
        return appointments_conf.video_closes_after()

    @property
    def TOKEN_TTL(self) -> timedelta:
        """A room token must be used within this time (the client fetches a new one per connection)."""
        return getattr(settings, "VIDEO_TOKEN_TTL", timedelta(minutes=5))

    @property
    def STUN_URLS(self) -> list[str]:
        return getattr(settings, "VIDEO_STUN_URLS", [])

    @property
    def TURN_URLS(self) -> list[str]:
        """e.g. ``turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349?transport=tcp``"""
        return getattr(settings, "VIDEO_TURN_URLS", [])

    @property
    def TURN_SECRET(self) -> str:
        """coturn's ``static-auth-secret`` (``use-auth-secret``)."""
        return getattr(settings, "VIDEO_TURN_SECRET", "")

    @property
    def CHECK_MAX_CONCURRENT(self) -> int:
        """Device checks one server process runs at the same time (each is an aiortc peer)."""
        return getattr(settings, "VIDEO_CHECK_MAX_CONCURRENT", 2)

    @property
    def CHECK_DURATION(self) -> timedelta:
        return getattr(settings, "VIDEO_CHECK_DURATION", timedelta(seconds=60))

    @property
    def CHECK_RESULT_TTL(self) -> timedelta:
        return getattr(settings, "VIDEO_CHECK_RESULT_TTL", timedelta(minutes=10))

    @property
    def METADATA_RETENTION(self) -> timedelta:
        """Join/leave times are deleted after this (KBV Anlage 31b: 3 months at the latest)."""
        return getattr(settings, "VIDEO_METADATA_RETENTION", timedelta(days=90))

    @property
    def MAX_FRAME_BYTES(self) -> int:
        return getattr(settings, "VIDEO_MAX_FRAME_BYTES", 64 * 1024)

    @property
    def RATE_PER_SECOND(self) -> float:
        """Signalling messages per second a socket may send on average ..."""
        return getattr(settings, "VIDEO_RATE_PER_SECOND", 20.0)

    @property
    def RATE_BURST(self) -> int:
        """... and at once (a browser sends a burst of ICE candidates when it starts)."""
        return getattr(settings, "VIDEO_RATE_BURST", 60)

    @property
    def MAX_VIOLATIONS(self) -> int:
        """Refused messages within ``VIOLATION_WINDOW`` before the socket is closed."""
        return getattr(settings, "VIDEO_MAX_VIOLATIONS", 5)

    @property
    def VIOLATION_WINDOW(self) -> float:
        return getattr(settings, "VIDEO_VIOLATION_WINDOW", 60.0)

    @property
    def PRESENCE_TTL(self) -> int:
        """Seconds after which a participant whose server process vanished counts as gone."""
        return getattr(settings, "VIDEO_PRESENCE_TTL", 45)

    @property
    def HEARTBEAT(self) -> float:
        """Seconds between presence refreshes; also how soon an idle socket notices that Redis went away."""
        return getattr(settings, "VIDEO_HEARTBEAT", 15)


conf = _VideoConf()
