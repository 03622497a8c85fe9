"""Version 1 of the Rechtsfolgenbelehrung for Meldeaufforderungen (§59 SGB II, §309 SGB III, §32 SGB II).

The binding German text is data, not code: a changed text is a new version row.
"""

from django.db import migrations

from appointments.legal_texts import ensure_meldeaufforderung_v1


def create_v1(apps, schema_editor):
    ensure_meldeaufforderung_v1(apps.get_model("appointments", "LegalNotice"))


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(create_v1, migrations.RunPython.noop)]
