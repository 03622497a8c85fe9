"""Binding legal texts that are data: a changed text is a new version row, never an edit.

Version 1 of the Rechtsfolgenbelehrung for Meldeaufforderungen (§59 SGB II, §309 SGB III, §32 SGB II)
is created by migration 0002 and re-created after a database flush (see ``AppointmentsConfig.ready``).
"""

import datetime

MELDEAUFFORDERUNG = "meldeaufforderung"
MELDEAUFFORDERUNG_V1_VALID_FROM = datetime.date(2023, 1, 1)
MELDEAUFFORDERUNG_V1 = (
    "Rechtsfolgenbelehrung: Wenn Sie ohne wichtigen Grund dieser Aufforderung, sich zu melden oder "
    "zu dem genannten Termin zu erscheinen, nicht nachkommen, wird Ihr Bürgergeld nach § 32 SGB II "
    "um 10 Prozent des für Sie maßgebenden Regelbedarfs für die Dauer eines Monats gemindert. "
    "Die Minderung beginnt mit dem Kalendermonat, der auf das Wirksamwerden des Verwaltungsaktes "
    "folgt, der die Minderung feststellt. Ein wichtiger Grund liegt zum Beispiel bei "
    "Arbeitsunfähigkeit vor; weisen Sie ihn bitte nach. Erscheinen Sie am Tag des Termins zu einer "
    "späteren Uhrzeit, gilt die Meldepflicht als erfüllt, wenn der Zweck der Meldung noch erreicht "
    "werden kann (§ 309 Abs. 3 SGB III). Wenn Sie den Termin nicht wahrnehmen können, teilen Sie "
    "dies bitte vorher mit und nennen Sie den Grund."
)


def ensure_meldeaufforderung_v1(legal_notice_model) -> None:
    legal_notice_model.objects.get_or_create(
        code=MELDEAUFFORDERUNG,
        version=1,
        defaults={"valid_from": MELDEAUFFORDERUNG_V1_VALID_FROM, "text": MELDEAUFFORDERUNG_V1},
    )
