"""End to end: real daphne processes with PostgreSQL and Redis, and two aiortc
participants (counsellor and citizen) that speak the room protocol over real
WebSockets, exchange offer, answer and trickled candidates, and receive each
other's video and audio. Media flows peer to peer; the servers only relay signals."""

from __future__ import annotations

import asyncio

import pytest

from tests.video.media import wait_for
from tests.video.room_client import RoomClient
from tests.video.servers import Daphne, get_json, session_cookie_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FRAMES = 30


def _ticket(server: Daphne, user, appointment) -> dict:
    status, body = get_json(
        f"{server.url}/api/v1/appointments/{appointment.public_id}/video/", cookie=session_cookie_for(user)
    )
    assert status == 200, body
    assert body["websocket"].startswith(f"ws://127.0.0.1:{server.port}/")
    return body


def _call(appointment, counsellor_server: Daphne, citizen_server: Daphne) -> None:
    counsellor_ticket = _ticket(counsellor_server, appointment.counsellor, appointment)
    citizen_ticket = _ticket(citizen_server, appointment.citizen, appointment)

    async def scenario():
        counsellor = RoomClient(ticket=counsellor_ticket, origin=counsellor_server.url)
        citizen = RoomClient(ticket=citizen_ticket, origin=citizen_server.url)
        try:
            await counsellor.start()
            await wait_for(lambda: any(m["type"] == "lobby" for m in counsellor.log), timeout=10, what="the lobby")
            await citizen.start()
            await wait_for(
                lambda: all(
                    client.got("video") >= FRAMES and client.got("audio") >= FRAMES for client in (counsellor, citizen)
                ),
                timeout=30,
                what="video and audio both ways",
            )
        finally:
            await counsellor.close()
            await citizen.close()
        welcome = citizen.log[0]
        assert welcome["type"] == "welcome" and welcome["state"] == "waiting"
        assert [m["type"] for m in citizen.log[1:2]] == ["admitted"]
        assert any(m["type"] == "peer-joined" for m in counsellor.log)
        # The counsellor was present, so the counsellor offered; candidates went separately.
        assert counsellor.signals_sent["description"] == 1 and citizen.signals_sent["description"] == 1
        assert counsellor.signals_sent["candidate"] >= 2 and citizen.signals_sent["candidate"] >= 2
        assert set(counsellor.pcs) == {citizen.me} and set(citizen.pcs) == {counsellor.me}

    asyncio.run(scenario())


def test_it_connects_citizen_and_counsellor_through_one_server(appointment):
    with Daphne() as server:
        _call(appointment, server, server)


def test_it_connects_them_through_two_server_processes_sharing_redis(appointment):
    with Daphne() as first, Daphne() as second:
        _call(appointment, first, second)
