"""allauth's headless API, adapted: the user is named by the public UUID
(``User.public_id``), and a citizen who must still set up a second factor finds
``meta.mfa_setup`` in every answer (portal/mfa.py).

allauth puts the primary key in ``data.user.id`` of its login and session responses.
Ours is a sequential integer: it tells how many accounts exist and is the id an
attacker would try next. The UUID replaces it in the same field (allauth documents
``id`` as an integer *or a string*, and its clients treat it as opaque), so no
client needs a second field and the integer is nowhere to be seen.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from allauth.headless.adapter import DefaultHeadlessAdapter

from portal.mfa import mfa_setup_pending


class PortalHeadlessAdapter(DefaultHeadlessAdapter):
    def get_user_dataclass(self):
        # Keep allauth's fields (and the OpenAPI document built from them); only ``id`` changes type.
        fields: list[tuple[str, Any, dataclasses.Field]] = []
        for field in dataclasses.fields(super().get_user_dataclass()):
            if field.name == "id":
                metadata = {"description": "The user's public id (a UUID).", "example": str(uuid.uuid4())}
                fields.append(("id", str | None, dataclasses.field(metadata=metadata)))
            else:
                fields.append((field.name, field.type, dataclasses.field(metadata=field.metadata)))
        return dataclasses.make_dataclass("User", fields)

    def user_as_dataclass(self, user):
        data = super().user_as_dataclass(user)
        return dataclasses.replace(data, id=str(user.public_id) if user.pk else None)

    def populate_response_meta(self, request, meta: dict) -> None:
        """A citizen who must still set up a second factor finds ``meta.mfa_setup``
        (``due_at``, ``overdue``) in every answer of allauth's API, the login's included."""
        super().populate_response_meta(request, meta)
        pending = mfa_setup_pending(getattr(request, "session", None), getattr(request, "user", None))
        if pending is not None:
            meta["mfa_setup"] = pending.as_meta()
