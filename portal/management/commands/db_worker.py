"""django-tasks-db's worker, which first makes the tasks of dead workers run again.

This command takes the place of django-tasks-db's ``db_worker`` (``portal`` is
listed before ``django_tasks_db`` in INSTALLED_APPS), so every worker started
the documented way holds its liveness lock: a worker without it would look dead
to the others and have its running task requeued (portal/workers.py).
"""

from __future__ import annotations

import logging

from django_tasks_db.compat import task_started
from django_tasks_db.management.commands import db_worker

from portal.startup import freeze_heap
from portal.workers import tasks_of_dead_workers_requeue, worker_liveness_hold

logger = logging.getLogger("django_tasks_db")


class Command(db_worker.Command):
    help = (
        "Run a database background worker. It holds a liveness lock for its worker id and first "
        "requeues the tasks that dead workers left RUNNING (portal/workers.py)."
    )

    def handle(self, *args, worker_id: str, backend_name: str, verbosity: int, **options):
        self.configure_logging(verbosity)
        liveness = worker_liveness_hold(worker_id=worker_id)
        task_started.connect(liveness.ensure, weak=False, dispatch_uid="portal.workers.liveness")
        try:
            requeued = tasks_of_dead_workers_requeue(backend_name=backend_name)
            if requeued:
                logger.warning("Requeued %d task(s) of dead workers", len(requeued))
            # Loaded: out of the collector's sight before the first task (portal/startup.py).
            freeze_heap()
            super().handle(*args, worker_id=worker_id, backend_name=backend_name, verbosity=verbosity, **options)
        finally:
            liveness.release()
