"""gc.freeze() once the application is loaded, in every server and worker process (issue #18)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import startup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen(monkeypatch):
    monkeypatch.setattr(startup, "_frozen", False)
    yield
    gc.unfreeze()


def test_freeze_heap_moves_the_live_objects_into_the_permanent_generation(unfrozen):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    startup.freeze_heap()
    frozen = gc.get_freeze_count()
    assert frozen > 1000
    # Once per process: a second call does not freeze what requests made since.
    garbage = [[i] for i in range(500)]
    startup.freeze_heap()
    assert gc.get_freeze_count() == frozen
    del garbage


def test_the_asgi_module_freezes_the_loaded_application():
    """Every ASGI server process imports ``portal.asgi``: after the import the
    application's objects are frozen (a fresh interpreter, as a server starts one)."""
    code = (
        "import gc; assert gc.get_freeze_count() == 0; import portal.asgi; "
        "import django.urls; assert gc.is_tracked(portal.asgi.application); "
        "print(gc.get_freeze_count())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 50_000


def test_the_task_worker_freezes_before_it_runs_tasks(monkeypatch):
    from django_tasks_db.management.commands import db_worker as library

    from portal.management.commands import db_worker

    calls: list[str] = []

    class Liveness:
        def ensure(self, **kwargs):
            pass

        def release(self):
            calls.append("release")

    monkeypatch.setattr(db_worker, "worker_liveness_hold", lambda worker_id: calls.append("lock") or Liveness())
    monkeypatch.setattr(db_worker, "tasks_of_dead_workers_requeue", lambda backend_name: calls.append("requeue") or [])
    monkeypatch.setattr(db_worker, "freeze_heap", lambda: calls.append("freeze"))
    monkeypatch.setattr(library.Command, "handle", lambda self, *a, **kw: calls.append("run tasks"))
    db_worker.Command().handle(worker_id="w1", backend_name="default", verbosity=0)
    assert calls == ["lock", "requeue", "freeze", "run tasks", "release"]
