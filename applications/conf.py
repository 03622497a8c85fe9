"""Settings of the application feature, with defaults.

Read at call time (not import time) so a deployment or a test can change them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


class _Settings:
    @property
    def COMPLETE_WITHIN(self) -> timedelta:
        """Time from lodging to the completion deadline (``complete_by``)."""
        return timedelta(days=getattr(settings, "APPLICATION_COMPLETE_WITHIN_DAYS", 28))

    @property
    def UPLOAD_MAX_BYTES(self) -> int:
        return int(getattr(settings, "APPLICATION_UPLOAD_MAX_BYTES", 15 * 1024 * 1024))

    @property
    def MESSAGE_MAX_LENGTH(self) -> int:
        return int(getattr(settings, "APPLICATION_MESSAGE_MAX_LENGTH", 5000))

    @property
    def DECISION_DEADLINE_MONTHS(self) -> int:
        """§88 SGG: a citizen may sue for inaction after this many months (queue issue)."""
        return int(getattr(settings, "APPLICATION_DECISION_DEADLINE_MONTHS", 6))

    @property
    def DOCUMENT_REQUEST_DEADLINE(self) -> timedelta:
        return timedelta(days=getattr(settings, "APPLICATION_DOCUMENT_REQUEST_DEADLINE_DAYS", 14))

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
