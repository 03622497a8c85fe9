"""What the portal's e-mails say, and stable ``Message-ID``s for those that must go out once.

**No social data in a mailbox** (Sozialgeheimnis, §35 SGB I). Whoever sees a
mailbox, a mail server's log or a notification on a locked phone must not learn
that the person receives benefits, how their case stands, what an appointment is
about or when it is. So every e-mail the portal sends is a *notice*
(``notice_mail``): something is waiting, here is the link, please log in. It
names no benefit, reference, topic, person, amount, date or time; the link holds
an opaque id at most. The Jobcenter's name signs it. A calendar file goes along
only where the citizen chose it (``User.email_calendar_attachment``), with a
neutral title (``appointments/ics.py``). allauth's own e-mails (codes) carry
nothing of a case. ``tests/security/test_email_contents.py`` renders every e-mail
in de, en and uk and checks it against the data of its case.

**Message-IDs.** SMTP has no two-phase commit: when a worker dies after the
server accepted a message but before the worker recorded it, the task runs again
and the message is sent a second time. A ``Message-ID`` derived from what the
e-mail is about (not from the host or the clock, as Django's default is) makes
the second copy the same message: mail servers and clients that collapse
duplicates by ``Message-ID`` show it once, and an operator can tell a resend from
a second reminder. See docs/security.md, "Background worker killed".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.utils import parseaddr
from enum import StrEnum

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from portal.tasks import send_email

PORTAL_NAME = "jobcenter digital"


class Notice(StrEnum):
    """The few things an e-mail may say."""

    NEWS = "news"  # something new is waiting: a message, a request, a decision, an appointment
    REMINDER = "reminder"  # something waiting is due soon
    VIDEO_SOON = "video_soon"  # the citizen's video room opens soon (the join link)
    GUEST = "guest"  # a guest (e.g. an interpreter) is invited into a video room
    FEEDBACK = "feedback"  # to the Jobcenter: someone reported a barrier (the text stays in the portal)


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    body: str
    attachments: list[tuple[str, str, str]] = field(default_factory=list)


def mail_language(user=None, *, language: str = "") -> str:
    """The language to write to a person in: their preferred one (a guest's as
    given) if the portal speaks it, German otherwise; never the language of
    whoever caused the e-mail."""
    wanted = language or getattr(user, "preferred_language", "") or ""
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def portal_url(path: str) -> str:
    """An absolute link into the portal (``PUBLIC_BASE_URL`` + ``path``)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _texts(notice: Notice) -> tuple[str, str]:
    if notice == Notice.REMINDER:
        return (
            _("Reminder: something is waiting for you in the jobcenter digital portal"),
            _(
                "Hello,\n\n"
                "this is a reminder: something in the jobcenter digital portal is due soon. "
                "Please log in to see it:\n%(link)s\n\n"
                "For your privacy this e-mail does not say what it is about.\n"
            ),
        )
    if notice == Notice.VIDEO_SOON:
        return (
            _("Your video appointment in the jobcenter digital portal opens soon"),
            _(
                "Hello,\n\n"
                "your video appointment opens soon. Join here (you may be asked to log in):\n%(link)s\n\n"
                "Please use a current browser and allow camera and microphone.\n"
            ),
        )
    if notice == Notice.FEEDBACK:
        return (
            _("New accessibility feedback in the jobcenter digital portal"),
            _(
                "Hello,\n\n"
                "someone has reported a barrier through the accessibility statement. "
                "Please read the feedback in the portal's administration and answer within six weeks "
                "(BITV 2.0 §7):\n%(link)s\n"
            ),
        )
    if notice == Notice.GUEST:
        return (
            _("Invitation to a video call in the jobcenter digital portal"),
            _(
                "Hello,\n\n"
                "you are invited to a video call in the jobcenter digital portal. "
                "Join with this link; it also shows when the room opens:\n%(link)s\n\n"
                "The link is personal: please do not pass it on. Nothing is recorded.\n"
            ),
        )
    return (
        _("New message in the jobcenter digital portal"),
        _(
            "Hello,\n\n"
            "there is something new for you in the jobcenter digital portal. "
            "Please log in to read it:\n%(link)s\n\n"
            "Some messages have a deadline, so please look soon.\n"
            "For your privacy this e-mail does not say what it is about.\n"
        ),
    )


def notice_mail(
    *,
    to: str,
    language: str,
    link: str,
    jobcenter_name: str = "",
    notice: Notice = Notice.NEWS,
    attachments: list[tuple[str, str, str]] | None = None,
) -> Mail:
    """The one e-mail the portal sends, in ``language`` (``mail_language``):
    ``notice`` says which of the few neutral texts; ``link`` points to the page
    that shows the thing (an opaque id in it at most); ``attachments`` only what
    the recipient asked for (a calendar file with a neutral title)."""
    with translation.override(language):
        subject, body = _texts(notice)
        body = body % {"link": link}
        if attachments:
            body += _("The attached calendar file is there because you chose it in your settings.") + "\n"
        body += "\n" + _("Kind regards\n%(jobcenter)s") % {"jobcenter": jobcenter_name or PORTAL_NAME} + "\n"
    return Mail(to=[to], subject=subject, body=body, attachments=list(attachments or []))


def mail_enqueue(mail: Mail, *, message_id: str | None = None) -> None:
    """Hand the e-mail to the task worker (``portal.tasks.send_email``). Call it
    in ``transaction.on_commit``, or inside the transaction that records the
    e-mail as sent (the database task backend commits both together)."""
    send_email.enqueue(
        to=mail.to,
        subject=mail.subject,
        body=mail.body,
        attachments=mail.attachments or None,
        message_id=message_id,
    )


def message_id(*parts: object) -> str:
    """``<hash.portal@domain>`` for the e-mail identified by ``parts``, e.g.
    ``("appointment-reminder", public_id, "day", start)``. The same parts give the
    same id on every host and in every run; the hash keeps ids out of headers."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{digest}.portal@{domain}>"
