"""Background work of the staff side. Run ``manage.py casework_reminders`` daily
(cron or a systemd timer); it enqueues the task for the worker."""

from __future__ import annotations

from django_tasks import task

from casework.services import document_request_reminders_send


@task()
def send_document_request_reminders() -> int:
    """Remind citizens of document requests that fall due soon (each request once)."""
    return document_request_reminders_send()
