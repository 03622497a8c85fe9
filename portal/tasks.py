"""Background work shared by all apps."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    attachments: list[tuple[str, str, str]] | None = None,
    message_id: str | None = None,
) -> None:
    """Send one e-mail outside the request. Callers put no social data in it:
    a reference, a time, a place and a link at most (Sozialgeheimnis).

    ``message_id`` (``portal.mail.message_id``): the same header on a resend, for
    e-mails that must go out once. The task runs again when its worker died
    before recording it (``portal/workers.py``), so an e-mail the server had
    already accepted is sent twice, recognisably the same."""
    headers = {"Message-ID": message_id} if message_id else None
    message = EmailMessage(subject=subject, body=body, to=to, headers=headers)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


@task()
def retention_run_task() -> dict:
    """Delete what is past its retention period (see portal/retention.py)."""
    from portal.retention import retention_run

    report = retention_run()
    return {"deleted": report.deleted, "failed": report.failed}
