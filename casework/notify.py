"""E-mails to the citizen from the staff side. Each says only that something new
is waiting in the portal, with a link (portal/mail.py): not that documents are
asked for, not that the application was decided, no reference (Sozialgeheimnis).
Sent after the commit through the task worker (the document-request reminder:
queued in the reminder's own transaction)."""

from __future__ import annotations

from django.db import transaction

from applications.models import Application, DocumentRequest
from applications.services import application_notice
from portal.mail import Notice, mail_enqueue, message_id


def _send(application: Application) -> None:
    mail = application_notice(application)
    transaction.on_commit(lambda: mail_enqueue(mail))


def notify_documents_requested(application: Application) -> None:
    _send(application)


def notify_document_request_reminder(request: DocumentRequest) -> None:
    """Queued in the caller's transaction, the one that stamps ``reminder_sent_at``:
    with the database task backend the stamp and the e-mail task commit together,
    so a worker killed in between leaves neither (not a stamp without an e-mail).
    The ``Message-ID`` is the request's, the same on a resend (portal/mail.py)."""
    mail = application_notice(request.application, notice=Notice.REMINDER)
    mail_enqueue(mail, message_id=document_request_reminder_message_id(request))


def document_request_reminder_message_id(request: DocumentRequest) -> str:
    return message_id("document-request-reminder", request.public_id)


def notify_decided(application: Application) -> None:
    _send(application)
