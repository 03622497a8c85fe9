"""Background work shared by all apps."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(
    *, to: list[str], subject: str, body: str, attachments: list[tuple[str, str, str]] | None = None
) -> None:
    """Send one e-mail outside the request. Callers put no social data in it:
    a reference, a time, a place and a link at most (Sozialgeheimnis)."""
    message = EmailMessage(subject=subject, body=body, to=to)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


@task()
def retention_run_task() -> dict:
    """Delete what is past its retention period (see portal/retention.py)."""
    from portal.retention import retention_run

    report = retention_run()
    return {"deleted": report.deleted, "failed": report.failed}
