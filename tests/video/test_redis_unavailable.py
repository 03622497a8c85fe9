"""Redis fails: the room socket says ``unavailable`` and closes with 4503
(reconnect with back-off) instead of failing with an exception, and what the
portal does over HTTP goes on.

Through the real ASGI stack with a Redis of our own that is stopped or restarted
empty (the machine's Redis is never touched); the channel layer is in memory here,
the channel layers on Redis are covered in tests/security/test_fault_video.py."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from rest_framework.test import APIClient

from tests.security.services import Redis, free_port, stop_group
from tests.video.sockets import connect, join, ticket
from video.models import Guest
from video.services import guest_invite

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

UNAVAILABLE = {"type": "unavailable", "code": "signalling_unavailable", "retry_after": 2}


@pytest.fixture
def own_redis(settings):
    from tests.conftest import require_binary

    require_binary("redis-server")
    server = Redis().start()
    settings.REDIS_URL = server.url
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.VIDEO_HEARTBEAT = 0.2
    yield server
    server.stop()


def test_it_refuses_with_4503_while_redis_is_away(appointment, api_for, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    token = ticket(api_for(appointment.counsellor), appointment)["token"]

    async def scenario():
        socket, connected = await connect(appointment.public_id, token=token)
        assert connected  # accepted first, so that the browser sees why
        assert await socket.receive() == UNAVAILABLE
        assert await socket.closed() == 4503
        await socket.leave()

    async_to_sync(scenario)()


def test_it_tells_a_connected_socket_when_redis_stops(appointment, api_for, own_redis):
    token = ticket(api_for(appointment.counsellor), appointment)["token"]

    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=token, expect_state="admitted")
        await counsellor.expect("lobby")
        stop_group(own_redis.proc)  # nothing is sent: the next presence refresh finds out
        own_redis.proc = None
        assert await counsellor.receive(timeout=10) == UNAVAILABLE
        assert await counsellor.closed() == 4503
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_sends_everyone_back_to_join_again_when_redis_returns_empty(appointment, api_for, own_redis):
    counsellor_api, citizen_api = api_for(appointment.counsellor), api_for(appointment.citizen)
    tokens = [ticket(api, appointment)["token"] for api in (counsellor_api, citizen_api) * 2]

    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=tokens[0], expect_state="admitted")
        await counsellor.expect("lobby")
        citizen, _ = await join(appointment.public_id, token=tokens[1], expect_state="waiting")
        await counsellor.expect("lobby")
        # Restarted between two refreshes, without its data: presence is gone.
        own_redis.stop()
        own_redis.start()
        for socket in (counsellor, citizen):
            assert await socket.receive(timeout=10) == UNAVAILABLE
            assert await socket.closed() == 4503
            await socket.leave()
        # Joining again builds the room anew.
        counsellor, _ = await join(appointment.public_id, token=tokens[2], expect_state="admitted")
        assert (await counsellor.expect("lobby"))["waiting"] == []
        citizen, _ = await join(appointment.public_id, token=tokens[3], expect_state="waiting")
        assert [p["role"] for p in (await counsellor.expect("lobby"))["waiting"]] == ["citizen"]
        await counsellor.leave()
        await citizen.leave()

    async_to_sync(scenario)()


def test_it_withdraws_an_invitation_while_redis_is_away(appointment, api_for, settings):
    """The guest cannot be told (nobody can be while Redis is away), but the withdrawal
    is stored and answered normally, and the link stops working."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URL = dead
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [dead]}}
    }
    guest, key = guest_invite(
        appointment=appointment,
        actor=appointment.counsellor,
        kind="person_of_trust",
        display_name="Erika Beistand",
        email="beistand@example.org",
    )
    api = api_for(appointment.counsellor)
    response = api.delete(f"/api/v1/appointments/{appointment.public_id}/video/guests/{guest.public_id}/")
    assert response.status_code == 204, response.content
    assert Guest.objects.get(pk=guest.pk).revoked_at is not None
    response = APIClient().get(f"/api/v1/appointments/{appointment.public_id}/video/", HTTP_X_VIDEO_GUEST=key)
    assert response.status_code == 404, response.content
