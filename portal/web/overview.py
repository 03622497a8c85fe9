"""The citizen's overview after login (``/overview/``), put together from panels.

``portal`` sits below the apps that own the data (applications, appointments), so it
cannot ask them itself. Each app registers a panel in its ``AppConfig.ready()``:

    overview.register(overview.Panel(key="applications", order=10,
                                      template="applications/overview_panel.html",
                                      context=applications_panel))

``context(request)`` returns the template's context, or ``None`` to leave the panel
out. It calls the app's selectors, the same ones its API uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict | None]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add or replace (by key: ``ready()`` may run twice in tests) a panel."""
    _panels[panel.key] = panel


def panels_for(request: HttpRequest) -> list[tuple[str, dict]]:
    """(template, context) of each panel with something to show, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown
