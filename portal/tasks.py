"""Background work shared by all apps."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

# When the mail server is away or answers "try again later" (4xx), the e-mail
# is queued again after these delays (about a day in all), then given up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=16),
)


def is_transient(exc: BaseException) -> bool:
    """Worth another try later: no connection, a dropped one, or a 4xx answer.
    A 5xx answer (unknown recipient, refused sender) will not change."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    attachments: list[tuple[str, str, str]] | None = None,
    message_id: str | None = None,
    attempt: int = 0,
) -> None:
    """Send one e-mail outside the request. Callers build it with
    ``portal.mail.notice_mail`` and hand it over with ``portal.mail.mail_enqueue``:
    something is waiting and a link, no social data (Sozialgeheimnis); an
    attachment only where the recipient asked for it.

    ``message_id`` (``portal.mail.message_id``): the same header on a resend, for
    e-mails that must go out once. The task runs again when its worker died
    before recording it (``portal/workers.py``), so an e-mail the server had
    already accepted is sent twice, recognisably the same.

    A mail server that is away or says "later" (``is_transient``) gets the e-mail
    again after ``RETRY_DELAYS`` (``attempt`` counts them); a refusal (5xx) or the
    last attempt fails the task, logged."""
    headers = {"Message-ID": message_id} if message_id else None
    message = EmailMessage(subject=subject, body=body, to=to, headers=headers)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception as exc:
        if not is_transient(exc) or attempt >= len(RETRY_DELAYS) or not default_task_backend.supports_defer:
            logger.error("e-mail given up after %d attempts: %s", attempt + 1, type(exc).__name__)
            raise
        delay = RETRY_DELAYS[attempt]
        send_email.using(run_after=timezone.now() + delay).enqueue(
            to=to, subject=subject, body=body, attachments=attachments, message_id=message_id, attempt=attempt + 1
        )
        logger.warning("e-mail not sent (%s); queued again in %s", type(exc).__name__, delay)


@task()
def retention_run_task() -> dict:
    """Delete what is past its retention period (see portal/retention.py)."""
    from portal.retention import retention_run

    report = retention_run()
    return {"deleted": report.deleted, "failed": report.failed}
