from django.core.management.base import BaseCommand, CommandError

from portal.retention import retention_run
from portal.tasks import retention_run_task


class Command(BaseCommand):
    help = "Delete what is past its retention period: audit events, idempotency records, sessions, and each app's own."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the run to the background worker instead of running it here."
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = retention_run_task.enqueue()
            self.stdout.write(f"Enqueued retention run {result.id}.")
            return
        report = retention_run()
        for what, count in sorted(report.deleted.items()):
            self.stdout.write(f"{what}: {count} deleted")
        if not report.ok:
            raise CommandError(f"Retention steps failed: {', '.join(sorted(report.failed))} (see the log).")
