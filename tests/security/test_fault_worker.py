"""The background worker is killed in the middle of sending reminders.

1. 40 appointments and 40 document requests have a reminder due. The two
   sweeps run the production way (``manage.py casework_reminders`` queues its
   sweep for the worker; ``manage.py send_appointment_reminders`` sweeps in
   place): each reminder's marker and its ``send_email`` task commit together.
2. A real worker (``manage.py db_worker``, DEBUG off, database task backend)
   sends them through a real SMTP server (``tests/security/smtp_sink.py``,
   aiosmtpd in its own process), which holds one message part-way through.
3. The worker is killed with SIGKILL while it waits on that message: either
   before the server accepted it, or after the server accepted it but before
   the worker heard so (the one window SMTP leaves open).
4. A new worker starts, requeues the dead worker's task and drains the queue.
5. Every reminder reached the server, once by its Message-ID; in the second
   case the held message exactly twice, both copies with the same Message-ID.
   The markers in the database agree, and there is one e-mail task per reminder.

The machine's PostgreSQL (the test database, committed rows: transactional
test), processes started here only, each stopped by its own process group.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from applications.constants import DocumentRequestStatus
from applications.models import DocumentRequest
from appointments.models import Appointment
from appointments.tasks import reminder_message_id
from casework.deadlines import berlin_date
from casework.notify import document_request_reminder_message_id
from tests.appointments.factories import AppointmentFactory
from tests.casework.factories import ApplicationFactory
from tests.conftest import missing
from tests.security.services import ROOT, free_port, manage, port_open, portal_env, stop_group, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

N = 40
HOLD_AT = 60  # the 20th document-request reminder: the worker has sent 59 messages
SEND_EMAIL = "portal.tasks.send_email"


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def seed() -> dict[str, str]:
    """N appointments with the day reminder due and N document requests due soon;
    returns {recipient: expected Message-ID} (one reminder per recipient)."""
    expected = {}
    now = timezone.now().replace(microsecond=0)
    for number in range(N):
        start = now + timedelta(hours=2, minutes=30 * number)
        appointment = AppointmentFactory(start=start)
        Appointment.objects.filter(pk=appointment.pk).update(created_at=start - timedelta(days=3))
        expected[appointment.citizen.email] = reminder_message_id(appointment, kind="day")
    for _ in range(N):
        request = DocumentRequest.objects.create(
            application=ApplicationFactory(),
            description="Kontoauszüge",
            legal_basis="§60 SGB I",
            consequences_text="…",
            consequences_version="1",
            deadline=berlin_date(timezone.now()) + timedelta(days=1),
            status=DocumentRequestStatus.OPEN,
        )
        expected[request.application.applicant.email] = document_request_reminder_message_id(request)
    return expected


class Sink:
    def __init__(self, folder: Path, *, hold_mode: str):
        self.port = free_port()
        self.log = folder / "received.jsonl"
        self.log.touch()
        self.holding = folder / "received.jsonl.holding"
        self.release = folder / "received.jsonl.release"
        command = [sys.executable, "-m", "tests.security.smtp_sink", "--port", str(self.port), "--log", str(self.log)]
        command += ["--delay", "0.02", "--hold-at", str(HOLD_AT), "--hold-mode", hold_mode]
        self.proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stderr=(folder / "sink.err").open("w"))
        wait_for(lambda: port_open(self.port), timeout=30, what="the SMTP sink listening")

    def received(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def queue_drained() -> bool:
    return not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


@pytest.mark.parametrize("hold_mode", ["before-accept", "after-accept"])
def test_it_sends_every_reminder_once_after_the_worker_is_killed_mid_batch(tmp_path, hold_mode):
    if importlib.util.find_spec("aiosmtpd") is None:
        missing("needs aiosmtpd (pip install -r requirements-dev.txt)")
    expected = seed()
    sink = Sink(tmp_path, hold_mode=hold_mode)
    env = portal_env(
        database_url=database_url(),
        redis_url="",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        EMAIL_USE_TLS="false",
        TASKS_IMMEDIATE="false",
        LOG_LEVEL="INFO",
    )
    worker_log = tmp_path / "worker.log"
    workers = []
    try:
        manage(
            env,
            "shell",
            "-c",
            "from django.core.management import call_command as c\n"
            "c('casework_reminders')\nc('send_appointment_reminders')",
        )
        workers.append(start_worker(env, worker_log))
        held = json.loads(
            wait_for(
                lambda: sink.holding.exists() and sink.holding.read_text(),
                timeout=180,
                what="the worker reaching the held message",
            )
        )
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        sink.release.touch()

        # The dead worker's e-mail task is stuck: without recovery it is lost.
        [stuck] = DBTaskResult.objects.filter(status="RUNNING")
        assert stuck.task_path == SEND_EMAIL and stuck.args_kwargs["kwargs"]["message_id"] == held["message_id"]
        # Record before: every marker is set together with its queued e-mail, nothing more.
        assert Appointment.objects.exclude(reminder_sent_for=None).count() == N
        assert DocumentRequest.objects.exclude(reminder_sent_at=None).count() == N
        assert DBTaskResult.objects.filter(task_path=SEND_EMAIL).count() == 2 * N

        workers.append(start_worker(env, worker_log))
        wait_for(queue_drained, timeout=90, what="the new worker draining the queue")
    finally:
        for proc in workers:
            stop_group(proc)
        stop_group(sink.proc)

    received = sink.received()
    by_id = Counter(r["message_id"] for r in received)
    assert set(by_id) == set(expected.values())  # every reminder arrived, nothing else did
    for message in received:  # each to its own citizen
        [to] = message["to"]
        assert expected[to] == message["message_id"]
    if hold_mode == "before-accept":
        assert all(count == 1 for count in by_id.values()), by_id.most_common(3)
    else:
        # The window SMTP leaves open: accepted, then the worker died before recording it.
        # The resend is the same message (same Message-ID); every other reminder went once.
        assert by_id[held["message_id"]] == 2
        assert all(count == 1 for mid, count in by_id.items() if mid != held["message_id"])
    assert len(received) == 2 * N + (hold_mode == "after-accept")

    # The database agrees: markers set for the start they were sent for, one task per
    # reminder, all SUCCESSFUL; the requeued one ran under both workers.
    assert not Appointment.objects.exclude(reminder_sent_for=F("start")).exists()
    assert DocumentRequest.objects.filter(reminder_sent_at=None).count() == 0
    tasks = DBTaskResult.objects.filter(task_path=SEND_EMAIL)
    assert tasks.count() == 2 * N
    assert set(tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
    stuck.refresh_from_db()
    assert stuck.status == "SUCCESSFUL" and len(stuck.worker_ids) == 2
    assert "requeued" in worker_log.read_text()
