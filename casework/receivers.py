"""Listeners to other apps' events: each calls one service, nothing more."""

from __future__ import annotations

from applications.models import Application
from casework.services import application_route


def route_on_submit(sender, *, application: Application, **kwargs) -> None:
    """``applications.signals.application_submitted``: give the case its team (in the submit transaction)."""
    application_route(application=application)
