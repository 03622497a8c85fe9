"""Settings of the benchmark server: exactly the production settings, plus a
URLconf that adds the floor view (``/bench/floor``) without touching
``portal.urls``. Selected with ``DJANGO_SETTINGS_MODULE=bench.settings``."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
