"""Version 1 of the Rechtsfolgenbelehrung for Meldeaufforderungen (§59 SGB II, §309 SGB III, §32 SGB II).

The binding German text is data, not code: a changed text is a new version row.
"""

import datetime

from django.db import migrations

TEXT_V1 = (
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


def create_v1(apps, schema_editor):
    LegalNotice = apps.get_model("appointments", "LegalNotice")
    LegalNotice.objects.get_or_create(
        code="meldeaufforderung", version=1, defaults={"valid_from": datetime.date(2023, 1, 1), "text": TEXT_V1}
    )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(create_v1, migrations.RunPython.noop)]
