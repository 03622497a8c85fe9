"""Settings of the application feature, with defaults.

Read at call time (not import time) so a deployment or a test can change them.
Like every app's ``conf.py``: ``getattr(settings, "NAME", default)``, nothing else
(the environment is read in ``portal/settings.py`` only; 0 is a value, not "unset").
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


class _Settings:
    @property
    def COMPLETE_WITHIN(self) -> timedelta:
        """Time from lodging to the completion deadline (``complete_by``)."""
        return timedelta(days=int(getattr(settings, "APPLICATION_COMPLETE_WITHIN_DAYS", 28)))

    @property
    def UPLOAD_MAX_BYTES(self) -> int:
        return int(getattr(settings, "APPLICATION_UPLOAD_MAX_BYTES", 15 * 1024 * 1024))

    @property
    def UPLOAD_MAX_PIXELS(self) -> int:
        """Largest image (width x height) accepted. A small PNG can declare
        gigapixels (a decompression bomb); 100 MP covers an A3 page at 600 dpi
        and the largest phone cameras' usual modes."""
        return int(getattr(settings, "APPLICATION_UPLOAD_MAX_PIXELS", 100_000_000))

    # Virus scanning through clamd (Debian ``clamav-daemon``). Switched on in
    # production by the environment (APPLICATION_VIRUS_SCAN=true); when it is on
    # and clamd cannot answer, uploads are refused (fail closed), never stored unscanned.
    @property
    def VIRUS_SCAN(self) -> bool:
        return bool(getattr(settings, "APPLICATION_VIRUS_SCAN", False))

    @property
    def CLAMD_ADDRESS(self) -> str:
        """``/run/clamav/clamd.ctl`` (a Unix socket: clamd's ``LocalSocket``) or
        ``tcp://host:port`` (``TCPSocket``/``TCPAddr``)."""
        return str(getattr(settings, "APPLICATION_CLAMD_ADDRESS", "/run/clamav/clamd.ctl"))

    @property
    def CLAMD_TIMEOUT(self) -> float:
        """Seconds each socket operation with clamd may take."""
        return float(getattr(settings, "APPLICATION_CLAMD_TIMEOUT", 30))

    @property
    def DRAFT_RETENTION(self) -> timedelta:
        """A draft never lodged is deleted this long after its last change (retention run)."""
        return timedelta(days=int(getattr(settings, "APPLICATION_DRAFT_RETENTION_DAYS", 30)))

    @property
    def ORPHAN_FILE_MIN_AGE(self) -> timedelta:
        """Stored uploads without a Document row are deleted once this old; younger
        ones may belong to an upload whose transaction has not committed yet."""
        return timedelta(hours=int(getattr(settings, "APPLICATION_ORPHAN_FILE_MIN_AGE_HOURS", 24)))

    @property
    def MESSAGE_MAX_LENGTH(self) -> int:
        return int(getattr(settings, "APPLICATION_MESSAGE_MAX_LENGTH", 5000))

    @property
    def MESSAGE_MAX_ATTACHMENTS(self) -> int:
        """Files one Postfach message may carry (all of them within one request's upload cap)."""
        return int(getattr(settings, "APPLICATION_MESSAGE_MAX_ATTACHMENTS", 5))

    @property
    def DECISION_DEADLINE_MONTHS(self) -> int:
        """§88 SGG: a citizen may sue for inaction after this many months (queue issue)."""
        return int(getattr(settings, "APPLICATION_DECISION_DEADLINE_MONTHS", 6))

    @property
    def DOCUMENT_REQUEST_DEADLINE(self) -> timedelta:
        return timedelta(days=int(getattr(settings, "APPLICATION_DOCUMENT_REQUEST_DEADLINE_DAYS", 14)))

    @property
    def PDF_FONTS(self) -> list[str]:
        """TrueType fonts tried in order for the receipt; they must cover Cyrillic
        (Ukrainian names). Debian: ``fonts-dejavu-core``."""
        return list(
            getattr(
                settings,
                "APPLICATION_PDF_FONTS",
                [
                    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                ],
            )
        )


app_settings = _Settings()
