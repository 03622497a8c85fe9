"""The video rows' seeds make rooms the real consumer admits, and their round
trip is spelled so that the consumer relays it (real daphne, bench settings)."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.contrib.auth.models import Group

from bench.rows.signal import _round_trips, seed_room
from bench.rows.sockets import _admitted, seed_rooms
from bench.rows.video_seed import forget_rooms
from bench.ws import close_many, open_ws, recv_until
from portal.constants import Role
from tests.video.servers import Daphne

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles():
    # transaction=True empties the tables, the role groups of the data migration too.
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def _bench_server() -> Daphne:
    return Daphne({"DJANGO_SETTINGS_MODULE": "bench.settings"})


def test_it_relays_the_signal_round_trips_of_a_seeded_room(settings):
    room = seed_room()
    with _bench_server() as server:
        ws_url = server.url.replace("http://", "ws://")
        # More signals than production's burst of 60: the bench settings raise the limit.
        times = asyncio.run(_round_trips(ws_url, ws_url, room, rounds=100))
    assert len(times) == 100
    assert all(t > 0 for t in times)
    forget_rooms(settings.REDIS_URL, [room])


def test_it_seeds_rooms_whose_participants_are_admitted(settings):
    rooms = seed_rooms(rooms=3)
    assert len({r.room for r in rooms}) == 3
    with _bench_server() as server:
        ws_url = server.url.replace("http://", "ws://")

        async def scenario():
            conns = await _admitted(ws_url, rooms)
            try:
                # Admitted means the consumer relays signals between the two.
                a, b, spec = conns[0], conns[1], rooms[0].spec
                await a.send(spec.make(7))
                offer = await recv_until(b, lambda m: spec.reply(m) is not None)
                await b.send(spec.reply(offer))
                answer = await recv_until(a, lambda m: spec.is_answer(m, 7))
                return conns, json.loads(answer)
            finally:
                await close_many(conns)

        conns, answer = asyncio.run(scenario())
    assert len(conns) == 6
    assert answer["type"] == "signal" and answer["data"]["description"]["type"] == "answer"
    forget_rooms(settings.REDIS_URL, rooms)


def test_it_refuses_a_seeded_token_in_another_room():
    first, second = seed_rooms(rooms=2)
    with _bench_server() as server:
        ws_url = server.url.replace("http://", "ws://")
        wrong = first.a.path.replace(first.room, second.room)

        async def scenario():
            ws = await open_ws(ws_url + wrong, origin=server.url)
            try:
                return json.loads(await recv_until(ws, lambda m: True))
            finally:
                await ws.close()

        refused = asyncio.run(scenario())
    assert refused["type"] == "error"
    assert refused["code"] == "forbidden"
