"""send_email when the mail server is away: queued again later, then delivered once."""

from __future__ import annotations

import importlib.util
import json
import smtplib
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.mail import message_id
from portal.tasks import RETRY_DELAYS, is_transient, send_email
from tests.conftest import missing
from tests.security.services import ROOT, free_port, port_open, stop_group, wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """The production e-mail path: SMTP to 127.0.0.1 and the database task queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets its backends
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    return settings


def start_sink(port: int, log) -> subprocess.Popen:
    if importlib.util.find_spec("aiosmtpd") is None:
        missing("needs aiosmtpd (pip install -r requirements-dev.txt)")
    log.touch()
    command = [sys.executable, "-m", "tests.security.smtp_sink", "--port", str(port), "--log", str(log)]
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    wait_for(lambda: port_open(port), timeout=30, what="the SMTP sink listening")
    return proc


def test_it_queues_the_email_again_while_the_server_is_away_and_delivers_it_once_it_is_back(smtp, tmp_path):
    reminder = message_id("test-reminder", "a1")
    before = timezone.now()

    send_email.call(to=["olena@example.org"], subject="Erinnerung", body="Ihr Termin morgen.", message_id=reminder)

    (retry,) = DBTaskResult.objects.all()
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"]["attempt"] == 1
    assert retry.args_kwargs["kwargs"]["message_id"] == reminder
    assert before + RETRY_DELAYS[0] <= retry.run_after <= timezone.now() + RETRY_DELAYS[0]

    log = tmp_path / "received.jsonl"
    sink = start_sink(smtp.EMAIL_PORT, log)
    try:
        send_email.call(**retry.args_kwargs["kwargs"])  # what the worker runs once run_after has come
    finally:
        stop_group(sink)
    received = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["message_id"], r["to"]) for r in received] == [(reminder, ["olena@example.org"])]
    assert DBTaskResult.objects.count() == 1  # delivered: nothing queued again


def test_it_gives_up_after_the_last_attempt(smtp):
    with pytest.raises(ConnectionRefusedError):
        send_email.call(to=["olena@example.org"], subject="x", body="y", attempt=len(RETRY_DELAYS))
    assert not DBTaskResult.objects.exists()


def test_it_spans_about_a_day_before_giving_up():
    assert timedelta(hours=20) <= sum(RETRY_DELAYS, timedelta()) <= timedelta(hours=30)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPDataError(451, b"try later"), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
    ],
)
def test_it_retries_only_what_may_change(exc, transient):
    assert is_transient(exc) is transient
