from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "video"
    verbose_name = _("Video counselling")

    def retention(self, now: datetime) -> dict[str, int]:
        """Join/leave times past ``VIDEO_METADATA_RETENTION`` (90 days)."""
        from video.services import video_metadata_purge

        return {"video.participations": video_metadata_purge(now=now)}

    def ready(self) -> None:
        from appointments.signals import appointment_changed
        from video.receivers import close_room_on_change

        appointment_changed.connect(close_room_on_change, dispatch_uid="video.close_room_on_change")
