from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.models import IdempotencyRecord


class Command(BaseCommand):
    help = "Delete Idempotency-Key records past their lifetime (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} idempotency records older than {cutoff:%Y-%m-%d %H:%M} UTC.")
