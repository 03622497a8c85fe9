"""Signal receivers: thin, they call a service."""

from __future__ import annotations

import logging

from video.services import room_close_for_appointment

logger = logging.getLogger(__name__)


def close_room_on_change(sender, *, appointment, change: str, **kwargs) -> None:
    """A cancelled or rescheduled appointment's room closes at once.

    Sent on commit by appointments; a channel layer that is briefly away must
    not turn the cancellation into an error for the person who cancelled.
    """
    try:
        room_close_for_appointment(appointment=appointment, change=change)
    except Exception:
        logger.exception("Could not close the video room of appointment %s", appointment.public_id)
