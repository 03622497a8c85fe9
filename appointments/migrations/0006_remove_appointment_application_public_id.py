from django.db import migrations


class Migration(migrations.Migration):
    """Step 3 of 3: the placeholder UUID goes."""

    dependencies = [("appointments", "0005_application_from_public_id")]

    operations = [migrations.RemoveField(model_name="appointment", name="application_public_id")]
