"""Shared fixtures.

Tests marked ``postgres`` or ``redis`` need the real service. On a developer
machine without it they are skipped with the reason; when ``CI`` is set a
missing service fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory, login

IN_CI = bool(os.environ.get("CI"))


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it)", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


def require_redis() -> None:
    if not settings.REDIS_URL:
        missing("needs Redis: set REDIS_URL=redis://...")


def require_binary(name: str, package: str | None = None) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not path:
        missing(f"needs {name} (apt-get install {package or name})")
    return path  # type: ignore[return-value]


def pytest_configure(config):
    # The SQLite test database and private files live in var/ (see settings).
    (settings.BASE_DIR / "var").mkdir(exist_ok=True)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        require_postgres()
    if item.get_closest_marker("redis"):
        require_redis()
    if item.get_closest_marker("browser"):
        require_binary("chromium")


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached values must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is slow on purpose; tests log in a lot."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(tmp_path, settings):
    """Each test writes its uploads to its own private folder. Pages render
    without collectstatic's manifest (production builds it; tests do not)."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {**settings.STORAGES["private"]["OPTIONS"], "location": str(root)},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("private", None)
    yield root
    storages._storages.pop("private", None)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)


@pytest.fixture
def citizen_api(citizen):
    client = APIClient()
    login(client, citizen)
    return client


@pytest.fixture
def api_for():
    """``api_for(user)`` gives a client logged in as ``user`` (with MFA when the role needs it)."""

    def make(user, *, mfa: bool = True) -> APIClient:
        client = APIClient()
        login(client, user, mfa=mfa)
        return client

    return make


def pytest_sessionstart(session):
    session.config._started_at = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """Say where the browser tests left their screenshots of every page (var/screenshots/)."""
    from django.conf import settings

    folder = settings.BASE_DIR / "var" / "screenshots"
    started = getattr(config, "_started_at", 0)
    shots = [p for p in folder.glob("*.png") if p.stat().st_mtime >= started] if folder.is_dir() else []
    if shots:
        terminalreporter.write_line(f"{len(shots)} screenshots of the pages: {folder}")
