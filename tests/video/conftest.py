from __future__ import annotations

import pytest
from channels.layers import channel_layers
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from portal.constants import Role
from tests.factories import login
from tests.video.factories import VideoAppointmentFactory


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test runs its own event loop; a channel layer must not carry queues
    or connections from the last one."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    # Pages use {% static %}; the manifest exists only after collectstatic (deployment).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Logins in these tests go through sessions; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def appointment(db, _roles):
    return VideoAppointmentFactory()


@pytest.fixture
def _roles(db):
    """Tests with ``transaction=True`` start from an emptied database, without
    the role groups that a data migration made."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def api_for():
    """Like the shared ``api_for``, but logs in the user as stored: a factory-made
    instance may hold a password hash that was never saved, and a session made
    from it would not match the database (fixed on the foundation branch)."""

    def make(user, *, mfa: bool = True) -> APIClient:
        client = APIClient()
        login(client, type(user).objects.get(pk=user.pk), mfa=mfa)
        return client

    return make
