from django.db import migrations

# The claim-next query (casework.services._claimable): the unassigned undecided cases of a
# Jobcenter, oldest lodged first. Claimed and decided cases leave the index, so it holds
# only the queue and PostgreSQL stops at the first row it can lock instead of sorting
# every unassigned row (drafts included) of the table. Raw SQL: the table belongs to
# `applications`, which knows nothing of the staff queue.
NAME = "casework_claim_queue_idx"
COLUMNS = "applications_application (jobcenter_id, lodged_at, id)"
PREDICATE = (
    "assigned_to_id IS NULL AND submitted_at IS NOT NULL "
    "AND status IN ('submitted', 'in_review', 'documents_requested')"
)


def create(apps, schema_editor):
    # CONCURRENTLY: a live table keeps taking submissions while the index is built.
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {NAME} ON {COLUMNS} WHERE {PREDICATE}")


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("casework", "0002_counsellor_clients_from_appointments"),
        ("applications", "0002_document_active_content"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
