"""The signalling protocol over the real ASGI stack (docs/video.md)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from tests.video.sockets import join, ticket

pytestmark = pytest.mark.django_db(transaction=True)

OFFER = {"description": {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}}
ANSWER = {"description": {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}}
CANDIDATE = {
    "candidate": {
        "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
        "usernameFragment": "abcd",
    }
}


@pytest.fixture
def tickets(appointment, api_for):
    return {
        "counsellor": ticket(api_for(appointment.counsellor), appointment),
        "citizen": ticket(api_for(appointment.citizen), appointment),
    }


async def _counsellor_and_waiting_citizen(appointment, tickets):
    room = appointment.public_id
    counsellor, welcome = await join(room, token=tickets["counsellor"]["token"], expect_state="admitted")
    assert welcome["you"] == {"id": tickets["counsellor"]["participant"], "role": "counsellor"}
    assert welcome["participants"] == []
    assert (await counsellor.expect("lobby"))["waiting"] == []
    citizen, welcome = await join(room, token=tickets["citizen"]["token"], expect_state="waiting")
    return counsellor, citizen, welcome


def test_it_admits_the_counsellor_at_once_and_keeps_the_citizen_waiting(appointment, tickets):
    async def scenario():
        counsellor, citizen, welcome = await _counsellor_and_waiting_citizen(appointment, tickets)
        assert welcome["you"] == {"id": tickets["citizen"]["participant"], "role": "citizen"}
        assert welcome["participants"] == [
            {
                "id": tickets["counsellor"]["participant"],
                "role": "counsellor",
                "display_name": appointment.counsellor.display_name,
            }
        ]
        lobby = await counsellor.expect("lobby")
        assert lobby["waiting"] == [
            {
                "id": tickets["citizen"]["participant"],
                "role": "citizen",
                "display_name": appointment.citizen.display_name,
            }
        ]
        # Waiting means waiting: nothing reaches the citizen, and it cannot signal.
        await citizen.send({"type": "signal", "to": tickets["counsellor"]["participant"], "data": OFFER})
        assert (await citizen.expect("error"))["code"] == "not_admitted"
        assert await counsellor.nothing()
        await citizen.leave()
        assert (await counsellor.expect("lobby"))["waiting"] == []
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_admits_and_relays_offer_answer_and_candidates(appointment, tickets):
    counsellor_id, citizen_id = tickets["counsellor"]["participant"], tickets["citizen"]["participant"]

    async def scenario():
        counsellor, citizen, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        await counsellor.send({"type": "admit", "participant": citizen_id})
        admitted = await citizen.expect("admitted")
        assert [p["id"] for p in admitted["participants"]] == [counsellor_id]
        # The counsellor sees the waiting room empty and the newcomer joined (in either order).
        got = {m["type"]: m for m in [await counsellor.receive(), await counsellor.receive()]}
        assert got["lobby"]["waiting"] == []
        assert got["peer-joined"]["participant"]["id"] == citizen_id
        # The one already present offers; the newcomer answers; candidates both ways.
        await counsellor.send({"type": "signal", "to": citizen_id, "data": OFFER})
        assert await citizen.expect("signal") == {"type": "signal", "from": counsellor_id, "data": OFFER}
        await citizen.send({"type": "signal", "to": counsellor_id, "data": ANSWER})
        assert await counsellor.expect("signal") == {"type": "signal", "from": citizen_id, "data": ANSWER}
        await citizen.send({"type": "signal", "to": counsellor_id, "data": CANDIDATE})
        assert (await counsellor.expect("signal"))["data"] == CANDIDATE
        await counsellor.send({"type": "signal", "to": citizen_id, "data": {"candidate": None}})
        assert (await citizen.expect("signal"))["data"] == {"candidate": None}
        # Leaving tells the others.
        await citizen.leave()
        assert await counsellor.expect("peer-left") == {"type": "peer-left", "participant": citizen_id}
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_gives_a_reconnecting_counsellor_the_waiting_room_back(appointment, tickets, api_for):
    citizen_id = tickets["citizen"]["participant"]

    async def scenario():
        counsellor, citizen, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        await counsellor.leave()
        counsellor, _welcome = await join(appointment.public_id, token=again["token"], expect_state="admitted")
        assert (await counsellor.expect("lobby"))["waiting"][0]["id"] == citizen_id
        # ... and can admit from it.
        await counsellor.send({"type": "admit", "participant": citizen_id})
        await citizen.expect("admitted")
        await citizen.leave()
        await counsellor.leave()

    again = ticket(api_for(appointment.counsellor), appointment)
    async_to_sync(scenario)()


def test_it_remembers_an_admission_when_the_citizen_reconnects(appointment, tickets, api_for):
    citizen_id = tickets["citizen"]["participant"]
    again = ticket(api_for(appointment.citizen), appointment)

    async def scenario():
        counsellor, citizen, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        await counsellor.send({"type": "admit", "participant": citizen_id})
        await citizen.expect("admitted")
        await counsellor.receive()
        await counsellor.receive()
        await citizen.leave()
        await counsellor.expect("peer-left")
        citizen, welcome = await join(appointment.public_id, token=again["token"], expect_state="admitted")
        assert [p["role"] for p in welcome["participants"]] == ["counsellor"]
        assert (await counsellor.expect("peer-joined"))["participant"]["id"] == citizen_id
        await citizen.leave()
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_replaces_an_older_connection_of_the_same_participant(appointment, tickets, api_for):
    again = ticket(api_for(appointment.citizen), appointment)

    async def scenario():
        counsellor, first, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        second, _ = await join(appointment.public_id, token=again["token"], expect_state="waiting")
        assert await first.expect("replaced") == {"type": "replaced"}
        assert await first.closed() == 4409
        await first.leave()
        # Still exactly one citizen waiting, on the new socket.
        lobby = await counsellor.expect("lobby")
        assert [p["id"] for p in lobby["waiting"]] == [tickets["citizen"]["participant"]]
        await counsellor.send({"type": "admit", "participant": tickets["citizen"]["participant"]})
        await second.expect("admitted")
        await second.leave()
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_lets_the_counsellor_remove_a_participant(appointment, tickets):
    async def scenario():
        counsellor, citizen, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        await counsellor.send({"type": "remove", "participant": tickets["citizen"]["participant"]})
        assert (await citizen.expect("removed"))["type"] == "removed"
        assert await citizen.closed() == 4411
        await citizen.leave()
        assert (await counsellor.expect("lobby"))["waiting"] == []
        # The counsellor cannot be removed, and a stranger id is answered, not relayed.
        await counsellor.send({"type": "remove", "participant": tickets["counsellor"]["participant"]})
        assert (await counsellor.expect("error"))["code"] == "forbidden"
        await counsellor.send({"type": "admit", "participant": "p_0000000000000000"})
        assert (await counsellor.expect("error"))["code"] == "unknown_peer"
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_lets_only_the_counsellor_run_the_waiting_room(appointment, tickets):
    async def scenario():
        counsellor, citizen, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        for message in (
            {"type": "admit", "participant": tickets["citizen"]["participant"]},
            {"type": "remove", "participant": tickets["counsellor"]["participant"]},
            {"type": "end"},
        ):
            await citizen.send(message)
            assert (await citizen.expect("error"))["code"] == "forbidden"
        assert await counsellor.nothing()
        await citizen.leave()
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_ends_the_room_for_everyone(appointment, tickets, api_for):
    later_citizen = ticket(api_for(appointment.citizen), appointment)
    later_counsellor = ticket(api_for(appointment.counsellor), appointment)
    later_citizen_2 = ticket(api_for(appointment.citizen), appointment)

    async def scenario():
        counsellor, citizen, _ = await _counsellor_and_waiting_citizen(appointment, tickets)
        await counsellor.expect("lobby")
        await counsellor.send({"type": "end"})
        for socket in (counsellor, citizen):
            assert await socket.expect("room-ended") == {"type": "room-ended", "reason": "ended"}
            assert await socket.closed() == 4410
            await socket.leave()
        # Nobody but the counsellor can open it again.
        citizen, _connected = await _connect(later_citizen["token"])
        assert (await citizen.expect("error"))["code"] == "room_ended"
        assert await citizen.closed() == 4410
        await citizen.leave()
        counsellor, _ = await join(appointment.public_id, token=later_counsellor["token"], expect_state="admitted")
        citizen, _ = await join(appointment.public_id, token=later_citizen_2["token"], expect_state="waiting")
        await citizen.leave()
        await counsellor.leave()

    async def _connect(token):
        from tests.video.sockets import connect

        return await connect(appointment.public_id, token=token)

    async_to_sync(scenario)()


def test_it_answers_ping_with_pong(appointment, tickets):
    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=tickets["counsellor"]["token"])
        await counsellor.expect("lobby")
        await counsellor.send({"type": "ping"})
        assert await counsellor.expect("pong") == {"type": "pong"}
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_records_join_and_leave_times_and_nothing_else(appointment, tickets):
    from video.models import Participation

    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=tickets["counsellor"]["token"])
        await counsellor.expect("lobby")
        await counsellor.leave()

    async_to_sync(scenario)()
    row = Participation.objects.get()
    assert row.appointment_id == appointment.pk
    assert row.role == "counsellor"
    assert row.user_id == appointment.counsellor_id
    assert row.participant == tickets["counsellor"]["participant"]
    assert row.left_at is not None and row.left_at >= row.joined_at
