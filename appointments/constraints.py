"""The no-double-booking guarantee as a PostgreSQL exclusion constraint that
degrades to nothing on SQLite.

On SQLite the constraint produces no SQL (the table is created without it and
``makemigrations`` still sees it in the model state, so ``--check`` is clean);
the booking service serialises writers there instead (IMMEDIATE transactions).
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import connections
from django.db.models import Func


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _is_postgres(schema_editor_or_alias) -> bool:
    connection = getattr(schema_editor_or_alias, "connection", None) or connections[schema_editor_or_alias]
    return connection.vendor == "postgresql"


class PostgresExclusionConstraint(ExclusionConstraint):
    """``ExclusionConstraint`` that is only created on PostgreSQL."""

    def constraint_sql(self, model, schema_editor):
        if not _is_postgres(schema_editor):
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if not _is_postgres(schema_editor):
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if not _is_postgres(schema_editor):
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        if not _is_postgres(using):
            return
        super().validate(model, instance, exclude=exclude, using=using)
