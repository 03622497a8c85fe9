from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "video"
    verbose_name = _("Video counselling")

    def ready(self) -> None:
        from appointments.signals import appointment_changed
        from video.receivers import close_room_on_change

        appointment_changed.connect(close_room_on_change, dispatch_uid="video.close_room_on_change")
