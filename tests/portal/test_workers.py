"""Tasks that a dead worker left RUNNING run again (portal/workers.py).

A live worker is one whose advisory lock is held; here the lock is held by a
real second connection, and "dead" is a worker id whose lock nobody holds
(the fault test kills a real worker: tests/security/test_fault_worker.py).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from portal.tasks import send_email
from portal.workers import MAX_ATTEMPTS, tasks_of_dead_workers_requeue, worker_liveness_hold

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets its backends


def running(*worker_ids: str) -> DBTaskResult:
    result = send_email.enqueue(to=["olena@example.org"], subject="Erinnerung", body="…", message_id="<m@x>")
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = "RUNNING"
    row.worker_ids = list(worker_ids)
    row.save()
    return row


def test_it_requeues_the_task_of_a_dead_worker(database_backend):
    task = running("dead-worker")
    assert [row.pk for row in tasks_of_dead_workers_requeue()] == [task.pk]
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.worker_ids == ["dead-worker"]  # the history stays; the next claim appends


def test_it_leaves_the_task_of_a_live_worker_alone(database_backend):
    liveness = worker_liveness_hold(worker_id="live-worker")
    try:
        task = running("dead-worker", "live-worker")
        assert tasks_of_dead_workers_requeue() == []
        task.refresh_from_db()
        assert task.status == "RUNNING"
    finally:
        liveness.release()
    # The lock goes with the connection, as it does with a killed process.
    assert [row.pk for row in tasks_of_dead_workers_requeue()] == [task.pk]


def test_it_fails_a_task_that_killed_every_worker_that_ran_it(database_backend):
    task = running(*(f"worker-{n}" for n in range(MAX_ATTEMPTS)))
    tasks_of_dead_workers_requeue()
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "portal.workers.WorkerDied"
    assert "worker-0" in task.traceback


def test_it_refuses_a_second_live_worker_with_the_same_id():
    liveness = worker_liveness_hold(worker_id="twin")
    try:
        with pytest.raises(RuntimeError, match="unique"):
            worker_liveness_hold(worker_id="twin")
    finally:
        liveness.release()


def test_it_requeues_from_the_command(database_backend, capsys):
    task = running("dead-worker")
    call_command("recover_tasks")
    assert "1 task(s) of dead workers requeued" in capsys.readouterr().out
    task.refresh_from_db()
    assert task.status == "READY"


def test_it_takes_the_lock_again_when_its_connection_was_lost(database_backend):
    """A database restart ends the lock's session; the worker takes the lock again before its next task."""
    from django.db import connection

    liveness = worker_liveness_hold(worker_id="restarted-db")
    try:
        with liveness.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])  # waits until it is gone
        task = running("restarted-db")
        liveness.ensure()
        assert tasks_of_dead_workers_requeue() == []  # live again
        task.refresh_from_db()
        assert task.status == "RUNNING"
    finally:
        liveness.release()
