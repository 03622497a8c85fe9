from django.core.management.base import BaseCommand
from django.db import connections, router
from django_tasks_db.models import DBTaskResult

from portal.workers import tasks_of_dead_workers_requeue


class Command(BaseCommand):
    help = (
        "Requeue the tasks that dead workers left RUNNING (a worker does this when it starts; "
        "run this from cron when a pool of workers keeps running). PostgreSQL only."
    )

    def handle(self, *args, **options):
        if connections[router.db_for_write(DBTaskResult)].vendor != "postgresql":
            self.stdout.write("Nothing done: finding dead workers needs PostgreSQL (advisory locks).")
            return
        requeued = tasks_of_dead_workers_requeue()
        self.stdout.write(f"{len(requeued)} task(s) of dead workers requeued.")
