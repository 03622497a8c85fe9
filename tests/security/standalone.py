"""Django set up for the long runs started outside pytest (``make fuzz``, ``make soak``).

They only orchestrate (start processes, count answers, query the database of
their own); the portal they test runs in its own process with its own settings.
"""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    for name, value in {
        "DEBUG": "false",
        "SECRET_KEY": "long-runs-only-secret-key-0123456789abcdefghijkl",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "EMAIL_HOST": "localhost",
        "UPLOAD_VIRUS_SCAN": "off",
    }.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()


def log(message: str) -> None:
    print(f"# {message}", flush=True)
