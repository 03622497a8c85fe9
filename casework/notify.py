"""E-mails to the citizen from the staff side: a reference and a link, never
social data (Sozialgeheimnis). Sent after the commit through the task worker
(the document-request reminder: queued in the reminder's own transaction)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from applications.models import Application, DocumentRequest
from applications.services import application_link
from portal.mail import message_id
from portal.tasks import send_email


def _mail(application: Application, subject: str, body: str) -> dict:
    user = application.applicant
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        values = {"reference": application.reference, "link": application_link(application)}
        return {"to": [user.email], "subject": _(subject) % values, "body": _(body) % values}


def _send(application: Application, subject: str, body: str) -> None:
    mail = _mail(application, subject, body)
    transaction.on_commit(lambda: send_email.enqueue(**mail))


def notify_documents_requested(application: Application) -> None:
    _send(
        application,
        N_("Documents requested for your application %(reference)s"),
        N_(
            "The Jobcenter needs documents for your application %(reference)s.\n\n"
            "See what is needed and upload it here: %(link)s\n"
        ),
    )


def notify_document_request_reminder(request: DocumentRequest) -> None:
    """Queued in the caller's transaction, the one that stamps ``reminder_sent_at``:
    with the database task backend the stamp and the e-mail task commit together,
    so a worker killed in between leaves neither (not a stamp without an e-mail).
    The ``Message-ID`` is the request's, the same on a resend (portal/mail.py)."""
    mail = _mail(
        request.application,
        N_("Reminder: documents for your application %(reference)s"),
        N_(
            "The deadline for documents for your application %(reference)s is coming up.\n\n"
            "See what is still open here: %(link)s\n"
        ),
    )
    send_email.enqueue(**mail, message_id=document_request_reminder_message_id(request))


def document_request_reminder_message_id(request: DocumentRequest) -> str:
    return message_id("document-request-reminder", request.public_id)


def notify_decided(application: Application) -> None:
    _send(
        application,
        N_("Your application %(reference)s has been decided"),
        N_("The Jobcenter has decided on your application %(reference)s.\n\nRead the notice here: %(link)s\n"),
    )
