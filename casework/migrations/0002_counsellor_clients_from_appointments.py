from django.db import migrations


class Migration(migrations.Migration):
    """A counsellor's clients are now the citizens they have or had an appointment
    with (``appointments.selectors.client_ids_of_counsellor``); the list kept by
    hand in the admin goes. Rows it held grant nothing any more."""

    dependencies = [("casework", "0001_initial")]

    operations = [migrations.DeleteModel(name="CounsellorClient")]
