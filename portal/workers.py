"""Tasks of a dead worker run again.

django-tasks-db claims a task by setting it RUNNING (committed), runs it
outside any transaction, then records SUCCESSFUL or FAILED. A worker killed in
between (SIGKILL, OOM, power) leaves the task RUNNING for ever: nothing in the
library looks at it again, so an e-mail in flight is lost.

1. Every worker (``manage.py db_worker``, ours: portal/management/commands/)
   holds a PostgreSQL session-level advisory lock derived from its worker id,
   on a connection of its own, before it claims anything. PostgreSQL releases
   the lock when the process dies and its connection closes. Before each task
   the worker checks that connection and takes the lock again if it was lost.
2. ``tasks_of_dead_workers_requeue`` locks the RUNNING rows (``SKIP LOCKED``:
   not a claim still in progress), then reads which worker locks are held. A
   RUNNING task whose claiming worker holds no lock belongs to a dead worker:
   it is set READY again and the next free worker runs it. Reading the locks
   after the rows matters: a worker takes its lock before its first claim, so a
   row seen RUNNING was claimed under a lock that is either still held or gone.
3. A worker runs step 2 when it starts; ``manage.py recover_tasks`` runs it on
   its own (cron) for a pool whose surviving workers keep running.
4. A task that has already killed ``MAX_ATTEMPTS`` workers is set FAILED
   instead (a task that kills its worker every time must not stop the queue).

Tasks are therefore run at least once. Ours are written for that: the reminder
and confirmation tasks claim their marker with a compare-and-swap, and
``send_email`` carries a stable ``Message-ID`` (portal/mail.py). The one window
that remains is SMTP's own: the server accepted the message and the worker died
before it recorded the task, so the message goes out twice with the same
``Message-ID`` (docs/security.md, "Background worker killed").

PostgreSQL only (like ``SKIP LOCKED``); on SQLite (development) nothing is requeued.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# The first key of the two-key advisory lock: "task" in ASCII. The second is the worker's.
LOCK_CLASS = 0x7461736B
MAX_ATTEMPTS = 3


class WorkerDied(Exception):
    """Recorded on a task that killed its worker ``MAX_ATTEMPTS`` times."""


def _alias() -> str:
    return router.db_for_write(DBTaskResult)


def _on_postgresql(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def worker_lock_key(worker_id: str) -> int:
    """A non-negative 31-bit key (pg_locks shows the key as an unsigned oid)."""
    return int.from_bytes(hashlib.sha256(worker_id.encode()).digest()[:4], "big") & 0x7FFFFFFF


def _unpooled_connection(alias: str):
    """A connection that really closes: a pooled one (``DB_POOL``) would go back to
    the pool on ``close()`` still holding the session's advisory lock."""
    connection = connections.create_connection(alias)
    options = {k: v for k, v in connection.settings_dict.get("OPTIONS", {}).items() if k != "pool"}
    connection.settings_dict = {**connection.settings_dict, "OPTIONS": options}
    return connection


@dataclass
class WorkerLiveness:
    """The lock that says "worker ``worker_id`` is alive", on a connection of its own
    (the worker's own connection is closed between tasks by ``close_old_connections``)."""

    worker_id: str
    alias: str
    connection: object | None = None

    def hold(self) -> WorkerLiveness:
        if not _on_postgresql(self.alias):
            return self
        self.connection = _unpooled_connection(self.alias)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, worker_lock_key(self.worker_id)])
            (taken,) = cursor.fetchone()
        if not taken:
            self.release()
            raise RuntimeError(f"Another live worker has the id {self.worker_id!r}; worker ids must be unique.")
        return self

    def ensure(self, **_signal) -> None:
        """Before each task (``task_started``): if the lock's connection was lost (a
        database restart), take the lock again. Until then the worker looked dead and
        a recovery elsewhere may have requeued its task: run at least once, as above."""
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.warning("Worker %s lost its liveness lock; taking it again", self.worker_id)
            self.release()
            try:
                self.hold()
            except (DatabaseError, RuntimeError):
                logger.exception("Worker %s could not take its liveness lock again", self.worker_id)

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except DatabaseError:
                pass  # already gone, and the lock with it
            self.connection = None


def worker_liveness_hold(*, worker_id: str) -> WorkerLiveness:
    return WorkerLiveness(worker_id=worker_id, alias=_alias()).hold()


def _live_worker_keys(alias: str) -> set[int]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s"
            " AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_CLASS],
        )
        return {row[0] for row in cursor.fetchall()}


def tasks_of_dead_workers_requeue(*, backend_name: str | None = None) -> list[DBTaskResult]:
    """Set the RUNNING tasks of dead workers READY again (FAILED after ``MAX_ATTEMPTS``
    dead workers); returns them. See the module docstring for why the order is safe."""
    alias = _alias()
    if not _on_postgresql(alias):
        return []
    with transaction.atomic(using=alias):
        running = DBTaskResult.objects.using(alias).running()
        if backend_name:
            running = running.filter(backend_name=backend_name)
        rows = list(running.select_for_update(skip_locked=True))
        if not rows:
            return []
        live = _live_worker_keys(alias)
        dead = [row for row in rows if not row.worker_ids or worker_lock_key(row.worker_ids[-1]) not in live]
        for row in dead:
            tasks = DBTaskResult.objects.using(alias).filter(pk=row.pk)
            if len(row.worker_ids) >= MAX_ATTEMPTS:
                tasks.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                    traceback=f"WorkerDied: {len(row.worker_ids)} workers died running this task: {row.worker_ids}",
                )
                logger.error("Task %s (%s) killed %d workers; set FAILED", row.id, row.task_path, len(row.worker_ids))
            else:
                tasks.update(status=TaskResultStatus.READY)
                logger.warning("Task %s (%s) of dead worker %s requeued", row.id, row.task_path, row.worker_ids[-1:])
    return dead
