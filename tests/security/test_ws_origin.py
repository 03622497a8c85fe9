"""The video sockets accept only the portal's own origins, compared by scheme,
host and port (portal/origins.py), against a real daphne and real WebSockets.

A page on another port of the same host, the same host over the other scheme,
or another host that the portal also answers to (``ALLOWED_HOSTS``) must not
open a socket with the visitor's cookie or ticket."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlparse

import pytest
from channels.security.websocket import OriginValidator
from django.contrib.auth.models import Group
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from portal.constants import Role
from portal.origins import websocket_origins
from tests.video.factories import VideoAppointmentFactory
from tests.video.servers import Daphne, free_port, get_json, session_cookie_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TRUSTED = "https://beratung.jobcenter.example"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """daphne (on the test database) whose public origin is its own address, plus one more trusted origin."""
    port = free_port()
    env = {
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}/portal/",
        "CSRF_TRUSTED_ORIGINS": TRUSTED,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    with Daphne(env, port=port) as running:
        yield running


@pytest.fixture
def ticket(server):
    for role in Role:  # a transactional test starts without the migration's groups
        Group.objects.get_or_create(name=role.value)
    appointment = VideoAppointmentFactory()
    status, body = get_json(
        f"{server.url}/api/v1/appointments/{appointment.public_id}/video/",
        cookie=session_cookie_for(appointment.citizen),
    )
    assert status == 200, body
    return body


def open_socket(ticket: dict, origin: str | None) -> tuple[int, dict | None]:
    """``(101, welcome)`` when the socket opened, else ``(status, None)``."""

    async def attempt():
        url = f"{ticket['websocket']}?token={ticket['token']}"
        try:
            async with connect(url, origin=origin, proxy=None, open_timeout=10) as socket:
                return 101, json.loads(await asyncio.wait_for(socket.recv(), 10))
        except InvalidStatus as refused:
            return refused.response.status_code, None

    return asyncio.run(attempt())


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", TRUSTED, "https://BERATUNG.jobcenter.example:443"])
def test_it_accepts_the_portals_own_origins(server, ticket, origin):
    status, welcome = open_socket(ticket, origin.format(port=server.port))

    assert status == 101
    assert welcome["type"] == "welcome"


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9999",  # another port on the same host
        "https://127.0.0.1:{port}",  # the other scheme
        "http://localhost:{port}",  # another host the portal answers to (ALLOWED_HOSTS)
        "http://beratung.jobcenter.example",  # a trusted host over http
        "https://evil.example",
        "null",  # sandboxed frames, file: pages
        None,  # no Origin header at all
    ],
    ids=["other-port", "other-scheme", "other-allowed-host", "trusted-host-other-scheme", "other-site", "null", "none"],
)
def test_it_refuses_any_other_origin(server, ticket, origin):
    status, welcome = open_socket(ticket, origin.format(port=server.port) if origin else None)

    assert status == 403
    assert welcome is None


@pytest.mark.parametrize(
    "origin, accepted",
    [
        ("https://portal.jobcenter.example", True),
        ("https://portal.jobcenter.example:443", True),
        ("https://portal.jobcenter.example:8443", False),
        ("http://portal.jobcenter.example", False),
        ("https://video.kl.jobcenter.example", True),  # the trusted wildcard
        ("http://video.kl.jobcenter.example", False),
        ("https://jobcenter.example.evil.example", False),
    ],
)
def test_it_reads_the_public_origins_from_the_settings(settings, origin, accepted):
    settings.PUBLIC_BASE_URL = "https://portal.jobcenter.example/portal/"
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.kl.jobcenter.example"]

    validator = OriginValidator(None, websocket_origins())

    assert websocket_origins() == ["https://portal.jobcenter.example", "https://.kl.jobcenter.example"]
    assert validator.valid_origin(urlparse(origin)) is accepted
