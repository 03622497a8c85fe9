from django.core.management.base import BaseCommand

from video.tasks import purge_video_metadata


class Command(BaseCommand):
    help = "Delete video join/leave times older than the retention period (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the deletion to the background worker instead of running it."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = purge_video_metadata.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        deleted = purge_video_metadata.call()
        self.stdout.write(f"Deleted {deleted} video join/leave records.")
