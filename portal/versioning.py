"""One way to give a versioned row a new version (its ETag changes with it).

A service that changes a resource locks the row first (``select_for_update``),
checks ``If-Match`` against the locked row (``portal.api.conditional``), and
then saves the change with ``save_new_version``. A change to a part (a
household member, a document) gives its parent a new version the same way.
"""

from __future__ import annotations

from django.db import models


def save_new_version(obj: models.Model, *fields: str) -> None:
    """Bump ``obj.version`` and save it with ``fields`` (and ``updated_at`` where the model has one).

    ``obj`` must be the row this transaction locked, so its version is current.
    """
    obj.version += 1
    update = [*fields, "version"]
    if "updated_at" not in update and any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        update.append("updated_at")
    obj.save(update_fields=update)
