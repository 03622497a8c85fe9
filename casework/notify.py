"""E-mails to the citizen from the staff side: a reference and a link, never
social data (Sozialgeheimnis). Sent after the commit through the task worker."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from applications.models import Application
from applications.services import application_link
from portal.tasks import send_email


def _send(application: Application, subject: str, body: str) -> None:
    user = application.applicant
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        values = {"reference": application.reference, "link": application_link(application)}
        subject_text = _(subject) % values
        body_text = _(body) % values
    to = [user.email]
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject_text, body=body_text))


def notify_documents_requested(application: Application) -> None:
    _send(
        application,
        N_("Documents requested for your application %(reference)s"),
        N_(
            "The Jobcenter needs documents for your application %(reference)s.\n\n"
            "See what is needed and upload it here: %(link)s\n"
        ),
    )


def notify_document_request_reminder(application: Application) -> None:
    _send(
        application,
        N_("Reminder: documents for your application %(reference)s"),
        N_(
            "The deadline for documents for your application %(reference)s is coming up.\n\n"
            "See what is still open here: %(link)s\n"
        ),
    )


def notify_decided(application: Application) -> None:
    _send(
        application,
        N_("Your application %(reference)s has been decided"),
        N_("The Jobcenter has decided on your application %(reference)s.\n\nRead the notice here: %(link)s\n"),
    )
