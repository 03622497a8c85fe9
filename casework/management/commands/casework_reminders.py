from django.core.management.base import BaseCommand

from casework.tasks import send_document_request_reminders


class Command(BaseCommand):
    help = "Queue the reminders for document requests that fall due soon (run daily; each request is reminded once)."

    def handle(self, *args, **options):
        result = send_document_request_reminders.enqueue()
        self.stdout.write(f"Queued reminder run {result.id}.")
