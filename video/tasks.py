from django_tasks import task

from video.services import video_metadata_purge


@task()
def purge_video_metadata() -> int:
    """Delete join/leave times older than VIDEO_METADATA_RETENTION (90 days)."""
    return video_metadata_purge()
