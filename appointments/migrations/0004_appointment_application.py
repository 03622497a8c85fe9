import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The link to the application becomes a foreign key (step 1 of 3: the column).

    Three migrations, each its own transaction: on PostgreSQL an ALTER TABLE in
    the transaction that filled a deferred foreign key fails with "pending
    trigger events".
    """

    dependencies = [
        ("applications", "0001_initial"),
        ("appointments", "0003_slot_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="application",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="appointments",
                to="applications.application",
            ),
        ),
    ]
