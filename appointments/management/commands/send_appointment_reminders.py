import time

from django.core.management.base import BaseCommand

from appointments.tasks import appointment_reminders_due


class Command(BaseCommand):
    help = "Send due appointment reminders (each once). With --loop, every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, loop=False, interval=60, **options):
        while True:
            sent = appointment_reminders_due.call()
            self.stdout.write(f"{sent} reminder(s) sent")
            if not loop:
                return
            time.sleep(max(interval, 5))
