"""Legal texts that staff attach to what they send, kept with a version.

A refusal for lack of cooperation (§66 SGB I) is lawful only after a written
warning of its consequences, so the exact wording a citizen was shown is
stored with every document request (text and version). A new wording gets a
new version here; old requests keep theirs. The stored wording is German (the
official language); the citizen's language is added as an aid.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

CONSEQUENCES_VERSION = "2026-1"
# Official documents are written in German (Amtssprache, §19 SGB X).
OFFICIAL_LANGUAGE = "de"


def default_legal_basis() -> str:
    return _("§60 paragraph 1 of the First Book of the Social Code (SGB I): duty to cooperate.")


def consequences_text() -> str:
    """Rechtsfolgenbelehrung, §66 paragraph 3 SGB I (version ``CONSEQUENCES_VERSION``)."""
    return _(
        "If you do not send the requested documents by the deadline and we therefore cannot "
        "establish the facts, we may refuse or withdraw the benefit in whole or in part until "
        "you cooperate (§66 SGB I). If you cooperate later, we can grant the benefit "
        "retroactively in whole or in part (§67 SGB I). If you cannot meet the deadline, "
        "please tell us before it runs out."
    )


def official_texts(*, citizen_language: str) -> dict[str, str]:
    """The fields a new document request stores: legal basis and warning in
    German, whatever language the staff member works in, and the warning in the
    citizen's language as an aid when that is not German."""
    with translation.override(OFFICIAL_LANGUAGE):
        texts = {
            "legal_basis": default_legal_basis(),
            "consequences_text": consequences_text(),
            "consequences_version": CONSEQUENCES_VERSION,
            "consequences_translation": "",
            "translation_language": "",
        }
    if citizen_language and citizen_language != OFFICIAL_LANGUAGE:
        with translation.override(citizen_language):
            texts["consequences_translation"] = consequences_text()
            texts["translation_language"] = citizen_language
    return texts
